package maintain

import (
	"sort"

	"onboard/installer/prefix"
	"onboard/installer/state"
)

// metaRecord is a conda-meta/<dist>.json record as verify and repair read
// it: the record (prefix.DecodeRecord, the same reader the engine uses) and
// its file name.
type metaRecord struct {
	*prefix.Record
	file string // the record's file name in conda-meta/
}

// isNoarchPython tells whether paths_data may hold package-relative paths
// (observations G8).
func (r *metaRecord) isNoarchPython() bool {
	return r.PackageType == "noarch_python" || r.Noarch == "python"
}

// readMetaRecords reads every conda-meta/*.json of env under the one
// policy of state.ReadMeta: it returns the good records sorted by file
// name and the bad ones (unreadable, not UTF-8, not a record, or named
// after another package), which verify reports and repair sets aside.
func readMetaRecords(env string) ([]*metaRecord, []*state.BadRecord, error) {
	m, err := state.ReadMeta(env)
	if err != nil {
		return nil, nil, err
	}
	good := make([]*metaRecord, 0, len(m.Records))
	for _, r := range m.Records {
		good = append(good, &metaRecord{Record: r, file: r.FileName()})
	}
	sort.Slice(good, func(i, j int) bool { return good[i].file < good[j].file })
	return good, m.Bad, nil
}
