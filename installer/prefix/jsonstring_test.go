package prefix

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// encodingJSON is what marshalValue must stay byte-identical to.
func encodingJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "lib/python3.12/site-packages/a b.py", "quote\" back\\slash", "tab\tnl\ncr\r",
		"\x00\x01\x1f\x7f", "<html>&amp;", "é ü 中文 🐍", "\u2028\u2029", "bad \xff\xfe utf8", "\xe2\x82"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab/\\\"\n\x00\x1f<>&\xc3\xa9\xe2\x80\xa8\xff ")
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		got, _ := marshalValue(s)
		if want := encodingJSON(s); !bytes.Equal(got, want) {
			t.Fatalf("marshalValue(%q) = %s; want %s", s, got, want)
		}
	}
	for _, v := range []any{int64(-3), int64(1 << 40), 7, true, false} {
		got, _ := marshalValue(v)
		if want := encodingJSON(v); !bytes.Equal(got, want) {
			t.Fatalf("marshalValue(%v) = %s; want %s", v, got, want)
		}
	}
}
