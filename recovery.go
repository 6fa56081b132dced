package fielddesk

import "time"

// Recovery says what the store did when its database could not be opened
// because its files were damaged (a power cut while a disk was writing them,
// a disk going bad): it rebuilt the database from every record it could
// still read, kept the damaged files as they were, and keeps this report
// until the person has read it.
type Recovery struct {
	At time.Time `json:"at"`
	// Kept is the folder holding the damaged database's files, untouched.
	Kept string `json:"kept"`
	// Cause is what was wrong, as the database said it (for a report).
	Cause string `json:"cause"`
	// Records is how many records were rebuilt; Articles how many articles
	// the rebuilt database holds.
	Records  int `json:"records"`
	Articles int `json:"articles"`
	// Unreadable names the files of which some or all could not be read:
	// what was only there is lost (unless the newsroom has it).
	Unreadable []string `json:"unreadable,omitempty"`
}
