// Package prompt reads a password for the command-line tools: from a file
// (its first line), or typed on the terminal without echo.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Password reads the password from file (first line) or, when file is
// empty, asks for it on out and reads a line from in (without echo when in
// is a terminal).
func Password(file string, in io.Reader, out io.Writer) (string, error) {
	r := in
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("password file: %w", err)
		}
		defer f.Close()
		r = f
	} else {
		fmt.Fprint(out, "Password: ")
		restore := quietTerminal(in)
		defer func() { restore(); fmt.Fprintln(out) }()
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
