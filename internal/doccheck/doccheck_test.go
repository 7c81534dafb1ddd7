package doccheck

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// moduleRoot returns the directory of the go.mod that encloses the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// TestTreeCitesOnlyItsOwnDocs fails on any citation in the module that a reader of the
// repository could not follow.
func TestTreeCitesOnlyItsOwnDocs(t *testing.T) {
	root := moduleRoot(t)
	if _, err := os.Stat(filepath.Join(root, docsDir)); err != nil {
		t.Fatalf("the module at %s has no %s/ directory: %v", root, docsDir, err)
	}
	problems, err := Check(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// expand spells out the citations of the planted tree. They are written as placeholders so
// that this file, which the tree check reads too, cites nothing itself.
var expand = strings.NewReplacer(
	"{docs}", docsDir+"/",
	"{design}", outsideDocs[0],
	"{facts}", outsideDocs[1],
	"{notes}", outsideDocs[2],
	"{style}", outsideDocs[3],
	"{shared}", outsideDocs[4],
).Replace

// planted is a small tree with one of each kind of bad citation, and good ones beside them.
func planted() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(expand(s))} }
	return fstest.MapFS{
		"docs/safety.md": file("# Safety\n\n## 2. Invariants\n\n### Invariant 1: mutual exclusion\n\n" +
			"### Invariant 3: evidence\n\n## 3. Paths\n\n### 3.2 Switchover\n\nSee [nodeos](nodeos.md) and [gone](gone.md).\n" +
			"```\n## 9. not a heading inside a code block\n```\n"),
		"docs/nodeos.md": file("# nodeos\n\n## 2. Log lines\n\n### 2.1 Prefix\n"),
		"keeper/good.go": file("package keeper\n\n// Admit follows {docs}safety.md, invariants 1 and 3, and {docs}nodeos.md §2.1.\n" +
			"// Upstream keeps its pages in website/content/{docs}sessions.mdx and api-{docs}session.md.\n"),
		"keeper/bad.go": file("package keeper\n\n// See {design}, invariant 5.\n" +
			"// See {docs}missing.md.\n" +
			"// See {docs}safety.md, invariant 4.\n" +
			"// See {docs}nodeos.md §2.9 and {docs}safety.md §3.2.\n" +
			"// See {docs}safety.md §9.\n"),
		"README.md":                     file("Facts: {shared}/{facts}.md §2.\n"),
		"examples/a.hcl":                file("# defaults: {notes}\n"),
		"Makefile":                      file("# style: {style}\n"),
		"notes.txt":                     file("{design} is not checked in .txt files\n"),
		".git/HEAD":                     file("{design}\n"),
		"bin/README.md":                 file("{design}\n"),
		"nodeos/testdata/api/README.md": file("Cited in {docs}nodeos.md §2.1.\n"),
	}
}

// TestCheckReportsPlantedCitations shows that Check fails on each kind of bad citation and
// passes the good ones.
func TestCheckReportsPlantedCitations(t *testing.T) {
	problems, err := Check(planted())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`Makefile:1: cites "{style}"`,
		`README.md:1: cites "{facts}"`,
		`README.md:1: cites "{shared}"`,
		`{docs}safety.md:13: links to {docs}gone.md, which does not exist`,
		`examples/a.hcl:1: cites "{notes}"`,
		`keeper/bad.go:3: cites "{design}"`,
		`keeper/bad.go:4: cites {docs}missing.md, which does not exist`,
		`keeper/bad.go:5: cites {docs}safety.md invariant 4, which has no such invariant`,
		`keeper/bad.go:6: cites {docs}nodeos.md §2.9, which has no such section`,
		`keeper/bad.go:7: cites {docs}safety.md §9, which has no such section`,
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	for _, w := range want {
		w = expand(w)
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing problem %q", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
}

// TestCheckPassesCleanTree shows that a tree whose citations all resolve has no problems.
func TestCheckPassesCleanTree(t *testing.T) {
	fsys := planted()
	for p := range fsys {
		if p != "docs/safety.md" && p != "docs/nodeos.md" && p != "keeper/good.go" && p != "nodeos/testdata/api/README.md" {
			delete(fsys, p)
		}
	}
	fsys["docs/safety.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["docs/safety.md"].Data), " and [gone](gone.md)", "", 1))}
	problems, err := Check(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("unexpected problem: %s", p)
	}
}
