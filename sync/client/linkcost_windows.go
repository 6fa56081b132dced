//go:build windows

package client

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// LinkCost reports whether the connection to the internet costs by the
// byte, as Windows sees it (Settings › Network › metered connection; a
// mobile link is metered unless the person says otherwise), and whether
// that is known. Windows answers through its WinRT NetworkInformation,
// asked here through PowerShell (part of every Windows 10 and 11); the
// answer is kept for a minute, as starting PowerShell takes a moment.
func LinkCost() (metered, known bool) {
	costMu.Lock()
	defer costMu.Unlock()
	if time.Since(costAt) < time.Minute {
		return costMetered, costKnown
	}
	cmd := exec.Command("powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
		"[void][Windows.Networking.Connectivity.NetworkInformation,Windows.Networking.Connectivity,ContentType=WindowsRuntime];"+
			"$p=[Windows.Networking.Connectivity.NetworkInformation]::GetInternetConnectionProfile();"+
			"if ($p) { $p.GetConnectionCost().NetworkCostType } else { 'None' }")
	// No console window flashes up behind FieldDesk's.
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000} // CREATE_NO_WINDOW
	out, err := cmd.Output()
	if err != nil {
		costMetered, costKnown = true, false
	} else {
		costMetered, costKnown = meteredFromCostType(string(out))
	}
	costAt = time.Now()
	return costMetered, costKnown
}

var (
	costMu                 sync.Mutex
	costAt                 time.Time
	costMetered, costKnown bool
)
