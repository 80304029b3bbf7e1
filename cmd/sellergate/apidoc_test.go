package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestAPIDocumentsEveryRoute: docs/api.md has a section for every route
// the admin API serves, and none for a route it does not.
func TestAPIDocumentsEveryRoute(t *testing.T) {
	src, err := os.ReadFile("../../admin/admin.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`HandleFunc\("((?:GET|POST) /[^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 10 {
		t.Fatalf("found %d routes in admin.go", len(routes))
	}
	served := map[string]bool{}
	for _, r := range routes {
		served[r[1]] = true
		if !strings.Contains(string(doc), "\n## "+r[1]+"\n") {
			t.Errorf("docs/api.md has no section for %s", r[1])
		}
	}
	for _, h := range regexp.MustCompile(`\n## ((?:GET|POST) /\S+)\n`).FindAllStringSubmatch(string(doc), -1) {
		if !served[h[1]] {
			t.Errorf("docs/api.md documents %s, which the API does not serve", h[1])
		}
	}
}
