// Package vietnamese holds the Vietnamese text rules FieldDesk applies
// everywhere: folding for diacritic-insensitive search and datelines in the
// newsroom style ("Thứ sáu, 26/08/2016 19:37"). It has no Fyne dependency.
package vietnamese
