// Package photo checks and prepares the photos correspondents attach: it
// reads an image's header before anything is decoded (refusing files that are
// not images or are too large to handle on a cheap laptop), reads the EXIF
// orientation, and makes the oriented thumbnail the editor and preview show.
// Originals are never changed.
package photo
