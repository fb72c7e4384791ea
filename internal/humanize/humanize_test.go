package humanize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.0 kB", 1500: "1.5 kB", 17_800: "17.8 kB",
		340_000_000: "340.0 MB", 2_500_000_000: "2.5 GB", 1 << 62: "4.6 EB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q; want %q", n, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 files"}, {1, "1 file"}, {2, "2 files"}, {1000, "1000 files"}} {
		if got := Count(c.n, "file"); got != c.want {
			t.Errorf("Count(%d, file) = %q; want %q", c.n, got, c.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	if got := Excerpt("short", 10); got != "short" {
		t.Errorf("Excerpt of a short text = %q", got)
	}
	long := strings.Repeat("é", 1000) // 2000 bytes
	got := Excerpt(long, 300)
	if len(got) > 330 || !strings.Contains(got, "…(2000 bytes)…") || !utf8.ValidString(got) {
		t.Errorf("Excerpt of 2000 bytes = %q (%d bytes); want about 300 valid bytes naming the length", got, len(got))
	}
}

func TestList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"conda"}, "conda"},
		{[]string{"conda", "pip"}, "conda and pip"},
		{[]string{"a", "b", "c"}, "a, b and c"},
		{[]string{"a", "b", "c", "d", "e"}, "a, b, c and 2 more"},
	} {
		if got := List(tc.in, 3); got != tc.want {
			t.Errorf("List(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
