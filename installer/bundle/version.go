package bundle

import (
	"fmt"
	"regexp"
	"strconv"
)

// CalVer is a parsed YYYY.MM.MICRO version.
type CalVer struct{ Year, Month, Micro int }

var calverRE = regexp.MustCompile(`^([0-9]{4})\.([0-9]{1,2})\.(0|[1-9][0-9]*)$`)

// ParseCalVer parses a bundle version such as "2026.11.0". The month may be
// written with or without a leading zero; it must be 1 to 12.
func ParseCalVer(s string) (CalVer, error) {
	m := calverRE.FindStringSubmatch(s)
	if m == nil {
		return CalVer{}, fmt.Errorf("version %q is not CalVer YYYY.MM.MICRO (e.g. 2026.11.0)", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	mi, err := strconv.Atoi(m[3])
	if err != nil || mo < 1 || mo > 12 || y < 1970 {
		return CalVer{}, fmt.Errorf("version %q is not CalVer YYYY.MM.MICRO (e.g. 2026.11.0)", s)
	}
	return CalVer{y, mo, mi}, nil
}

// String formats v as YYYY.MM.MICRO with a two-digit month.
func (v CalVer) String() string { return fmt.Sprintf("%04d.%02d.%d", v.Year, v.Month, v.Micro) }

// Compare returns -1, 0 or +1 as v is older than, the same as, or newer than w.
func (v CalVer) Compare(w CalVer) int {
	for _, d := range [...]int{v.Year - w.Year, v.Month - w.Month, v.Micro - w.Micro} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

// CompareVersions compares two CalVer strings; an unparsable one sorts
// before every valid one.
func CompareVersions(a, b string) int {
	va, ea := ParseCalVer(a)
	vb, eb := ParseCalVer(b)
	switch {
	case ea != nil && eb != nil:
		return 0
	case ea != nil:
		return -1
	case eb != nil:
		return 1
	}
	return va.Compare(vb)
}
