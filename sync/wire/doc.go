// Package wire is the FieldDesk sync protocol: the messages a desktop client
// and the newsroom server exchange, their limits, and strict decoders for
// them. Client and server both import it and never each other. This comment
// is the specification.
//
// # Transport
//
// HTTP/1.1 (TLS in production) under /v1. Every request and response carries
// the header "FieldDesk-Protocol: 1" (ProtocolVersion). A server that does
// not speak the client's version answers 426 with code "protocol_version"
// and both sides say so in plain words instead of guessing. JSON bodies may
// be compressed with zstd (Content-Encoding: zstd); photo bytes never are.
// Every error is JSON {"error": "...", "code": "..."} (Error).
//
// # Login
//
// POST /v1/login with LoginRequest returns LoginResponse: a long-lived
// device token (sent afterwards as "Authorization: Bearer TOKEN"; the server
// keeps only its hash and can revoke it), the device ID and the user's role
// and desk.
//
// # Push: at most once, acknowledged by name
//
// POST /v1/push with PushRequest: a batch of mutations from one device, in
// order. Each mutation has the device's next mutation ID (the first is 1,
// then one more each time) and carries a new revision with the revision it
// was based on. The server applies each mutation at most once: it stores
// "last mutation applied for this device" in the same transaction as the
// mutation's effect, so a batch sent again (the answer was lost on a bad
// link) changes nothing and answers "duplicate". The answer, PushResponse,
// lists a result per mutation: applied, duplicate, conflict (the base is not
// the latest revision) or rejected (with a reason and a code). A client
// counts a mutation delivered only on that typed result, never on a bare 200
// (captive portals answer 200 to anything).
//
// # Pull: an opaque cursor
//
// POST /v1/pull with PullRequest{Cursor}: the server returns what changed
// for this user since the cursor (PullResponse) and a new cursor. The client
// stores the new cursor in the same transaction as the changes it applied,
// so a pull interrupted anywhere is simply repeated.
//
// # Photos: by SHA-256, in ranges
//
// POST /v1/photos/status with PhotoStatusRequest asks, for many photos at
// once, which the server lacks and how many bytes of each it already holds
// (PhotoStatusResponse). The client then sends only the missing range, in
// chunks of at most MaxChunkBytes: PUT /v1/photos/{sha256}?offset=N. The
// server appends a chunk only at its current length, keeps the verified
// prefix across restarts, and when the bytes are complete checks the hash
// before the photo counts (fsync, rename into place); a photo whose bytes do
// not match is rejected and its good prefix kept. Names never reach the
// server's file system: only verified hashes do. A revision that refers to
// photos becomes visible to editors when all of them have arrived.
//
// # Order
//
// Text first (push), then a small rendition of each photo, then originals
// by the user's policy (never, unmetered links only, always). Deadlines are
// on progress (no byte for a while means reconnect), not on whole requests.
package wire
