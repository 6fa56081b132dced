// Package wire is the FieldDesk sync protocol: the messages a desktop client
// and the newsroom server exchange, their limits, and strict decoders for
// them. Client and server both import it and never each other. This comment
// is the specification.
//
// # Transport
//
// HTTP/1.1 (TLS in production) under /v1. Every request and response carries
// the header "FieldDesk-Protocol: 3" (ProtocolVersion). A server that does
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
// then one more each time) and carries either a new revision with the
// revision it was based on, or an Event: a workflow decision (checked on
// the server against fielddesk.Transitions for the account's role and the
// article's state there) or a comment. The server stamps events with the
// author, role, device and time, and logs every revision, merge and
// decision in the article's audit log. The server applies each mutation at most once: it stores
// "last mutation applied for this device" in the same transaction as the
// mutation's effect, so a batch sent again (the answer was lost on a bad
// link) changes nothing and answers "duplicate". The answer, PushResponse,
// lists a result per mutation: applied; merged (the base was older than the
// newest revision: the revision is kept in the history and a three-way
// merge with the newest becomes the head, named in Head; parts both sides
// changed differently are kept as conflicts in the article); duplicate;
// conflict (the base is a revision the server never saw: nothing is
// overwritten); or rejected (with a reason and a code, e.g. a decision the
// workflow does not allow, naming the role and the state; code "locked"
// for a revision of an article whose state no longer lets its sender
// change the text: the device keeps what was typed as a new draft, puts
// the article back to the newsroom's newest revision and sends nothing
// more of it). A client
// counts a mutation delivered only on that typed result, never on a bare 200
// (captive portals answer 200 to anything). A push is at most MaxBatchBytes
// decompressed; a client sizes its batches by bytes, and a 413 (the
// server's, or a proxy's before it) is answered by a batch half the size.
// The server stamps every event with its own author, role, device and
// time, and keeps in a revision only the conflicts its own merges made.
//
// # Pull: an opaque cursor
//
// POST /v1/pull with PullRequest{Cursor}: the server returns what changed
// for this user since the cursor (PullResponse) and a new cursor. Each
// Change is an article's newest revision with its workflow state, its
// decisions and comments, and (for editors and admins) its audit log.
// Answers are sized by bytes: at most MaxBatchBytes, or one change alone
// up to MaxPullBytes; More says to ask again from Cursor. The client
// stores the new cursor in the same transaction as the changes it applied,
// so a pull interrupted anywhere is simply repeated.
//
// # Photos: by SHA-256, in verified frames
//
// POST /v1/photos/status with PhotoStatusRequest asks, for many photos at
// once, which the server lacks and how many bytes of each it already holds
// from this user's devices (PhotoStatusResponse). Every user's uploads are
// kept apart, and a photo counts as held only once the user's devices sent
// it whole: naming a photo's hash (public once it is published) in an
// article gives nothing, and a photo someone else sent is reported as
// absent and sent again. The client then sends only the missing range:
// PUT /v1/photos/{sha256}?offset=N&size=TOTAL with Content-Type ChunksType,
// a body of frames (WriteFrame: length, SHA-256, bytes; at least
// MinFrameBytes each but the last, at most MaxChunkBytes). The server keeps
// each verified frame at once (fsynced with the hash state that covers it,
// so the prefix survives restarts) and, while the body still arrives,
// answers with Content-Type AcksType: one PhotoState line per kept frame,
// then the final state or an Error. A client cut off goes on from the last
// acknowledgement it read; a frame at or before what the server holds adds
// only its new bytes; an offset past it is 409 with the state to resume
// from. When the bytes are complete the server checks the whole hash (a
// mismatch deletes the photo: 422) and the image header (not an image, or
// over 50 megapixels: 422; photos are never decoded on the server). A
// single chunk with its SHA-256 in the Chunk-SHA256 header is also taken.
// Only photos that an article of the device's user refers to are taken
// (404 otherwise: send the article first). Names never reach the server's
// file system: only verified hashes do.
//
// With rendition_of=ORIGINAL the bytes are a rendition of that photo, a
// JPEG of at most 1600 px sent before the original, verified against its
// own hash, checked to be a JPEG of at most 2048 px a side (422 otherwise)
// and filed as this user's rendition of the original; it is shown only
// with articles this user owns or wrote a revision of. PhotoState.Rendition says the
// server holds one; PhotoState.Wanted that an editor asked for the original
// (POST /v1/photos/want, editors and admins), which the author's device
// then sends first among originals.
//
// GET /v1/photos/{sha256} sends a photo to a device whose user may see an
// article that holds it (its owner, or someone who wrote a revision of it,
// sent it whole), with Range support so downloads resume; ?rendition=1
// sends its rendition, with the rendition's SHA-256 in RenditionHashHeader.
//
// A revision that refers to photos becomes visible to others when each has
// arrived (original or rendition); the author's devices see it at once,
// with Change.MissingPhotos.
//
// # Publishing
//
// Not part of the device protocol but served by the same server, without
// login: published pages, indexes, an Atom feed, the photos they show, and
// GET /v1/published[?since=RFC3339], IPTC ninjs 3.0 items newest change
// first (a killed article with pubStatus "canceled"). See docs/WORKFLOW.md.
//
// # Order
//
// Text first (push), then a rendition of each photo, then originals by the
// user's policy (never, unmetered links only, always; wanted ones first),
// then pull, then photos to receive. Deadlines are on progress (no byte for
// a while means reconnect), not on whole requests; retries back off with
// jitter.
package wire
