package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The admin API: managing accounts and devices while the server runs. It
// is served only on a local socket in the data folder (only the server's
// own system user can open it), never on the network; fielddesk-server's
// user and device commands use it when the server runs.

// AdminUser is an account as the admin API shows and takes it.
type AdminUser struct {
	Name     string         `json:"name"`
	Role     fielddesk.Role `json:"role,omitempty"`
	Desk     string         `json:"desk,omitempty"`
	Disabled bool           `json:"disabled,omitempty"`
	Password string         `json:"password,omitempty"`
	// RevokeDevices, with a new password: every device logs in again.
	RevokeDevices bool `json:"revoke_devices,omitempty"`
}

// Admin is the admin API's handler.
// BackupTrailer is the trailer of a backup streamed by the admin socket:
// "ok" when it is whole.
const BackupTrailer = "Fielddesk-Backup"

// SetBackup gives the admin socket a way to back up the store while the
// server runs (the embedded store's; PostgreSQL has pg_dump).
func (s *Server) SetBackup(fn func(ctx context.Context, w io.Writer) error) { s.backup = fn }

func (s *Server) Admin() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/backup", func(w http.ResponseWriter, r *http.Request) {
		if s.backup == nil {
			http.Error(w, "this server's records are in PostgreSQL: back them up with pg_dump (docs/SERVER.md)", http.StatusNotFound)
			return
		}
		// The answer streams as it is made; the trailer says whether it
		// ended well (a backup cut short is no backup).
		w.Header().Set("Content-Type", "application/x-tar")
		w.Header().Set("Trailer", BackupTrailer)
		err := s.backup(r.Context(), w)
		if err != nil {
			s.log.Error("backup", "err", err)
			w.Header().Set(BackupTrailer, "failed: "+err.Error())
			return
		}
		w.Header().Set(BackupTrailer, "ok")
	})
	mux.HandleFunc("GET /admin/users", s.adminAPI(func(r *http.Request, _ AdminUser) (any, error) {
		users, err := s.nr.Users(r.Context())
		out := make([]AdminUser, 0, len(users))
		for _, u := range users {
			out = append(out, AdminUser{Name: u.Name, Role: u.Role, Desk: u.Desk, Disabled: u.Disabled})
		}
		return out, err
	}))
	mux.HandleFunc("POST /admin/users", s.adminAPI(func(r *http.Request, u AdminUser) (any, error) {
		_, err := s.nr.AddUser(r.Context(), u.Name, u.Role, u.Desk, u.Password)
		return AdminUser{Name: u.Name, Role: u.Role, Desk: u.Desk}, err
	}))
	mux.HandleFunc("POST /admin/users/{name}/disable", s.adminAPI(func(r *http.Request, _ AdminUser) (any, error) {
		return nil, s.nr.DisableUser(r.Context(), r.PathValue("name"))
	}))
	mux.HandleFunc("POST /admin/users/{name}/enable", s.adminAPI(func(r *http.Request, _ AdminUser) (any, error) {
		return nil, s.nr.EnableUser(r.Context(), r.PathValue("name"))
	}))
	mux.HandleFunc("POST /admin/users/{name}/password", s.adminAPI(func(r *http.Request, u AdminUser) (any, error) {
		return nil, s.nr.SetPassword(r.Context(), r.PathValue("name"), u.Password, u.RevokeDevices)
	}))
	mux.HandleFunc("GET /admin/devices", s.adminAPI(func(r *http.Request, _ AdminUser) (any, error) {
		devs, err := s.nr.Devices(r.Context())
		if devs == nil {
			devs = []newsroom.Device{}
		}
		return devs, err
	}))
	mux.HandleFunc("POST /admin/devices/{id}/revoke", s.adminAPI(func(r *http.Request, _ AdminUser) (any, error) {
		return nil, s.nr.RevokeDevice(r.Context(), r.PathValue("id"))
	}))
	return mux
}

// AdminError is the admin API's error answer.
type AdminError struct {
	Error string `json:"error"`
	// Kind is "invalid", "not_found" or "" (anything else).
	Kind string `json:"kind,omitempty"`
}

func (s *Server) adminAPI(h func(r *http.Request, in AdminUser) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in AdminUser
		if r.Method == http.MethodPost && r.ContentLength != 0 {
			if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil && !errors.Is(err, io.EOF) {
				writeAdmin(w, http.StatusBadRequest, AdminError{Error: fmt.Sprintf("the request is not JSON: %v", err), Kind: "invalid"})
				return
			}
		}
		out, err := h(r, in)
		switch {
		case errors.Is(err, fielddesk.ErrInvalid):
			writeAdmin(w, http.StatusBadRequest, AdminError{Error: err.Error(), Kind: "invalid"})
		case errors.Is(err, fielddesk.ErrNotFound):
			writeAdmin(w, http.StatusNotFound, AdminError{Error: err.Error(), Kind: "not_found"})
		case err != nil:
			s.log.Error("admin", "path", r.URL.Path, "err", err)
			writeAdmin(w, http.StatusInternalServerError, AdminError{Error: err.Error()})
		default:
			s.log.Info("admin", "method", r.Method, "path", r.URL.Path)
			writeAdmin(w, http.StatusOK, out)
		}
	}
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
