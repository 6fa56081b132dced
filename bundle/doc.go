// Package bundle reads and writes the article bundle: a UTF-8 Markdown file
// with YAML front matter, whose photos are files referenced by paths relative
// to it. An image alone in its paragraph is a figure: its alt text is the
// caption and its title the photo credit. docs/BUNDLE.md describes the format.
//
//	---
//	headline: "Xã vùng cao hoàn thành đường liên thôn"
//	agency: "TTXVN"
//	tags: [giao thông, nông thôn mới]
//	---
//	Đoạn thân bài thứ nhất ...
//
//	![Người dân góp công làm đường bê tông.](photos/duong.jpg "Nguyễn Văn A")
package bundle
