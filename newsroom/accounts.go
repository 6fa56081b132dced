package newsroom

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

	"golang.org/x/crypto/argon2"

	"github.com/fielddesk/fielddesk"
)

// Accounts: a user's password is kept as its argon2id hash; a device's
// token is given once at login and kept only as its SHA-256.

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

// TokenHash is what a backend keeps of a device's token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func hashPassword(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
}

// CheckPassword refuses passwords anyone could guess: fewer than 10
// characters once spaces at the ends are left out, or fewer than 5
// different ones ("aaaaaaaaaa", ten spaces). The error wraps
// fielddesk.ErrInvalid.
func CheckPassword(password string) error {
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

// SetClock makes the rules read the time from now (tests).
func (n *Newsroom) SetClock(now func() time.Time) { n.now = now }

// AddUser creates an account. Names are lower-case letters, digits, '.',
// '_' and '-'; the password must pass CheckPassword. A name taken already
// is an error wrapping fielddesk.ErrInvalid.
func (n *Newsroom) AddUser(ctx context.Context, name string, role fielddesk.Role, desk, password string) (User, error) {
	switch {
	case !userNameRe.MatchString(name):
		return User{}, fmt.Errorf("user name %q: use lower-case letters, digits, '.', '_' or '-': %w", name, fielddesk.ErrInvalid)
	case !role.Valid():
		return User{}, fmt.Errorf("role %q: use correspondent, editor or admin: %w", role, fielddesk.ErrInvalid)
	}
	if err := CheckPassword(password); err != nil {
		return User{}, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return User{}, err
	}
	u := User{Name: name, Role: role, Desk: fielddesk.NFC(desk), Created: n.now().UTC(), Salt: salt, Hash: hashPassword(password, salt)}
	err := n.b.Update(ctx, func(tx Tx) error {
		if _, err := tx.User(name); err == nil {
			return fmt.Errorf("user %s exists already: %w", name, fielddesk.ErrInvalid)
		} else if !isNotFound(err) {
			return err
		}
		return tx.PutUser(u)
	})
	if err != nil {
		return User{}, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

// Login checks a password and gives the device a new token. The token is
// returned once; only its hash is stored. A wrong name or password is
// ErrUnauthorized, and takes as long as a right one.
func (n *Newsroom) Login(ctx context.Context, name, password, deviceName string) (string, Device, User, error) {
	var u User
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		u, err = tx.User(name)
		return err
	})
	if err != nil && !isNotFound(err) {
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
	now := n.now().UTC()
	dev := Device{ID: string(fielddesk.NewID()), User: name, Name: fielddesk.NFC(deviceName), Created: now, Expires: now.Add(TokenLifetime)}
	err = n.b.Update(ctx, func(tx Tx) error {
		if err := tx.PutDevice(dev); err != nil {
			return err
		}
		return tx.PutToken(TokenHash(token), dev.ID)
	})
	if err != nil {
		return "", Device{}, User{}, fmt.Errorf("login: %w", err)
	}
	return token, dev, u, nil
}

// Authenticate finds the device and user of a token, or ErrUnauthorized.
func (n *Newsroom) Authenticate(ctx context.Context, token string) (Device, User, error) {
	var dev Device
	var u User
	err := n.b.View(ctx, func(tx Tx) error {
		id, err := tx.TokenDevice(TokenHash(token))
		if err != nil {
			return err
		}
		if dev, err = tx.Device(id); err != nil {
			return err
		}
		u, err = tx.User(dev.User)
		return err
	})
	expires := dev.Expires
	if expires.IsZero() { // a token from before tokens expired
		expires = dev.Created.Add(TokenLifetime)
	}
	expired := err == nil && n.now().After(expires)
	if err != nil || dev.Revoked || u.Disabled || expired {
		if err != nil && !isNotFound(err) {
			return Device{}, User{}, fmt.Errorf("authenticate: %w", err)
		}
		return Device{}, User{}, ErrUnauthorized
	}
	return dev, u, nil
}

// Users lists the accounts (without their password hashes).
func (n *Newsroom) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Users()
		return err
	})
	for i := range out {
		out[i].Salt, out[i].Hash = nil, nil
	}
	return out, err
}

// DisableUser stops an account: its devices' tokens stop working.
func (n *Newsroom) DisableUser(ctx context.Context, name string) error {
	return n.changeUser(ctx, name, func(u *User) { u.Disabled = true })
}

// EnableUser lets a disabled account log in again; the devices it had stay
// as they were (revoked ones stay revoked).
func (n *Newsroom) EnableUser(ctx context.Context, name string) error {
	return n.changeUser(ctx, name, func(u *User) { u.Disabled = false })
}

// SetPassword changes an account's password (CheckPassword); with
// revokeDevices every device logged in to it must log in again.
func (n *Newsroom) SetPassword(ctx context.Context, name, password string, revokeDevices bool) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	hash := hashPassword(password, salt)
	if err := n.changeUser(ctx, name, func(u *User) { u.Salt, u.Hash = salt, hash }); err != nil {
		return err
	}
	if !revokeDevices {
		return nil
	}
	devs, err := n.Devices(ctx)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.User == name && !d.Revoked {
			if err := n.RevokeDevice(ctx, d.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Devices lists every device.
func (n *Newsroom) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Devices()
		return err
	})
	return out, err
}

// RevokeDevice makes a device's token stop working.
func (n *Newsroom) RevokeDevice(ctx context.Context, id string) error {
	err := n.b.Update(ctx, func(tx Tx) error {
		d, err := tx.Device(id)
		if err != nil {
			return err
		}
		d.Revoked = true
		return tx.PutDevice(d)
	})
	if err != nil {
		return fmt.Errorf("device %s: %w", id, err)
	}
	return nil
}

// changeUser changes one account in place, or fails with ErrNotFound.
func (n *Newsroom) changeUser(ctx context.Context, name string, change func(*User)) error {
	err := n.b.Update(ctx, func(tx Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		change(&u)
		return tx.PutUser(u)
	})
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	return nil
}
