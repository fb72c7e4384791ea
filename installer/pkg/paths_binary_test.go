package pkg

import (
	"reflect"
	"testing"
)

func TestPathsBinaryRoundTrip(t *testing.T) {
	n0, n7 := int64(0), int64(1<<40+7)
	in := &Paths{Version: 1, Paths: []PathEntry{
		{Path: "bin/tool", PathType: PathHardlink, SHA256: "ab12", SizeInBytes: &n7, PrefixPlaceholder: "/opt/anaconda1anaconda2anaconda3", FileMode: ModeBinary},
		{Path: "lib/libz.so", PathType: PathSoftlink},
		{Path: "share/empty", PathType: PathHardlink, SizeInBytes: &n0, NoLink: true},
		{Path: "share/dir", PathType: PathDir},
		{Path: "ünïcode/ファイル.txt", PathType: "something-new", SHA256: "ff"},
	}}
	b, err := in.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out Paths
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, *in)
	}
	if out.Paths[2].SizeInBytes == nil || out.Paths[1].SizeInBytes != nil {
		t.Error("an absent size and a size of 0 must stay apart")
	}
	legacy := &Paths{Version: 0}
	b0, _ := legacy.MarshalBinary()
	var l Paths
	if err := l.UnmarshalBinary(b0); err != nil || l.Version != 0 || len(l.Paths) != 0 {
		t.Errorf("empty legacy paths: %+v, %v", l, err)
	}
}

func TestPathsBinaryDamaged(t *testing.T) {
	n := int64(3)
	in := &Paths{Version: 1, Paths: []PathEntry{{Path: "a/b", PathType: PathHardlink, SHA256: "00", SizeInBytes: &n}}}
	b, _ := in.MarshalBinary()
	for cut := 0; cut < len(b); cut++ {
		var out Paths
		if err := out.UnmarshalBinary(b[:cut]); err == nil {
			t.Fatalf("cut at %d of %d: no error", cut, len(b))
		}
	}
	var out Paths
	if err := out.UnmarshalBinary(append(b, 0)); err == nil {
		t.Error("trailing data: no error")
	}
}
