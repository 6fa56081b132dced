// Package render turns an article into what readers see. One goldmark
// configuration parses the body once into a Document; the Document then
// renders to HTML (export and publishing) and to Blocks, a small tree the
// desktop preview draws. Both walk the same AST, so the preview cannot drift
// from the published page; tests compare their text.
//
// Raw HTML in the Markdown is never passed through, and dangerous URLs
// (javascript:) are dropped, as goldmark does by default.
package render
