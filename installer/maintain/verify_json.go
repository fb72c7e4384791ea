package maintain

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonScan reads one JSON text from a reader piece by piece, without
// building values: verify walks conda-meta records with it entry by entry,
// so that its memory does not grow with a record's size (issue #19). It
// checks the syntax as strictly as encoding/json (strings, escapes,
// numbers, literals, nesting) and that strings are UTF-8.
type jsonScan struct {
	r    io.Reader
	buf  []byte
	i, n int   // the unread bytes are buf[i:n]
	base int64 // offset in the stream of buf[0]
	eof  bool
	rerr error // a read error other than io.EOF
	// capture: the bytes consumed from buf[capAt:] on are also kept in cap.
	capOn bool
	capAt int
	cap   []byte
	key   []byte // the last object key read (objNext)
	depth int
}

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// errNotUTF8 marks a string that is not valid UTF-8.
var errNotUTF8 = errors.New("not UTF-8")

// jsonError is a syntax or type error at an offset of the text.
type jsonError struct {
	off int64
	msg string
}

func (e *jsonError) Error() string { return fmt.Sprintf("%s (at byte %d)", e.msg, e.off) }

func newJSONScan(r io.Reader, base int64, buf []byte) *jsonScan {
	return &jsonScan{r: r, buf: buf, base: base}
}

func (s *jsonScan) offset() int64 { return s.base + int64(s.i) }

func (s *jsonScan) errorf(format string, args ...any) error {
	return &jsonError{off: s.offset(), msg: fmt.Sprintf(format, args...)}
}

// fill reads more bytes after the unread ones; false at the end.
func (s *jsonScan) fill() bool {
	if s.eof {
		return false
	}
	if s.capOn {
		s.cap = append(s.cap, s.buf[s.capAt:s.i]...)
		s.capAt = 0
	}
	if s.i > 0 {
		copy(s.buf, s.buf[s.i:s.n])
		s.base += int64(s.i)
		s.n -= s.i
		s.i = 0
	}
	if s.n == len(s.buf) {
		return true // never happens: callers need a few bytes at most
	}
	for {
		m, err := s.r.Read(s.buf[s.n:])
		s.n += m
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return m > 0
		}
		if m > 0 {
			return true
		}
	}
}

// ensure makes k unread bytes available when the text has them.
func (s *jsonScan) ensure(k int) bool {
	for s.n-s.i < k {
		if !s.fill() {
			return false
		}
	}
	return true
}

func (s *jsonScan) endErr() error {
	if s.rerr != nil {
		return s.rerr
	}
	return &jsonError{off: s.offset(), msg: "unexpected end of JSON input"}
}

// ws skips white space and returns the next byte, unread.
func (s *jsonScan) ws() (byte, error) {
	for {
		buf, i := s.buf[:s.n], s.i
		for ; i < len(buf); i++ {
			c := buf[i]
			if c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				s.i = i
				return c, nil
			}
		}
		s.i = i
		if !s.fill() {
			return 0, s.endErr()
		}
	}
}

// end checks that only white space follows the value.
func (s *jsonScan) end() error {
	c, err := s.ws()
	if err == nil {
		return s.errorf("invalid character %q after top-level value", c)
	}
	if s.rerr != nil {
		return s.rerr
	}
	return nil
}

// strStop marks the bytes that end the plain run of a string: the quote,
// the backslash, control characters and the start of a multi-byte rune.
var strStop = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80
	}
	return t
}()

// str reads a string (the next byte must be '"'); with keep, its
// unescaped bytes are appended to dst.
func (s *jsonScan) str(dst []byte, keep bool) ([]byte, error) {
	s.i++ // the opening quote
	for {
		start := s.i
		buf, i := s.buf[:s.n], s.i
		for i < len(buf) && !strStop[buf[i]] {
			i++
		}
		s.i = i
		if keep {
			dst = append(dst, s.buf[start:s.i]...)
		}
		if s.i == s.n {
			if !s.fill() {
				return dst, s.endErr()
			}
			continue
		}
		switch c := s.buf[s.i]; {
		case c == '"':
			s.i++
			return dst, nil
		case c < 0x20:
			return dst, s.errorf("invalid character %q in string literal", c)
		case c == '\\':
			var err error
			if dst, err = s.escape(dst, keep); err != nil {
				return dst, err
			}
		default:
			s.ensure(utf8.UTFMax)
			r, size := utf8.DecodeRune(s.buf[s.i:s.n])
			if r == utf8.RuneError && size <= 1 {
				return dst, errNotUTF8
			}
			if keep {
				dst = append(dst, s.buf[s.i:s.i+size]...)
			}
			s.i += size
		}
	}
}

// escape reads one escape sequence of a string (at the backslash).
func (s *jsonScan) escape(dst []byte, keep bool) ([]byte, error) {
	if !s.ensure(2) {
		return dst, s.endErr()
	}
	c := s.buf[s.i+1]
	var b byte
	switch c {
	case '"', '\\', '/':
		b = c
	case 'b':
		b = '\b'
	case 'f':
		b = '\f'
	case 'n':
		b = '\n'
	case 'r':
		b = '\r'
	case 't':
		b = '\t'
	case 'u':
		s.ensure(12) // both halves of a pair: hex4 then never moves the buffer
		r, err := s.hex4()
		if err != nil {
			return dst, err
		}
		if utf16.IsSurrogate(r) {
			// a pair makes one rune; a lone half becomes U+FFFD, as in
			// encoding/json, and a second escape that does not pair
			// with it is read on its own
			dec := utf8.RuneError
			if s.n-s.i >= 6 && s.buf[s.i] == '\\' && s.buf[s.i+1] == 'u' {
				save := s.i
				r2, err := s.hex4()
				if err != nil {
					return dst, err
				}
				if dec = utf16.DecodeRune(r, r2); dec == utf8.RuneError {
					s.i = save
				}
			}
			r = dec
		}
		if keep {
			dst = utf8.AppendRune(dst, r)
		}
		return dst, nil
	default:
		return dst, s.errorf("invalid character %q in string escape code", c)
	}
	s.i += 2
	if keep {
		dst = append(dst, b)
	}
	return dst, nil
}

// hex4 reads \uXXXX (at the backslash) and returns its code unit.
func (s *jsonScan) hex4() (rune, error) {
	if !s.ensure(6) {
		return 0, s.endErr()
	}
	var r rune
	for _, c := range s.buf[s.i+2 : s.i+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, s.errorf("invalid character %q in \\u hexadecimal character escape", c)
		}
		r = r*16 + rune(c)
	}
	s.i += 6
	return r, nil
}

// num reads a number and returns its text, appended to dst.
func (s *jsonScan) num(dst []byte) ([]byte, error) {
	start := len(dst)
	for {
		for s.i < s.n {
			c := s.buf[s.i]
			if !('0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
				if !validNumber(dst[start:]) {
					return dst, s.errorf("invalid number literal %q", dst[start:])
				}
				return dst, nil
			}
			dst = append(dst, c)
			s.i++
		}
		if !s.fill() {
			if !validNumber(dst[start:]) {
				return dst, s.endErr()
			}
			return dst, nil
		}
	}
}

// validNumber checks the JSON number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// lit reads true, false or null and returns which.
func (s *jsonScan) lit() (string, error) {
	for _, w := range []string{"true", "false", "null"} {
		if s.buf[s.i] != w[0] {
			continue
		}
		if !s.ensure(len(w)) {
			return "", s.endErr()
		}
		if string(s.buf[s.i:s.i+len(w)]) != w {
			return "", s.errorf("invalid character in literal %s", w)
		}
		s.i += len(w)
		return w, nil
	}
	return "", s.errorf("invalid character %q looking for beginning of value", s.buf[s.i])
}

// skip reads one value of any kind.
func (s *jsonScan) skip() error {
	c, err := s.ws()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		_, err = s.str(nil, false)
		return err
	case c == '{':
		first := true
		if err := s.enter('{'); err != nil {
			return err
		}
		for {
			more, err := s.objNext(&first, false)
			if err != nil || !more {
				s.depth--
				return err
			}
			if err := s.skip(); err != nil {
				return err
			}
		}
	case c == '[':
		first := true
		if err := s.enter('['); err != nil {
			return err
		}
		for {
			more, err := s.arrNext(&first)
			if err != nil || !more {
				s.depth--
				return err
			}
			if err := s.skip(); err != nil {
				return err
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		var tmp [32]byte
		_, err = s.num(tmp[:0])
		return err
	default:
		_, err = s.lit()
		return err
	}
}

// enter consumes the opening of an object or array.
func (s *jsonScan) enter(open byte) error {
	c, err := s.ws()
	if err != nil {
		return err
	}
	if c != open {
		return s.errorf("invalid character %q, want %q", c, open)
	}
	s.depth++
	if s.depth > maxJSONDepth {
		return s.errorf("exceeded max depth")
	}
	s.i++
	return nil
}

// objNext moves to the next key of an object entered with enter('{'):
// it reads the key (into s.key when keepKey) and the colon, or the closing
// brace (more false).
func (s *jsonScan) objNext(first *bool, keepKey bool) (bool, error) {
	c, err := s.ws()
	if err != nil {
		return false, err
	}
	switch {
	case c == '}':
		s.i++
		return false, nil
	case !*first && c != ',':
		return false, s.errorf("invalid character %q after object key:value pair", c)
	case !*first:
		s.i++
		if c, err = s.ws(); err != nil {
			return false, err
		}
	}
	*first = false
	if c != '"' {
		return false, s.errorf("invalid character %q looking for beginning of object key string", c)
	}
	s.key = s.key[:0]
	if s.key, err = s.str(s.key, keepKey); err != nil {
		return false, err
	}
	if c, err = s.ws(); err != nil {
		return false, err
	}
	if c != ':' {
		return false, s.errorf("invalid character %q after object key", c)
	}
	s.i++
	return true, nil
}

// arrNext moves to the next element of an array entered with
// enter('['), or past its closing bracket (more false).
func (s *jsonScan) arrNext(first *bool) (bool, error) {
	c, err := s.ws()
	if err != nil {
		return false, err
	}
	switch {
	case c == ']':
		s.i++
		return false, nil
	case !*first && c != ',':
		return false, s.errorf("invalid character %q after array element", c)
	case !*first:
		s.i++
	}
	*first = false
	return true, nil
}

// strOrNull reads a string or null (nil, false) into dst; any other value
// is a type error, as encoding/json gives for a Go string field.
func (s *jsonScan) strOrNull(dst []byte, what string) ([]byte, bool, error) {
	c, err := s.ws()
	if err != nil {
		return dst, false, err
	}
	switch c {
	case '"':
		dst, err = s.str(dst, true)
		return dst, true, err
	case 'n':
		if _, err := s.lit(); err != nil {
			return dst, false, err
		}
		return dst, false, nil
	}
	if err := s.skip(); err != nil {
		return dst, false, err
	}
	return dst, false, s.errorf("%s: want a string", what)
}

// intOrNull reads an integer that fits int64, or null.
func (s *jsonScan) intOrNull(what string) (int64, bool, error) {
	c, err := s.ws()
	if err != nil {
		return 0, false, err
	}
	switch {
	case c == 'n':
		if _, err := s.lit(); err != nil {
			return 0, false, err
		}
		return 0, false, nil
	case c == '-' || '0' <= c && c <= '9':
		var tmp [32]byte
		b, err := s.num(tmp[:0])
		if err != nil {
			return 0, false, err
		}
		v, ok := parseInt64(b)
		if !ok {
			return 0, false, s.errorf("%s: cannot unmarshal number %s into an integer", what, b)
		}
		return v, true, nil
	}
	if err := s.skip(); err != nil {
		return 0, false, err
	}
	return 0, false, s.errorf("%s: want a number", what)
}

// parseInt64 parses a JSON number that must be an int64, as
// strconv.ParseInt(b, 10, 64) does for encoding/json: no fraction, no
// exponent, no overflow.
func parseInt64(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return 0, false
		}
	}
	if !neg && u > 1<<63-1 {
		return 0, false
	}
	if neg {
		return -int64(u), true // -(1<<63) wraps to itself
	}
	return int64(u), true
}

// boolOrNull reads true, false or null.
func (s *jsonScan) boolOrNull(what string) (bool, error) {
	c, err := s.ws()
	if err != nil {
		return false, err
	}
	if c == 't' || c == 'f' || c == 'n' {
		w, err := s.lit()
		return w == "true", err
	}
	if err := s.skip(); err != nil {
		return false, err
	}
	return false, s.errorf("%s: want true or false", what)
}

// captured reads one value and returns its text as it stands in the input.
func (s *jsonScan) captured() ([]byte, error) {
	if _, err := s.ws(); err != nil {
		return nil, err
	}
	s.capOn, s.capAt, s.cap = true, s.i, s.cap[:0]
	err := s.skip()
	s.cap = append(s.cap, s.buf[s.capAt:s.i]...)
	s.capOn = false
	return s.cap, err
}
