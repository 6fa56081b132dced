package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

func TestAccounts(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if _, err := db.AddUser(ctx, "lethib", fielddesk.RoleCorrespondent, "Lào Cai", "mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, password string
		role           fielddesk.Role
		want           string
	}{
		{"Lê Thị B", "mật khẩu đủ dài", fielddesk.RoleEditor, "user name"},
		{"editor1", "ngắn", fielddesk.RoleEditor, "10 characters"},
		{"editor1", "mật khẩu đủ dài", "boss", "role"},
		{"lethib", "mật khẩu đủ dài", fielddesk.RoleEditor, "exists already"},
	} {
		if _, err := db.AddUser(ctx, tt.name, tt.role, "", tt.password); !errors.Is(err, fielddesk.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddUser(%q, %q) = %v, want an error about %s", tt.name, tt.role, err, tt.want)
		}
	}
	if _, _, _, err := db.Login(ctx, "lethib", "sai mật khẩu", "laptop"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	if _, _, _, err := db.Login(ctx, "nobody", "mật khẩu đủ dài", "laptop"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("unknown user: %v", err)
	}
	token, dev, u, err := db.Login(ctx, "lethib", "mật khẩu đủ dài", "Laptop bản")
	if err != nil || token == "" || u.Role != fielddesk.RoleCorrespondent || u.Desk != "Lào Cai" {
		t.Fatalf("login: %q %+v %v", token, u, err)
	}
	gotDev, gotUser, err := db.Authenticate(ctx, token)
	if err != nil || gotDev.ID != dev.ID || gotUser.Name != "lethib" {
		t.Fatalf("authenticate: %+v %+v %v", gotDev, gotUser, err)
	}
	if _, _, err := db.Authenticate(ctx, token+"x"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a wrong token: %v", err)
	}
	// Tokens are stored only as hashes: not in any key or value, not in
	// any file of the data folder (Badger's logs and tables included).
	if err := db.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if bytes.Contains(it.Item().Key(), []byte(token)) || bytes.Contains(v, []byte(token)) {
				t.Errorf("the token itself is in the store under %q", it.Item().Key())
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(db.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(token)) {
			t.Errorf("the token itself is in %s", path)
		}
		return nil
	})
	if err := db.RevokeDevice(ctx, dev.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Authenticate(ctx, token); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked device: %v", err)
	}
	token2, _, _, _ := db.Login(ctx, "lethib", "mật khẩu đủ dài", "Điện thoại")
	if err := db.DisableUser(ctx, "lethib"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Authenticate(ctx, token2); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("disabled user: %v", err)
	}
	users, _ := db.Users(ctx)
	if len(users) != 1 || users[0].Hash != nil || !users[0].Disabled {
		t.Errorf("users = %+v", users)
	}
	if devs, _ := db.Devices(ctx); len(devs) != 2 {
		t.Errorf("devices = %+v", devs)
	}
	if err := db.RevokeDevice(ctx, "no-such-device"); !errors.Is(err, fielddesk.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
}
