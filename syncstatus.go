package fielddesk

import "time"

// SyncStatus is what the app shows about sending to the newsroom: whether
// the server is reachable, what waits, each photo's progress and the last
// error in plain words. The sync engine fills it; the window draws it.
type SyncStatus struct {
	// Configured: the device is logged in to a server.
	Configured bool
	Server     string
	User       string
	Role       Role
	// Online: the last exchange with the server succeeded.
	Online bool
	// Syncing: an exchange is under way; Phase says which part.
	Syncing bool
	Phase   SyncPhase
	// ArticlesWaiting counts articles with edits not yet acknowledged.
	ArticlesWaiting int
	// Photos lists each photo still on its way, in the order they go.
	Photos []PhotoProgress
	// LastSync is when a whole exchange last succeeded.
	LastSync time.Time
	// LastError is the last failure in plain words ("" after a success).
	LastError string
	// ErrorKind says what kind of failure LastError is, for the window to
	// explain in the person's language ("" when it has no kind of its own).
	ErrorKind SyncErrorKind
	// NextTry is when the engine tries again after a failure.
	NextTry time.Time
	// Problems are articles the server did not take, with the reason.
	Problems map[ID]string
	// KeptAsDraft maps an article the newsroom had moved on (approved,
	// published) while this device changed it to the new draft that keeps
	// what was typed here.
	KeptAsDraft map[ID]ID
	// News are the latest decisions and comments of others that arrived
	// (at most MaxNews, oldest first), for notifications.
	News []Event
	// Originals is the policy for full-size photos: never, unmetered, always.
	Originals string
	// LinkCostUnknown: originals wait for an unmetered link, and the
	// system cannot tell whether this one is (no NetworkManager), so they
	// would wait for ever unless the person decides.
	LinkCostUnknown bool
}

// SyncErrorKind is a kind of sync failure a person can act on.
type SyncErrorKind string

// The kinds of sync failure.
const (
	// SyncNoLink: no connection to the server, or it dropped.
	SyncNoLink SyncErrorKind = "no_link"
	// SyncUnauthorized: the server no longer knows this device.
	SyncUnauthorized SyncErrorKind = "unauthorized"
	// SyncServerOlder: the newsroom must update its server.
	SyncServerOlder SyncErrorKind = "server_older"
	// SyncAppOlder: the app speaks another protocol: update the app.
	SyncAppOlder SyncErrorKind = "app_older"
	// SyncPortal: something else answered (a Wi-Fi login page, a proxy).
	SyncPortal SyncErrorKind = "portal"
	// SyncTooLarge: the server (or a proxy before it) refuses a request
	// this large even alone: the newsroom must raise its limit.
	SyncTooLarge SyncErrorKind = "too_large"
	// SyncServerFull: the newsroom server's disk is full; nothing is lost
	// and the app tries again.
	SyncServerFull SyncErrorKind = "server_full"
	// SyncServerUnavailable: the newsroom server cannot reach its
	// database or photo storage for a moment (a restart, a fail-over);
	// nothing is lost and the app tries again shortly.
	SyncServerUnavailable SyncErrorKind = "server_unavailable"
	// SyncDiskFull: this computer's disk is full.
	SyncDiskFull SyncErrorKind = "disk_full"
	// SyncUntrusted: the server's certificate is not trusted, or is not
	// the one trusted before (see UntrustedCertificateError).
	SyncUntrusted SyncErrorKind = "untrusted_certificate"
)

// SyncPhase is the part of an exchange under way.
type SyncPhase string

// The phases, in the order an exchange goes through them.
const (
	PhaseText      SyncPhase = "text"
	PhaseRendition SyncPhase = "renditions"
	PhaseOriginal  SyncPhase = "originals"
	PhaseReceive   SyncPhase = "receive"
)

// PhotoProgress is one photo on its way to or from the server.
type PhotoProgress struct {
	Hash    string
	Article ID
	// Rendition: the bytes moving now are the small rendition.
	Rendition bool
	Download  bool
	Done      int64 // bytes the other side holds
	Total     int64
	// Waiting says why the photo is not moving ("" while it is).
	Waiting string
}

// BytesWaiting is how many photo bytes still have to move.
func (s SyncStatus) BytesWaiting() int64 {
	var n int64
	for _, p := range s.Photos {
		n += p.Total - p.Done
	}
	return n
}

// MaxNews is how many recent decisions and comments SyncStatus keeps.
const MaxNews = 50

// ServerTrust is how a device trusts a newsroom server whose certificate
// no public authority signed (a bureau without a public domain): the
// newsroom's own authority (PEM), or the SHA-256 fingerprint of the
// server's certificate, given by the newsroom and compared by a person.
type ServerTrust struct {
	CAPEM []byte
	Pin   string // SHA-256 of the certificate, hex (colons and case ignored)
}

// UntrustedCertificateError is a connection refused because the server's
// certificate is not trusted: signed by no authority the device trusts,
// or (Changed) not the one pinned for this server. Fingerprint is the
// SHA-256 of the certificate the server showed, for a person to compare
// with the one the newsroom gives.
type UntrustedCertificateError struct {
	Fingerprint string
	Changed     bool
	Reason      string
}

func (e *UntrustedCertificateError) Error() string {
	if e.Changed {
		return "the server's certificate is not the one this computer trusts for it (SHA-256 " + e.Fingerprint + "): someone may be in the way, or the newsroom changed it; ask the newsroom before trusting the new one"
	}
	return "the server's certificate is not trusted (SHA-256 " + e.Fingerprint + "): " + e.Reason + "; if the newsroom confirms this fingerprint, trust it (fielddesk login --pin) or give the newsroom's authority file (--ca)"
}

// FormatFingerprint writes a SHA-256 in hex as people compare it: upper
// case in pairs, "AB:CD:…".
func FormatFingerprint(hexSum string) string {
	var b []byte
	for i := 0; i+1 < len(hexSum); i += 2 {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, upper(hexSum[i]), upper(hexSum[i+1]))
	}
	return string(b)
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// ClockState is what the desk's store thinks of the computer's clock.
type ClockState struct {
	// Behind: the system clock is far behind the newest time the store
	// has seen or the newsroom's (a dead CMOS battery); System is what it
	// says, Trusted the time the store uses instead.
	Behind          bool
	System, Trusted time.Time
}
