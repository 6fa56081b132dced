package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/crypto/argon2"

	"github.com/fielddesk/fielddesk"
)

// Accounts of a newsroom server. Keys:
//
//	u/<user>          User (JSON), with the argon2id hash of the password
//	v/<device>        Device (JSON)
//	k/<sha256(token)> the device a token belongs to (only the token's hash is kept)

// User is a newsroom account.
type User struct {
	Name     string         `json:"name"`
	Role     fielddesk.Role `json:"role"`
	Desk     string         `json:"desk,omitempty"`
	Disabled bool           `json:"disabled,omitempty"`
	Created  time.Time      `json:"created"`
	Salt     []byte         `json:"salt"`
	Hash     []byte         `json:"hash"`
}

// Device is a logged-in installation of the app, with its own token.
type Device struct {
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Expires is when the token stops working (a new login renews it).
	Expires time.Time `json:"expires,omitzero"`
	Revoked bool      `json:"revoked,omitempty"`
}

// TokenLifetime is how long a device's token works after its login; the
// app logs in again (with its old token, which retires) before then.
const TokenLifetime = 180 * 24 * time.Hour

// ErrUnauthorized means a wrong password, or a token that is unknown,
// revoked or belongs to a disabled account. It never says which.
var ErrUnauthorized = errors.New("unauthorized")

// argon2id parameters (OWASP's minimum: 19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

var userNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func userKey(name string) []byte    { return []byte("u/" + name) }
func deviceRecKey(id string) []byte { return []byte("v/" + id) }
func tokenKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return []byte("k/" + hex.EncodeToString(sum[:]))
}

func hashPassword(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
}

// checkPassword refuses passwords anyone could guess: fewer than 10
// characters once spaces at the ends are left out, or fewer than 5
// different ones ("aaaaaaaaaa", ten spaces).
func checkPassword(password string) error {
	p := strings.TrimSpace(password)
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[r] = true
	}
	if len([]rune(p)) < 10 || len(distinct) < 5 {
		return fmt.Errorf("the password needs at least 10 characters, not only spaces or one repeated: %w", fielddesk.ErrInvalid)
	}
	return nil
}

// AddUser creates an account. Names are lower-case letters, digits, '.',
// '_' and '-'; the password must pass checkPassword.
func (s *DB) AddUser(ctx context.Context, name string, role fielddesk.Role, desk, password string) (User, error) {
	switch {
	case !userNameRe.MatchString(name):
		return User{}, fmt.Errorf("user name %q: use lower-case letters, digits, '.', '_' or '-': %w", name, fielddesk.ErrInvalid)
	case !role.Valid():
		return User{}, fmt.Errorf("role %q: use correspondent, editor or admin: %w", role, fielddesk.ErrInvalid)
	}
	if err := checkPassword(password); err != nil {
		return User{}, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return User{}, err
	}
	u := User{Name: name, Role: role, Desk: fielddesk.NFC(desk), Created: s.now().UTC(), Salt: salt, Hash: hashPassword(password, salt)}
	err := s.update(func(txn *badger.Txn) error {
		if _, err := txn.Get(userKey(name)); err == nil {
			return fmt.Errorf("user %s exists already: %w", name, fielddesk.ErrInvalid)
		}
		return setJSON(txn, userKey(name), u)
	})
	if err != nil {
		return User{}, fmt.Errorf("add user: %w", mapErr(err))
	}
	return u, nil
}

// Login checks a password and gives the device a new token. The token is
// returned once; only its hash is stored.
func (s *DB) Login(ctx context.Context, name, password, deviceName string) (string, Device, User, error) {
	var u User
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, userKey(name), &u) })
	if err != nil && !errors.Is(mapErr(err), fielddesk.ErrNotFound) {
		return "", Device{}, User{}, fmt.Errorf("login: %w", err)
	}
	if u.Salt == nil { // unknown user: spend the same time as a check
		hashPassword(password, make([]byte, 16))
		return "", Device{}, User{}, ErrUnauthorized
	}
	if subtle.ConstantTimeCompare(hashPassword(password, u.Salt), u.Hash) != 1 || u.Disabled {
		return "", Device{}, User{}, ErrUnauthorized
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Device{}, User{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	dev := Device{ID: string(fielddesk.NewID()), User: name, Name: fielddesk.NFC(deviceName), Created: now, Expires: now.Add(TokenLifetime)}
	err = s.update(func(txn *badger.Txn) error {
		if err := setJSON(txn, deviceRecKey(dev.ID), dev); err != nil {
			return err
		}
		return txn.Set(tokenKey(token), []byte(dev.ID))
	})
	if err != nil {
		return "", Device{}, User{}, fmt.Errorf("login: %w", err)
	}
	return token, dev, u, nil
}

// Authenticate finds the device and user of a token, or ErrUnauthorized.
func (s *DB) Authenticate(ctx context.Context, token string) (Device, User, error) {
	var dev Device
	var u User
	err := s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(tokenKey(token))
		if err != nil {
			return err
		}
		var id string
		if err := item.Value(func(v []byte) error { id = string(v); return nil }); err != nil {
			return err
		}
		if err := getJSON(txn, deviceRecKey(id), &dev); err != nil {
			return err
		}
		return getJSON(txn, userKey(dev.User), &u)
	})
	expires := dev.Expires
	if expires.IsZero() { // a token from before tokens expired
		expires = dev.Created.Add(TokenLifetime)
	}
	expired := err == nil && s.now().After(expires)
	if err != nil || dev.Revoked || u.Disabled || expired {
		if err != nil && !errors.Is(mapErr(err), fielddesk.ErrNotFound) {
			return Device{}, User{}, fmt.Errorf("authenticate: %w", err)
		}
		return Device{}, User{}, ErrUnauthorized
	}
	return dev, u, nil
}

// Users lists the accounts (without their password hashes).
func (s *DB) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.view(func(txn *badger.Txn) error {
		return eachJSON(txn, []byte("u/"), func(u *User) error {
			u.Salt, u.Hash = nil, nil
			out = append(out, *u)
			return nil
		})
	})
	return out, err
}

// DisableUser stops an account: its devices' tokens stop working.
func (s *DB) DisableUser(ctx context.Context, name string) error {
	return updateRecord(s, userKey(name), "user "+name, func(u *User) { u.Disabled = true })
}

// EnableUser lets a disabled account log in again; the devices it had stay
// as they were (revoked ones stay revoked).
func (s *DB) EnableUser(ctx context.Context, name string) error {
	return updateRecord(s, userKey(name), "user "+name, func(u *User) { u.Disabled = false })
}

// SetPassword changes an account's password (checkPassword); with
// revokeDevices every device logged in to it must log in again.
func (s *DB) SetPassword(ctx context.Context, name, password string, revokeDevices bool) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	hash := hashPassword(password, salt)
	if err := updateRecord(s, userKey(name), "user "+name, func(u *User) { u.Salt, u.Hash = salt, hash }); err != nil {
		return err
	}
	if !revokeDevices {
		return nil
	}
	devs, err := s.Devices(ctx)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.User == name && !d.Revoked {
			if err := s.RevokeDevice(ctx, d.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Devices lists every device.
func (s *DB) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	err := s.view(func(txn *badger.Txn) error {
		return eachJSON(txn, []byte("v/"), func(d *Device) error { out = append(out, *d); return nil })
	})
	return out, err
}

// RevokeDevice makes a device's token stop working.
func (s *DB) RevokeDevice(ctx context.Context, id string) error {
	return updateRecord(s, deviceRecKey(id), "device "+id, func(d *Device) { d.Revoked = true })
}

// updateRecord changes one JSON record in place, or fails with ErrNotFound.
func updateRecord[T any](s *DB, key []byte, what string, change func(*T)) error {
	err := s.update(func(txn *badger.Txn) error {
		var v T
		if err := getJSON(txn, key, &v); err != nil {
			return err
		}
		change(&v)
		return setJSON(txn, key, v)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return nil
}
