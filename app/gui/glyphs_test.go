//go:build !nogui && !solaris

package gui

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

// Fyne draws text with the theme's bundled fonts (Noto Sans regular, bold
// and italic) and falls back to the system's fonts only for runes those
// lack. A fresh Windows or Wine install may have no font with a rune such
// as a check mark or an arrow, and then it draws as a box. So every rune
// the GUI shows must be in all three bundled faces.
var (
	coverOnce  sync.Once
	coverFaces []*font.Face
	coverErr   error
)

func bundledFaces() ([]*font.Face, error) {
	coverOnce.Do(func() {
		for _, r := range []fyne.Resource{theme.DefaultTextFont(), theme.DefaultTextBoldFont(), theme.DefaultTextItalicFont()} {
			f, err := font.ParseTTF(bytes.NewReader(r.Content()))
			if err != nil {
				coverErr = fmt.Errorf("failed to parse Fyne's bundled font %s: %w", r.Name(), err)
				return
			}
			coverFaces = append(coverFaces, f)
		}
	})
	return coverFaces, coverErr
}

// missingGlyphs returns the runes of s (controls aside) that one of the
// bundled faces lacks.
func missingGlyphs(t *testing.T, s string) []rune {
	t.Helper()
	faces, err := bundledFaces()
	if err != nil {
		t.Fatal(err)
	}
	var miss []rune
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		for _, f := range faces {
			if _, ok := f.NominalGlyph(r); !ok {
				miss = append(miss, r)
				break
			}
		}
	}
	return miss
}

// checkGlyphs fails when the window shows a rune the bundled font lacks
// (mustContain calls it on every window the tests look at).
func checkGlyphs(t *testing.T, w fyne.Window) {
	t.Helper()
	shown := texts(w)
	if miss := missingGlyphs(t, shown); len(miss) > 0 {
		t.Fatalf("the window shows %q, which Fyne's bundled font cannot draw; it shows:\n%s", string(miss), shown)
	}
}

// guiSources are the packages whose string literals can reach a window:
// the GUI itself, the wizard's texts and error explanations, the launcher's
// problems and hints, and the engine's errors and hints (shown in dialogs).
// app/console and app/cli print to terminals and are not checked.
var guiSources = []string{".", "../wizard", "../launch", "../../installer", "../../platform"}

// Every string literal of those packages (tests aside) must be drawable.
// This catches what the window walks of the other tests never reach
// (menus, rare errors).
func TestGUIStringsUseOnlyBundledGlyphs(t *testing.T) {
	n := 0
	var bad []string
	for _, dir := range guiSources {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "testdata") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(x ast.Node) bool {
				lit, ok := x.(*ast.BasicLit)
				if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				n++
				if miss := missingGlyphs(t, s); len(miss) > 0 {
					bad = append(bad, fmt.Sprintf("%s: %q lacks %q", fset.Position(lit.Pos()), s, string(miss)))
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 500 {
		t.Fatalf("only %d string literals found in %v: the walk is broken", n, guiSources)
	}
	if len(bad) > 0 {
		t.Fatalf("%d string(s) hold runes Fyne's bundled font cannot draw (use plain text or a theme icon):\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// The check itself: the runes the old GUI drew as boxes are caught, and
// the punctuation it keeps (ellipsis, dashes, bullet) passes.
func TestMissingGlyphsKnowsTheBundledFont(t *testing.T) {
	for _, r := range "✓✗⚠→" {
		if miss := missingGlyphs(t, string(r)); len(miss) != 1 {
			t.Errorf("%q: missing %q, want it missing", r, string(miss))
		}
	}
	if miss := missingGlyphs(t, "Browse… — – • «é» \n\t"); len(miss) != 0 {
		t.Errorf("missing %q from plain punctuation", string(miss))
	}
}
