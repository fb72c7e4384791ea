package pkg

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"onboard/internal/humanize"
)

// legacyPaths builds Paths (version 0) from info/files, info/has_prefix,
// info/no_link and info/no_softlink, as conda does for packages without
// info/paths.json: a path is a softlink when it is a symlink in the
// package, and carries no hash or size. A package with no info/files
// either gets its payload listed (conda would link nothing; see the
// package doc).
func legacyPaths(src infoSource, archive string, maxLines int) (*Paths, error) {
	files, err := legacyFiles(src, archive, maxLines)
	if err != nil {
		return nil, err
	}
	prefixes, err := readHasPrefix(src, archive, maxLines)
	if err != nil {
		return nil, err
	}
	noLink, err := noLinkSet(src, archive, maxLines)
	if err != nil {
		return nil, err
	}
	p := &Paths{Paths: make([]PathEntry, 0, len(files))}
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if seen[f] {
			continue // a line given twice names one file
		}
		seen[f] = true
		e := PathEntry{Path: f, PathType: PathHardlink, NoLink: noLink[f]}
		if src.isSymlink(f) {
			e.PathType = PathSoftlink
		}
		if hp, ok := prefixes[f]; ok {
			e.PrefixPlaceholder, e.FileMode = hp.Placeholder, hp.Mode
		}
		p.Paths = append(p.Paths, e)
	}
	return p, nil
}

func legacyFiles(src infoSource, archive string, maxLines int) ([]string, error) {
	_, err := src.read("info/files")
	if errors.Is(err, fs.ErrNotExist) {
		return src.payload()
	}
	files, err := lines(src, "info/files", maxLines)
	if err != nil {
		return nil, fmt.Errorf("failed to read info/files of %q: %w", archive, err)
	}
	return files, nil
}

func noLinkSet(src infoSource, archive string, maxLines int) (map[string]bool, error) {
	set := map[string]bool{}
	for _, name := range []string{"info/no_link", "info/no_softlink"} {
		ls, err := lines(src, name, maxLines)
		if err != nil {
			return nil, fmt.Errorf("failed to read %s of %q: %w", name, archive, err)
		}
		for _, l := range ls {
			set[l] = true
		}
	}
	return set, nil
}

// DefaultPlaceholder is conda's prefix placeholder for has_prefix lines
// that name only a path.
const DefaultPlaceholder = "/opt/anaconda1anaconda2anaconda3"

func readHasPrefix(src infoSource, archive string, maxLines int) (map[string]HasPrefix, error) {
	ls, err := lines(src, "info/has_prefix", maxLines)
	if err != nil {
		return nil, fmt.Errorf("failed to read info/has_prefix of %q: %w", archive, err)
	}
	out := make(map[string]HasPrefix, len(ls))
	for _, l := range ls {
		path, hp, err := ParseHasPrefixLine(l)
		if err != nil {
			return nil, &FormatError{Archive: archive, Reason: "info/has_prefix is invalid", Err: err}
		}
		out[path] = hp
	}
	return out, nil
}

// HasPrefix is one parsed line of a legacy info/has_prefix file.
type HasPrefix struct {
	Placeholder string
	Mode        FileMode
}

// ParseHasPrefixLine parses one info/has_prefix line as conda does
// (shlex.split with posix=False, then quotes stripped from each token):
// one token is a path with the default placeholder in text mode; three
// tokens are placeholder, mode and path. A quote left open is an error,
// as it is to shlex; so is an empty path or placeholder, which conda
// would take for the prefix itself or match at every byte.
func ParseHasPrefixLine(line string) (string, HasPrefix, error) {
	toks, err := splitNonPOSIX(line)
	if err != nil {
		return "", HasPrefix{}, fmt.Errorf("failed to parse has_prefix line %q: %w", humanize.Excerpt(line, 300), err)
	}
	for i, t := range toks {
		toks[i] = strings.Trim(t, `"'`)
	}
	var path string
	var hp HasPrefix
	switch len(toks) {
	case 1:
		path, hp = toks[0], HasPrefix{DefaultPlaceholder, ModeText}
	case 3:
		m := FileMode(toks[1])
		if m != ModeText && m != ModeBinary {
			return "", HasPrefix{}, fmt.Errorf("failed to parse has_prefix line %q: mode %q is neither text nor binary", humanize.Excerpt(line, 300), humanize.Excerpt(toks[1], 40))
		}
		path, hp = toks[2], HasPrefix{toks[0], m}
	default:
		return "", HasPrefix{}, fmt.Errorf("failed to parse has_prefix line %q: want 1 or 3 fields, got %d", humanize.Excerpt(line, 300), len(toks))
	}
	if path == "" || hp.Placeholder == "" {
		return "", HasPrefix{}, fmt.Errorf("failed to parse has_prefix line %q: the path and the placeholder must not be empty", humanize.Excerpt(line, 300))
	}
	return path, hp, nil
}

// splitNonPOSIX splits like Python's shlex.split(s, posix=False): on
// whitespace; a quote that begins a token runs to its closing quote,
// which ends the token, kept with its quotes; a quote inside a word is
// an ordinary character.
func splitNonPOSIX(s string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	var quote rune // the open quote, while in a quoted token
	inTok := false
	for _, r := range s {
		switch {
		case quote != 0:
			cur.WriteRune(r)
			if r == quote {
				toks, quote, inTok = append(toks, cur.String()), 0, false
				cur.Reset()
			}
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			if inTok {
				toks, inTok = append(toks, cur.String()), false
				cur.Reset()
			}
		case !inTok && (r == '"' || r == '\''):
			quote = r
			cur.WriteRune(r)
		default:
			inTok = true
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("no closing quotation")
	}
	if inTok {
		toks = append(toks, cur.String())
	}
	return toks, nil
}
