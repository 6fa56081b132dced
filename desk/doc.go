// Package desk is the correspondent's desk: the operations the desktop app
// and the headless commands share, composed over the store, the photo
// checks, the bundle format and the renderer. Adding a photo checks it,
// stores it and makes its thumbnail; importing a bundle validates everything
// before the first write; exporting writes md, html or ninjs with the photos.
package desk
