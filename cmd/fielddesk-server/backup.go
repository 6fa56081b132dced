package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/server"
)

// backup writes a consistent copy of the embedded store in data to out:
// through the running server's admin socket (Badger's online backup, the
// server goes on serving), or from the store itself when no server runs.
// out appears only once the copy is whole and on the disk.
func backup(ctx context.Context, data, out string, stdout io.Writer) error {
	if data == "" || out == "" {
		return errors.New("backup needs --data DIR and --out FILE (for PostgreSQL, see docs/SERVER.md: pg_dump and the bucket)")
	}
	f, err := durable.Create(out, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Abort()
	var info store.BackupInfo
	via := "the running server"
	sock := adminSocket(data)
	if c, derr := net.Dial("unix", sock); derr == nil {
		c.Close()
		err = backupThroughSocket(ctx, sock, f)
	} else {
		via = "the store"
		var db *store.DB
		db, err = store.Open(data)
		if errors.Is(err, fielddesk.ErrInUse) {
			return fmt.Errorf("backup: a server holds %s but its admin socket does not answer: stop it, or try again", data)
		}
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		info, err = db.Backup(ctx, f)
		db.Close()
	}
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return fmt.Errorf("backup: %w (no file was left at %s)", err, out)
	}
	st, _ := os.Stat(out)
	if info.Photos > 0 {
		fmt.Fprintf(stdout, "backup of %s (from %s) in %s: %d photos, %d MB\n", data, via, out, info.Photos, st.Size()>>20)
	} else {
		fmt.Fprintf(stdout, "backup of %s (from %s) in %s: %d MB\n", data, via, out, st.Size()>>20)
	}
	return nil
}

// backupThroughSocket streams the running server's backup into w.
func backupThroughSocket(ctx context.Context, sock string, w io.Writer) error {
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://admin/admin/backup", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("the server answered %d: %s", resp.StatusCode, msg)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return err
	}
	if got := resp.Trailer.Get(server.BackupTrailer); got != "ok" {
		return fmt.Errorf("the server's backup did not finish: %s", got)
	}
	return nil
}

// restore makes the data folder data from the backup in file.
func restore(file, data string, stdout io.Writer) error {
	if data == "" || file == "" {
		return errors.New("restore needs --in FILE and --data DIR (a new folder)")
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	info, err := store.Restore(f, data)
	if err != nil {
		return err
	}
	db, err := store.Open(data) // it opens: it is a store
	if err != nil {
		return fmt.Errorf("restore: the restored folder does not open: %w", err)
	}
	db.Close()
	fmt.Fprintf(stdout, "restored %s into %s: %d photos\n", file, data, info.Photos)
	return nil
}
