package client

import (
	"net"

	"golang.org/x/sys/unix"
)

// kernelProgress returns how many bytes the peer acknowledged plus how
// many arrived from it, as the kernel counts them: progress that bytes
// waiting in socket buffers cannot fake. ok is false when it cannot tell.
func kernelProgress(conn net.Conn) (n uint64, ok bool) {
	tc, isTCP := conn.(*net.TCPConn)
	if !isTCP {
		return 0, false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var info *unix.TCPInfo
	var ierr error
	if err := raw.Control(func(fd uintptr) { info, ierr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO) }); err != nil || ierr != nil {
		return 0, false
	}
	return info.Bytes_acked + info.Bytes_received, true
}
