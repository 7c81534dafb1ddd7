package doccheck

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// outsideDocs are names of documents that live outside the repository. They are spelled in
// two pieces so that this file does not cite them itself.
var outsideDocs = []string{
	"DESIGN" + ".md",
	"nodeos" + "-facts",
	"consul" + "-notes",
	"STYLE" + ".md",
	"/work/" + "shared",
}

// docsDir is the directory of the project's own documents, relative to the tree's root.
const docsDir = "docs"

var (
	// docRef matches a citation docs/<name>.md that is not part of a longer path (an upstream
	// project's "website/content/docs/x.mdx" is not ours). Group 1 is the name.
	docRef = regexp.MustCompile(`(?:^|[^A-Za-z0-9_./-])` + docsDir + `/([A-Za-z0-9_-]+)\.md\b`)
	// sectionRef matches a section or invariant number right after a citation:
	// "docs/nodeos.md §2.1", "docs/safety.md, invariant 5", "docs/safety.md invariants 3, 5 and 8".
	sectionRef = regexp.MustCompile(`^[,:]?\s*(?:§\s*(\d+(?:\.\d+)?)|[Ii]nvariants?\s+(\d+(?:\s*(?:,|and|or)\s*\d+)*))`)
	// numberRE finds the numbers of an invariant list.
	numberRE = regexp.MustCompile(`\d+`)
	// headingNum matches a numbered heading: "## 2. Log lines", "### 2.1 Line prefix".
	headingNum = regexp.MustCompile(`^#{1,6}\s+(\d+(?:\.\d+)?)[.\s]`)
	// headingInvariant matches "### Invariant 3: evidence before resume".
	headingInvariant = regexp.MustCompile(`^#{1,6}\s+Invariant\s+(\d+)\b`)
	// mdLink matches a relative Markdown link to a .md file; group 1 is the target.
	mdLink = regexp.MustCompile(`\]\(([^)#\s:]+\.md)(?:#[^)]*)?\)`)
)

// Problem is one citation that does not resolve inside the tree.
type Problem struct {
	// Path is the file, slash-separated and relative to the tree's root.
	Path string
	// Line is the 1-based line number.
	Line int
	// Msg says what is wrong.
	Msg string
}

// String formats the problem as "path:line: msg".
func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg) }

// checked reports whether a file's citations are checked: Go sources, Markdown, HCL and
// Makefiles.
func checked(name string) bool {
	switch path.Ext(name) {
	case ".go", ".md", ".hcl":
		return true
	}
	return name == "Makefile"
}

// skippedDir reports whether a directory is left out of the walk: version control and other
// hidden directories, built binaries and vendored code.
func skippedDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "bin" || name == "vendor" || name == "node_modules"
}

// Check walks fsys from its root and returns every problem found, sorted by path and line.
// An error is returned only when the tree cannot be read.
func Check(fsys fs.FS) ([]Problem, error) {
	c := &checker{fsys: fsys, sections: map[string]*docSections{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && skippedDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !checked(d.Name()) {
			return nil
		}
		return c.file(p)
	})
	if err != nil {
		return nil, fmt.Errorf("doccheck: walk: %w", err)
	}
	sort.SliceStable(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Line < b.Line
	})
	return c.problems, nil
}

// checker holds one walk's findings and the headings of the documents read so far.
type checker struct {
	fsys     fs.FS
	problems []Problem
	sections map[string]*docSections // by document path; nil when the document is missing
}

// docSections are the numbered headings and invariants of one document.
type docSections struct {
	numbers    map[string]bool
	invariants map[string]bool
}

func (c *checker) report(p string, line int, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: p, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// file checks every line of the file at p.
func (c *checker) file(p string) error {
	data, err := fs.ReadFile(c.fsys, p)
	if err != nil {
		return fmt.Errorf("doccheck: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		c.line(p, n, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("doccheck: %s: %w", p, err)
	}
	return nil
}

// line checks one line of file p.
func (c *checker) line(p string, n int, text string) {
	for _, name := range outsideDocs {
		if strings.Contains(text, name) {
			c.report(p, n, "cites %q, which is not in the repository; cite a document under %s/ instead", name, docsDir)
		}
	}
	for _, m := range docRef.FindAllStringSubmatchIndex(text, -1) {
		doc := docsDir + "/" + text[m[2]:m[3]] + ".md"
		secs := c.doc(doc)
		if secs == nil {
			c.report(p, n, "cites %s, which does not exist", doc)
			continue
		}
		c.sectionsCited(p, n, doc, secs, text[m[1]:])
	}
	if path.Ext(p) == ".md" {
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := path.Join(path.Dir(p), m[1])
			if c.doc(target) == nil {
				c.report(p, n, "links to %s, which does not exist", target)
			}
		}
	}
}

// sectionsCited checks the section or invariant numbers that follow a citation of doc.
func (c *checker) sectionsCited(p string, n int, doc string, secs *docSections, after string) {
	m := sectionRef.FindStringSubmatch(after)
	switch {
	case m == nil:
	case m[1] != "":
		if !secs.numbers[m[1]] {
			c.report(p, n, "cites %s §%s, which has no such section", doc, m[1])
		}
	default:
		for _, num := range numberRE.FindAllString(m[2], -1) {
			if !secs.invariants[num] {
				c.report(p, n, "cites %s invariant %s, which has no such invariant", doc, num)
			}
		}
	}
}

// doc returns the headings of the document at p, reading it once, or nil when it does not
// exist.
func (c *checker) doc(p string) *docSections {
	if s, ok := c.sections[p]; ok {
		return s
	}
	data, err := fs.ReadFile(c.fsys, p)
	if err != nil {
		c.sections[p] = nil
		return nil
	}
	s := &docSections{numbers: map[string]bool{}, invariants: map[string]bool{}}
	inFence := false
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := headingNum.FindStringSubmatch(l); m != nil {
			s.numbers[m[1]] = true
		}
		if m := headingInvariant.FindStringSubmatch(l); m != nil {
			s.invariants[m[1]] = true
		}
	}
	c.sections[p] = s
	return s
}
