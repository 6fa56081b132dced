package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk/internal/wintest"

	"github.com/fielddesk/fielddesk/assets"
)

func loadTranslations(t *testing.T, code string) map[string]any {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// usedKeys finds every lang.L("…") key in the package's source.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				keys[s] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d translated strings; is the scan broken?", len(keys))
	}
	return keys
}

// The validation field names are translated through lang.L(p.Field).
var fieldNames = []string{"headline", "sapo", "agency", "byline", "category", "location", "body", "tags", "language", "status", "photos"}

func TestEveryStringIsTranslated(t *testing.T) {
	en, vi := loadTranslations(t, "en"), loadTranslations(t, "vi")
	keys := usedKeys(t)
	for _, f := range fieldNames {
		keys[f] = "validation field"
	}
	for key, where := range keys {
		if _, ok := en[key]; !ok {
			t.Errorf("%s: %q is missing from en.json", where, key)
		}
		if _, ok := vi[key]; !ok {
			t.Errorf("%s: %q is missing from vi.json", where, key)
		}
	}
	for key := range en {
		if _, ok := vi[key]; !ok {
			t.Errorf("%q is in en.json but not in vi.json", key)
		}
	}
	for key := range vi {
		if _, ok := en[key]; !ok {
			t.Errorf("%q is in vi.json but not in en.json", key)
		}
	}
	if vi["Saving…"] == "Saving…" || vi["Cancel"] == "Cancel" {
		t.Error("vi.json holds English")
	}
}

// TestFyneStringsInVietnamese checks that vi.json translates every string
// Fyne itself shows (Cancel, Yes, No, the file dialog…).
func TestFyneStringsInVietnamese(t *testing.T) {
	wintest.LinuxTool(t, "the go command")
	// The go command runs these tests, so it is here: a failure to find
	// Fyne is a failure, never a silent skip.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Fatalf("cannot locate the Fyne module with go list -m: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lang", "translations", "base.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var base map[string]any
	if err := json.Unmarshal(b, &base); err != nil {
		t.Fatal(err)
	}
	vi := loadTranslations(t, "vi")
	for key := range base {
		if _, ok := vi[key]; !ok {
			t.Errorf("Fyne's %q is not translated in vi.json", key)
		}
	}
}
