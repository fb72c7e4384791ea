package prefix

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"onboard/internal/atomicfile"
)

// RecordStream is a conda-meta record whose files and paths_data are
// produced one at a time (a package of 200,000 files need not have them
// all in memory as structs and JSON at once). Head holds every other
// field; its Files and PathsData.Paths are ignored.
type RecordStream struct {
	Head     *Record
	N        int                // number of files (= of paths_data entries)
	File     func(i int) string // files[i]
	PathData func(i int) PathData
}

// WriteRecordStream writes the record into prefixDir/conda-meta, byte for
// byte what WriteRecord writes for the same record (tested), streaming
// files and paths_data.
func WriteRecordStream(prefixDir string, s RecordStream) (string, error) {
	head := *s.Head
	head.Files, head.PathsData.Paths = nil, nil
	b, err := Encode(&head)
	if err != nil {
		return "", err
	}
	// Encode writes both empty lists as "[]"; the entries go in there.
	const filesKey, pathsKey = "\n  \"files\": [", "\n    \"paths\": ["
	fi := bytes.Index(b, []byte(filesKey+"]"))
	pi := bytes.Index(b, []byte(pathsKey+"]"))
	if fi < 0 || pi < fi {
		return "", fmt.Errorf("failed to encode the record of %s: no place for its files", head.Dist())
	}
	fi += len(filesKey)
	pi += len(pathsKey)
	p := filepath.Join(prefixDir, "conda-meta", head.FileName())
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("failed to create the folder %q: %w", filepath.Dir(p), err)
	}
	err = atomicfile.WriteUnsynced(p, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 256<<10)
		bw.Write(b[:fi])
		if s.N > 0 {
			for i := range s.N {
				v := appendJSONString(nil, s.File(i))
				if i > 0 {
					bw.WriteByte(',')
				}
				bw.WriteString("\n    ")
				bw.Write(asciiOnly(v))
			}
			bw.WriteString("\n  ")
		}
		bw.Write(b[fi:pi])
		if s.N > 0 {
			var ind bytes.Buffer
			for i := range s.N {
				v, err := s.PathData(i).MarshalJSON()
				if err != nil {
					return err
				}
				ind.Reset()
				if err := json.Indent(&ind, v, "      ", "  "); err != nil {
					return err
				}
				if i > 0 {
					bw.WriteByte(',')
				}
				bw.WriteString("\n      ")
				bw.Write(asciiOnly(ind.Bytes()))
			}
			bw.WriteString("\n    ")
		}
		bw.Write(b[pi:])
		return bw.Flush()
	})
	if err != nil {
		return "", err
	}
	return p, nil
}

// asciiOnly escapes non-ASCII as indentASCII does (no indentation change).
func asciiOnly(b []byte) []byte {
	for _, c := range b {
		if c >= 0x80 {
			out, _ := escapeNonASCII(b)
			return out
		}
	}
	return b
}
