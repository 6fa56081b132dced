// Package backendtest starts the real servers the newsroom's shared
// backends need in tests: a throwaway PostgreSQL cluster (initdb into a
// temporary folder, pg_ctl on a free loopback port; as the postgres user
// when the tests run as root, since initdb refuses root) and an
// S3-compatible object store (versitygw serving a temporary folder). Each
// starts once per test binary, on first use, and stops when Main's tests
// end; every test gets a database and a bucket of its own.
//
// When a server cannot be started here (PostgreSQL or versitygw not
// installed) the test is skipped saying so, unless FIELDDESK_BACKENDS is
// "required" (CI sets it through make test): then it fails.
// scripts/deps.sh test installs both.
package backendtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Main runs the package's tests and then stops the servers they started.
// Use it from TestMain: os.Exit(backendtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	stopAll()
	return code
}

var (
	mu    sync.Mutex
	stops []func()
	pg    *cluster
	pgErr error
	s3    *S3Server
	s3Err error
)

func stopAll() {
	mu.Lock()
	defer mu.Unlock()
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
	stops = nil
}

// unavailable skips or fails t for a server that cannot start.
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("%s is started for tests on Linux only (the newsroom's server runs there)", what)
	}
	if os.Getenv("FIELDDESK_BACKENDS") == "required" {
		t.Fatalf("%s is required here (FIELDDESK_BACKENDS=required) but cannot start: %v", what, err)
	}
	t.Skipf("%s cannot start here, so this test did not run: %v (scripts/deps.sh test installs it)", what, err)
}

// Required reports whether the shared backends must run (CI).
func Required() bool { return os.Getenv("FIELDDESK_BACKENDS") == "required" }

type cluster struct {
	dir, bin string
	port     int
	asUser   string // "postgres" when run as root
}

// PostgresBin returns the folder of PostgreSQL's server programs.
func PostgresBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real // Debian's own folder, which has pg_dump and pg_restore too
		}
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		return "", errors.New("PostgreSQL's pg_ctl is not installed (Debian: apt-get install postgresql)")
	}
	sort.Strings(matches)
	return filepath.Dir(matches[len(matches)-1]), nil
}

// Postgres returns the URL of a new, empty database on the test binary's
// PostgreSQL cluster (started on first use).
func Postgres(t testing.TB) string {
	t.Helper()
	mu.Lock()
	if pg == nil && pgErr == nil {
		pg, pgErr = startPostgres()
	}
	c, err := pg, pgErr
	mu.Unlock()
	if err != nil {
		unavailable(t, "PostgreSQL", err)
	}
	name := "t_" + randomHex(6)
	if out, err := c.run("psql", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v: %s", err, out)
	}
	return c.url(name)
}

// PostgresAdmin runs SQL as the superuser on the database of url (to make
// faults: terminate connections, and the like).
func PostgresAdmin(t testing.TB, url, sql string) string {
	t.Helper()
	mu.Lock()
	c := pg
	mu.Unlock()
	if c == nil {
		t.Fatal("no PostgreSQL started")
	}
	out, err := c.run("psql", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", dbName(url), "-v", "ON_ERROR_STOP=1", "-qAtc", sql)
	if err != nil {
		t.Fatalf("%s: %v: %s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// RestartPostgres stops the cluster (fast: connections are cut) and starts
// it again on the same port, after pause.
func RestartPostgres(t testing.TB, pause time.Duration) {
	t.Helper()
	mu.Lock()
	c := pg
	mu.Unlock()
	if out, err := c.run("pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop"); err != nil {
		t.Fatalf("stop PostgreSQL: %v: %s", err, out)
	}
	time.Sleep(pause)
	if err := c.start(); err != nil {
		t.Fatalf("start PostgreSQL again: %v", err)
	}
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// run runs a PostgreSQL program, as the postgres user when we are root.
func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	if prog == "psql" {
		if p, err := exec.LookPath("psql"); err == nil {
			path = p
		}
	}
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGCONNECT_TIMEOUT=5")
	return cmd.CombinedOutput()
}

func startPostgres() (*cluster, error) {
	bin, err := PostgresBin()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, and there is no postgres user to run PostgreSQL as: %w", err)
		}
		c.asUser = "postgres"
	}
	// The folder's parents must be readable by postgres: not t.TempDir.
	parent, err := os.MkdirTemp("", "fielddesk-pg-")
	if err != nil {
		return nil, err
	}
	os.Chmod(parent, 0o755)
	c.dir = filepath.Join(parent, "data")
	if c.asUser != "" {
		if out, err := exec.Command("chown", c.asUser, parent).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("chown: %v: %s", err, out)
		}
	}
	if out, err := c.run("initdb", "-D", c.dir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(parent)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	if err := c.start(); err != nil {
		os.RemoveAll(parent)
		return nil, err
	}
	stops = append(stops, func() {
		c.run("pg_ctl", "-D", c.dir, "-m", "immediate", "-w", "stop")
		os.RemoveAll(parent)
	})
	return c, nil
}

func (c *cluster) start() error {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=300 -c shared_buffers=64MB", c.port, c.dir)
	if out, err := c.run("pg_ctl", "-D", c.dir, "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, tail(log, 2000))
	}
	return nil
}

// S3Server is a running S3-compatible object store.
type S3Server struct {
	Endpoint          string // host:port
	AccessKey, Secret string
	root              string
	cmd               *exec.Cmd
	bin               string
}

// Bucket is a new, empty bucket of the test binary's object store.
type Bucket struct {
	*S3Server
	Name string
}

// URL is the bucket as fielddesk-server's --photos takes it.
func (b Bucket) URL() string {
	return fmt.Sprintf("s3://%s?endpoint=http://%s&region=us-east-1", b.Name, b.Endpoint)
}

// Env is the environment the server reads its credentials from.
func (b Bucket) Env() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + b.AccessKey, "AWS_SECRET_ACCESS_KEY=" + b.Secret}
}

// VersityBin returns the path of versitygw: $FIELDDESK_VERSITYGW, the
// module's bin/tools/versitygw (scripts/deps.sh test puts it there), or
// one on the PATH.
func VersityBin() (string, error) {
	if p := os.Getenv("FIELDDESK_VERSITYGW"); p != "" {
		return p, nil
	}
	if dir, err := moduleRoot(); err == nil {
		p := filepath.Join(dir, "bin", "tools", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	return "", errors.New("versitygw is not installed (scripts/deps.sh test builds it into bin/tools)")
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/fielddesk/fielddesk\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the fielddesk module")
		}
		dir = parent
	}
}

// S3 returns a new, empty bucket on the test binary's object store
// (started on first use).
func S3(t testing.TB) Bucket {
	t.Helper()
	mu.Lock()
	if s3 == nil && s3Err == nil {
		s3, s3Err = startS3()
	}
	srv, err := s3, s3Err
	mu.Unlock()
	if err != nil {
		unavailable(t, "the S3-compatible object store (versitygw)", err)
	}
	name := "t-" + randomHex(6)
	// versitygw's posix backend serves the root's folders as buckets.
	if err := os.Mkdir(filepath.Join(srv.root, name), 0o700); err != nil {
		t.Fatal(err)
	}
	return Bucket{S3Server: srv, Name: name}
}

func startS3() (*S3Server, error) {
	bin, err := VersityBin()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "fielddesk-s3-")
	if err != nil {
		return nil, err
	}
	srv := &S3Server{AccessKey: "fielddesk", Secret: "fielddesk-" + randomHex(8), root: root, bin: bin}
	if err := srv.start(0); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	stops = append(stops, func() {
		srv.stop()
		os.RemoveAll(root)
	})
	return srv, nil
}

func (srv *S3Server) start(port int) error {
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return err
		}
	}
	srv.Endpoint = fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(srv.bin, "--port", srv.Endpoint, "posix", srv.root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+srv.AccessKey, "ROOT_SECRET_ACCESS_KEY="+srv.Secret)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start versitygw: %w", err)
	}
	srv.cmd = cmd
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + srv.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return fmt.Errorf("versitygw did not answer on %s: %s", srv.Endpoint, tail(out.Bytes(), 2000))
}

func (srv *S3Server) stop() {
	if srv.cmd != nil && srv.cmd.Process != nil {
		srv.cmd.Process.Kill()
		srv.cmd.Wait()
	}
	srv.cmd = nil
}

// Down stops the object store (unreachable from now on) and returns a
// function that starts it again on the same address with the same data.
func (srv *S3Server) Down(t testing.TB) (up func()) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	srv.stop()
	_, portText, _ := net.SplitHostPort(srv.Endpoint)
	port, _ := strconv.Atoi(portText)
	return func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if err := srv.start(port); err != nil {
			t.Fatalf("start the object store again: %v", err)
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Context is a context for a test's calls to a backend, cancelled when
// the test ends.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// PostgresCopy copies the database at url into a new database of the same
// cluster the way the docs tell operators to back one up and restore it
// (pg_dump in its custom format, then pg_restore), and returns the new
// database's URL.
func PostgresCopy(t testing.TB, url string) string {
	t.Helper()
	mu.Lock()
	c := pg
	mu.Unlock()
	if c == nil {
		t.Fatal("no PostgreSQL started")
	}
	dump := filepath.Join(c.dir, "..", "dump-"+randomHex(4))
	src := dbName(url)
	port := strconv.Itoa(c.port)
	if out, err := c.run("pg_dump", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "--format=custom", "--file", dump, src); err != nil {
		t.Fatalf("pg_dump: %v: %s", err, out)
	}
	defer os.Remove(dump)
	dst := Postgres(t)
	if out, err := c.run("pg_restore", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "--no-owner", "--exit-on-error", "-d", dbName(dst), dump); err != nil {
		t.Fatalf("pg_restore: %v: %s", err, out)
	}
	return dst
}

// dbName is the database a postgres:// URL names.
func dbName(url string) string {
	name := url[strings.LastIndex(url, "/")+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	return name
}
