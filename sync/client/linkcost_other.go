//go:build !windows

package client

import (
	"os"
	"os/exec"
)

// LinkCost reports whether the active connection costs by the byte, as
// NetworkManager sees it (a phone hotspot, a mobile modem), and whether
// that is known. Without NetworkManager it is not known: the caller takes
// it as metered, so originals wait rather than spend someone's data, and
// asks the person.
func LinkCost() (metered, known bool) {
	path, err := exec.LookPath("nmcli")
	if err != nil {
		return true, false
	}
	cmd := exec.Command(path, "-t", "-f", "GENERAL.STATE,GENERAL.METERED", "device", "show")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		return true, false
	}
	return meteredFromNmcli(string(out)), true
}
