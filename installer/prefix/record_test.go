package prefix

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func size(n int64) *int64 { return &n }

func sampleRecord() *Record {
	return &Record{
		Name: "zlib", Version: "1.2.11", Build: "h7b6447c_3", BuildNumber: 3,
		Channel: "file:///w/chan/linux-64", Subdir: "linux-64", Fn: "zlib-1.2.11-h7b6447c_3.tar.bz2",
		MD5: "2e5b81671cc2b53177b94b258b1658b2", URL: "file:///w/chan/linux-64/zlib-1.2.11-h7b6447c_3.tar.bz2",
		SHA256: "1f07", Depends: []string{"libgcc-ng >=7.3.0"}, Constrains: []string{}, License: "zlib", LicenseFamily: "Other",
		Timestamp: 1542814864621, Size: 122456, RequestedSpecs: []string{"zlib"},
		PackageTarballFullPath: "/w/pkgs/zlib-1.2.11-h7b6447c_3.tar.bz2", ExtractedPackageDir: "/w/pkgs/zlib-1.2.11-h7b6447c_3",
		Files: []string{"include/zconf.h", "lib/libz.so", "lib/pkgconfig/zlib.pc"},
		PathsData: PathsData{Version: 1, Paths: []PathData{
			{Path: "include/zconf.h", PathType: "hardlink", SHA256: "7730", SizeInBytes: size(16262), SHA256InPrefix: "7730"},
			{Path: "lib/libz.so", PathType: "softlink", SHA256: "79aa", SizeInBytes: size(133384)},
			{Path: "lib/pkgconfig/zlib.pc", PrefixPlaceholder: "/opt/anaconda1anaconda2anaconda3", FileMode: "text",
				PathType: "hardlink", SHA256: "5613", SizeInBytes: size(281), SHA256InPrefix: "c947"},
		}},
		Link: Link{Source: "/w/pkgs/zlib-1.2.11-h7b6447c_3", Type: 1},
	}
}

var keyRe = regexp.MustCompile(`(?m)^  "([^"]+)":`)

func TestEncodeKeyOrder(t *testing.T) {
	b, err := Encode(sampleRecord())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
		keys = append(keys, m[1])
	}
	want := strings.Split("name version build build_number channel subdir fn md5 url sha256 depends constrains license license_family timestamp size requested_spec package_tarball_full_path extracted_package_dir files paths_data link requested_specs", " ")
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("got keys %v; want %v", keys, want)
	}
	s := string(b)
	for _, frag := range []string{
		"{\n  \"name\": \"zlib\",\n",
		"\"constrains\": [],\n",
		"\"depends\": [\n    \"libgcc-ng >=7.3.0\"\n  ],",
		"\"paths_data\": {\n    \"paths_version\": 1,\n    \"paths\": [",
		"{\n        \"_path\": \"lib/pkgconfig/zlib.pc\",\n        \"prefix_placeholder\": \"/opt/anaconda1anaconda2anaconda3\",\n        \"file_mode\": \"text\",\n        \"path_type\": \"hardlink\",\n        \"sha256\": \"5613\",\n        \"size_in_bytes\": 281,\n        \"sha256_in_prefix\": \"c947\"\n      }",
		"{\n        \"_path\": \"lib/libz.so\",\n        \"path_type\": \"softlink\",\n        \"sha256\": \"79aa\",\n        \"size_in_bytes\": 133384\n      }",
		"\"link\": {\n    \"source\": \"/w/pkgs/zlib-1.2.11-h7b6447c_3\",\n    \"type\": 1\n  },",
		"\"requested_specs\": [\n    \"zlib\"\n  ]\n}",
	} {
		if !strings.Contains(s, frag) {
			t.Errorf("encoded record lacks %q:\n%s", frag, s)
		}
	}
	if strings.HasSuffix(s, "\n") {
		t.Error("got a trailing newline; want none")
	}
}

func TestEncodeDependencyAndEscapes(t *testing.T) {
	r := sampleRecord()
	r.RequestedSpecs = nil
	r.Subdir = ""
	r.Depends = []string{"python >=3.7,<3.8.0a0 & é"}
	r.SHA256 = ""
	b, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, frag := range []string{`"_requested_specs": [],`, `"subdir": null,`, `"python >=3.7,<3.8.0a0 & \u00e9"`} {
		if !strings.Contains(s, frag) {
			t.Errorf("encoded record lacks %q", frag)
		}
	}
	for _, bad := range []string{`"requested_spec"`, "\n  \"sha256\":", `\u003c`} {
		if strings.Contains(s, bad) {
			t.Errorf("encoded record has %q; want it absent", bad)
		}
	}
	if !strings.Contains(s, "\"size\": 122456,\n  \"_requested_specs\": [],\n  \"package_tarball_full_path\"") {
		t.Errorf("_requested_specs is not between size and package_tarball_full_path:\n%s", s)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := sampleRecord()
	p, err := WriteRecord(dir, want)
	if err != nil {
		t.Fatal(err)
	}
	if p != dir+"/conda-meta/"+want.FileName() {
		t.Errorf("written to %s; want conda-meta/%s", p, want.FileName())
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		t.Errorf("got %s; want %s", a, b)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("got mode %v; want 0644", fi.Mode().Perm())
	}
	if _, err := DecodeRecord([]byte(`{"name": `)); err == nil {
		t.Error("got no error for an invalid record; want one")
	}
}

func TestDecodeOldForms(t *testing.T) {
	r, err := DecodeRecord([]byte(`{"name":"a","version":"1","build":"0","requested_spec":"None","track_features":["x","y"],"noarch":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.RequestedSpecs != nil || r.TrackFeatures != "x y" || r.Noarch != "generic" {
		t.Errorf("got %+v", r)
	}
	if _, err := DecodeRecord([]byte(`{"name":"a","version":"1"}`)); err == nil {
		t.Error("got no error for a record without build; want one")
	}
}
