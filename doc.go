// Package fielddesk is the domain model of FieldDesk, an offline-first newsroom
// desk: articles, their photos and immutable revisions, the workflow status,
// validation with messages a correspondent understands, and word counting.
//
// The package does no I/O. Storage lives in store/, rendering in render/,
// photo processing in photo/ and Vietnamese text handling in vietnamese/.
package fielddesk
