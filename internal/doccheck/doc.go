// Package doccheck keeps the repository's citations inside the repository.
//
// Code comments and documents explain themselves by pointing at the project's design
// documents under docs/ ("docs/safety.md, invariant 3", "docs/nodeos.md §2.1"). Check walks a
// tree and reports every citation that would leave a reader stranded: a mention of a
// document that is not part of the repository, a docs/<name>.md that does not exist, a
// section number (§N or §N.M) or invariant number that the cited document has no heading
// for, and a relative Markdown link to a missing .md file. The package's test runs Check over
// the whole module, so such a citation fails `go test ./...`.
package doccheck
