package store

import (
	"github.com/fielddesk/fielddesk/newsroom"
)

// Accounts of a newsroom server (the rules are newsroom's). Keys:
//
//	u/<user>          User (JSON), with the argon2id hash of the password
//	v/<device>        Device (JSON)
//	k/<sha256(token)> the device a token belongs to (only the token's hash is kept)

// User and Device are the newsroom's accounts and logged-in devices.
type (
	User   = newsroom.User
	Device = newsroom.Device
)

// ErrUnauthorized is newsroom.ErrUnauthorized.
var ErrUnauthorized = newsroom.ErrUnauthorized

func userKey(name string) []byte    { return []byte("u/" + name) }
func deviceRecKey(id string) []byte { return []byte("v/" + id) }

// tokenKey is where the device of a token is, by the token's hash
// (newsroom.TokenHash).
func tokenKey(tokenHash string) []byte { return []byte("k/" + tokenHash) }
