package pkg

import "testing"

// conda's and onboard's names are reserved in every spelling one file
// system takes for them, a spelling with a code point HFS+ leaves out
// included (audit AB: conda\u200c-meta/evil-1-0.json passed).
func TestReservedInEverySpelling(t *testing.T) {
	for _, p := range []string{"conda-meta/x.json", "CONDA-META/x.json", "conda\u200c-meta/evil-1-0.json", ".onboard\u200d/manifest.json", "\ufeff.condarc"} {
		if _, ok := Reserved(p); !ok {
			t.Errorf("%q is not reserved", p)
		}
	}
	for _, p := range []string{"share/conda-meta.txt", "lib/x.so"} {
		if what, ok := Reserved(p); ok {
			t.Errorf("%q is reserved as %s", p, what)
		}
	}
}
