package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/sync/server"
)

// admin is what the user and device commands need: a running server's
// admin socket, or the store itself when no server runs.
type admin interface {
	addUser(ctx context.Context, u server.AdminUser) error
	users(ctx context.Context) ([]server.AdminUser, error)
	setDisabled(ctx context.Context, name string, disabled bool) error
	setPassword(ctx context.Context, name, password string, revokeDevices bool) error
	devices(ctx context.Context) ([]newsroom.Device, error)
	revoke(ctx context.Context, id string) error
}

func adminSocket(data string) string { return filepath.Join(data, "admin.sock") }

// openAdmin reaches the server running on an embedded store through its
// admin socket, or opens the backend (a stopped server's store, or the
// shared database, which any number of servers use at once).
func openAdmin(ctx context.Context, at where) (admin, func(), error) {
	if at.data == "" {
		b, err := at.open(ctx)
		if err != nil {
			return nil, nil, err
		}
		return storeAdmin{newsroom.New(b.records)}, b.close, nil
	}
	sock := adminSocket(at.data)
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}
	if c, err := dial(ctx, "", ""); err == nil {
		c.Close()
		hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DialContext: dial}}
		return socketAdmin{hc}, hc.CloseIdleConnections, nil
	}
	b, err := at.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	return storeAdmin{newsroom.New(b.records)}, b.close, nil
}

// storeAdmin works on the store of a stopped server.
type storeAdmin struct{ db *newsroom.Newsroom }

func (a storeAdmin) addUser(ctx context.Context, u server.AdminUser) error {
	_, err := a.db.AddUser(ctx, u.Name, u.Role, u.Desk, u.Password)
	return err
}

func (a storeAdmin) users(ctx context.Context) ([]server.AdminUser, error) {
	us, err := a.db.Users(ctx)
	var out []server.AdminUser
	for _, u := range us {
		out = append(out, server.AdminUser{Name: u.Name, Role: u.Role, Desk: u.Desk, Disabled: u.Disabled})
	}
	return out, err
}

func (a storeAdmin) setDisabled(ctx context.Context, name string, disabled bool) error {
	if disabled {
		return a.db.DisableUser(ctx, name)
	}
	return a.db.EnableUser(ctx, name)
}

func (a storeAdmin) setPassword(ctx context.Context, name, password string, revoke bool) error {
	return a.db.SetPassword(ctx, name, password, revoke)
}

func (a storeAdmin) devices(ctx context.Context) ([]newsroom.Device, error) { return a.db.Devices(ctx) }
func (a storeAdmin) revoke(ctx context.Context, id string) error            { return a.db.RevokeDevice(ctx, id) }

// socketAdmin asks a running server through its admin socket.
type socketAdmin struct{ hc *http.Client }

func (a socketAdmin) call(ctx context.Context, method, path string, in, out any) error {
	var body bytes.Buffer
	if in != nil {
		json.NewEncoder(&body).Encode(in)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://admin"+path, &body)
	if err != nil {
		return err
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("the running server's admin socket: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e server.AdminError
		json.NewDecoder(resp.Body).Decode(&e)
		switch e.Kind {
		case "invalid":
			return fmt.Errorf("%s: %w", e.Error, fielddesk.ErrInvalid)
		case "not_found":
			return fmt.Errorf("%s: %w", e.Error, fielddesk.ErrNotFound)
		}
		return errors.New(e.Error)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

func (a socketAdmin) addUser(ctx context.Context, u server.AdminUser) error {
	return a.call(ctx, "POST", "/admin/users", u, nil)
}

func (a socketAdmin) users(ctx context.Context) ([]server.AdminUser, error) {
	var out []server.AdminUser
	return out, a.call(ctx, "GET", "/admin/users", nil, &out)
}

func (a socketAdmin) setDisabled(ctx context.Context, name string, disabled bool) error {
	verb := "enable"
	if disabled {
		verb = "disable"
	}
	return a.call(ctx, "POST", "/admin/users/"+url.PathEscape(name)+"/"+verb, nil, nil)
}

func (a socketAdmin) setPassword(ctx context.Context, name, password string, revoke bool) error {
	return a.call(ctx, "POST", "/admin/users/"+url.PathEscape(name)+"/password", server.AdminUser{Password: password, RevokeDevices: revoke}, nil)
}

func (a socketAdmin) devices(ctx context.Context) ([]newsroom.Device, error) {
	var out []newsroom.Device
	return out, a.call(ctx, "GET", "/admin/devices", nil, &out)
}

func (a socketAdmin) revoke(ctx context.Context, id string) error {
	return a.call(ctx, "POST", "/admin/devices/"+url.PathEscape(id)+"/revoke", nil, nil)
}
