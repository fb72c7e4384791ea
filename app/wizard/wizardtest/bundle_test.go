package wizardtest

import "testing"

func TestBundle(t *testing.T) {
	b := Bundle(t)
	if b.Manifest.Name != Name || b.Platform(Subdir()) == nil {
		t.Fatalf("manifest: %+v", b.Manifest)
	}
	if p := b.Platform(Subdir()); len(p.Base) != 1 || len(p.Envs["team"]) != 2 {
		t.Fatalf("payload: %+v", p)
	}
	if b.Licence() != Licence {
		t.Fatalf("licence %q", b.Licence())
	}
}
