package prompt

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(file, []byte("mật khẩu đủ dài\r\nsecond line\n"), 0o600)
	var out bytes.Buffer
	if pw, err := Password(file, strings.NewReader("ignored\n"), &out); err != nil || pw != "mật khẩu đủ dài" || out.Len() != 0 {
		t.Errorf("from a file: %q %v, said %q", pw, err, out.String())
	}
	if pw, err := Password("", strings.NewReader("gõ vào\n"), &out); err != nil || pw != "gõ vào" || !strings.HasPrefix(out.String(), "Password: ") {
		t.Errorf("typed: %q %v, said %q", pw, err, out.String())
	}
	if pw, err := Password("", strings.NewReader("không xuống dòng"), &out); err != nil || pw != "không xuống dòng" {
		t.Errorf("without a newline: %q %v", pw, err)
	}
	if _, err := Password("", strings.NewReader(""), &out); err == nil || !strings.Contains(err.Error(), "reading the password") {
		t.Errorf("nothing typed: %v", err)
	}
	if _, err := Password(filepath.Join(t.TempDir(), "none"), nil, &out); err == nil || !strings.Contains(err.Error(), "password file") {
		t.Errorf("missing file: %v", err)
	}
}
