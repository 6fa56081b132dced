// Package assets holds the files FieldDesk embeds: the article stylesheet,
// the interface translations and the application icon. It imports nothing of ours.
package assets

import (
	"embed"
	_ "embed"
)

// ArticleCSS styles exported and published article pages.
//
//go:embed article.css
var ArticleCSS string

// Translations holds translations/<lang>.json for Fyne's lang package.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte
