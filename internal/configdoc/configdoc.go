// Package configdoc writes the configuration reference (docs/
// configuration.md) from the configuration's own Go types: each key's
// yaml name, its type, its doc comment, the default the validation fills
// in and an example from the shipped files. A test keeps the document
// current; a key without a doc comment is an error.
package configdoc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Source describes one file format: the package its types are in, the
// root type, a value of it with the defaults filled in, and an example
// document.
type Source struct {
	Title   string
	Dir     string // the package's source directory
	Root    string // the root type's name
	Value   any    // a *Root with defaults, as validation leaves it
	Given   map[string]bool
	Example []byte // YAML: a key's example is its value here
	Intro   string
}

// entry is one key of the reference.
type entry struct {
	path, typ, def, example, doc string
}

// Generate returns the Markdown reference of the sources, and the keys
// that have no doc comment.
func Generate(sources []Source) (string, []string, error) {
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n<!-- Generated from the Go types by internal/configdoc; do not edit. Regenerate with: go test ./internal/configdoc -update -->\n")
	var undocumented []string
	for _, src := range sources {
		types, err := structTypes(src.Dir)
		if err != nil {
			return "", nil, err
		}
		var ex yaml.Node
		if err := yaml.Unmarshal(src.Example, &ex); err != nil {
			return "", nil, fmt.Errorf("example of %s: %w", src.Title, err)
		}
		var entries []entry
		walk(types, types[src.Root], "", reflect.ValueOf(src.Value).Elem(), &entries)
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| key | type | default | example | meaning |\n|---|---|---|---|---|\n", src.Title, src.Intro)
		for _, e := range entries {
			if e.doc == "" {
				undocumented = append(undocumented, src.Title+": "+e.path)
			}
			if src.Given[e.path] {
				e.def = ""
			}
			if !strings.Contains(e.typ, "section") {
				e.example = exampleOf(&ex, e.path)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", e.path, e.typ, code(short(e.def)), code(e.example), cell(e.doc))
		}
	}
	return b.String(), undocumented, nil
}

// structTypes parses the package in dir (tests left out) and returns its
// struct types by name.
func structTypes(dir string) (map[string]*ast.StructType, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	out := map[string]*ast.StructType{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if st, ok := ts.Type.(*ast.StructType); ok {
					out[ts.Name.Name] = st
				}
			}
			return true
		})
	}
	return out, nil
}

// walk appends the keys of st (at prefix) to out; v is its value.
func walk(types map[string]*ast.StructType, st *ast.StructType, prefix string, v reflect.Value, out *[]entry) {
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 || f.Tag == nil {
			continue
		}
		key := yamlKey(f.Tag.Value)
		if key == "" {
			continue
		}
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		var fv reflect.Value
		if v.IsValid() {
			fv = v.FieldByName(f.Names[0].Name)
		}
		doc := strings.Join(strings.Fields(f.Doc.Text()), " ")
		inner, list := structOf(types, f.Type)
		if inner != nil {
			typ := "section"
			if list {
				typ = "list of sections"
			}
			*out = append(*out, entry{path: path, typ: typ, doc: doc})
			var iv reflect.Value
			if !list && fv.IsValid() {
				iv = reflect.Indirect(fv)
			}
			sub := path
			if list {
				sub = path + "[]"
			}
			walk(types, inner, sub, iv, out)
			continue
		}
		*out = append(*out, entry{path: path, typ: typeName(f.Type), def: valueText(fv), doc: doc})
	}
}

// structOf returns the struct type t is (directly, through a pointer, or
// as the element of a list) and whether it is a list.
func structOf(types map[string]*ast.StructType, t ast.Expr) (*ast.StructType, bool) {
	switch t := t.(type) {
	case *ast.StarExpr:
		return structOf(types, t.X)
	case *ast.ArrayType:
		st, _ := structOf(types, t.Elt)
		return st, st != nil
	case *ast.StructType:
		return t, false
	case *ast.Ident:
		return types[t.Name], false
	}
	return nil, false
}

// typeName says what a key holds, in the file's terms.
func typeName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.ArrayType:
		return "list of " + typeName(t.Elt)
	case *ast.MapType:
		return "map of " + typeName(t.Value)
	case *ast.SelectorExpr:
		if t.Sel.Name == "Duration" {
			return "duration (30s, 5m, 1h)"
		}
		return t.Sel.Name
	case *ast.Ident:
		switch t.Name {
		case "Size":
			return "size (512KB, 20MB)"
		case "int", "int64":
			return "integer"
		case "bool":
			return "true or false"
		}
		return t.Name
	}
	return "value"
}

// yamlKey returns the yaml name in a struct tag literal, "" for "-".
func yamlKey(tag string) string {
	k := reflect.StructTag(strings.Trim(tag, "`")).Get("yaml")
	k, _, _ = strings.Cut(k, ",")
	if k == "-" {
		return ""
	}
	return k
}

// valueText is a default as a file would write it ("" for none).
func valueText(v reflect.Value) string {
	if !v.IsValid() || v.IsZero() {
		return ""
	}
	switch x := v.Interface().(type) {
	case time.Duration:
		return x.String()
	case []time.Duration:
		var s []string
		for _, d := range x {
			s = append(s, d.String())
		}
		return strings.Join(s, ", ")
	}
	if v.Kind() == reflect.Pointer {
		return valueText(v.Elem())
	}
	if v.Type().Name() == "Size" {
		return sizeText(v.Int())
	}
	if v.Kind() == reflect.Map || v.Kind() == reflect.Struct {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

// sizeText writes a byte count as a file would: 25MB, 512KB.
func sizeText(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprint(n)
}

// exampleOf returns the value at path in the example document ("a.b",
// "a[].b" taking the first element), written as YAML flow.
func exampleOf(doc *yaml.Node, path string) string {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range strings.Split(path, ".") {
		list := strings.HasSuffix(part, "[]")
		n = child(n, strings.TrimSuffix(part, "[]"))
		if n == nil {
			return ""
		}
		if list {
			if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
				return ""
			}
			n = n.Content[0]
		}
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	c := flow(n)
	out, err := yaml.Marshal(c)
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(out))
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

// flow is a copy of n in flow style, without comments: one line.
func flow(n *yaml.Node) *yaml.Node {
	c := *n
	c.Style |= yaml.FlowStyle
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Content = nil
	for _, k := range n.Content {
		c.Content = append(c.Content, flow(k))
	}
	return &c
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// short cuts a long value (the built-in policy's lists) to its start.
func short(s string) string {
	if len(s) <= 70 {
		return s
	}
	cut := 67
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(s, "|", "\\|") + "`"
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// Keys returns the sorted paths of a reference's entries (for tests).
func Keys(md string) []string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| `") {
			out = append(out, strings.SplitN(l[3:], "`", 2)[0])
		}
	}
	sort.Strings(out)
	return out
}

// WriteIfChanged writes md to file when it differs; it reports whether it did.
func WriteIfChanged(file, md string) (bool, error) {
	old, _ := os.ReadFile(file)
	if string(old) == md {
		return false, nil
	}
	return true, os.WriteFile(file, []byte(md), 0o644)
}
