package client

import (
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// progressConn closes its connection when no byte has moved either way for
// the stall time: a deadline on progress, not on the whole request, so a
// slow upload lives as long as it moves and a dead link is noticed soon.
type progressConn struct {
	net.Conn
	last atomic.Int64 // unix nanoseconds of the last byte moved
	done chan struct{}
	once atomicOnce
}

type atomicOnce struct{ v atomic.Bool }

func (o *atomicOnce) do(f func()) {
	if o.v.CompareAndSwap(false, true) {
		f()
	}
}

// watch wraps conn with a progress watchdog.
func watch(conn net.Conn, stall time.Duration) net.Conn {
	c := &progressConn{Conn: conn, done: make(chan struct{})}
	c.last.Store(time.Now().UnixNano())
	go func() {
		var kernelSeen uint64
		tick := time.NewTicker(min(stall/4, time.Second))
		defer tick.Stop()
		for {
			select {
			case <-c.done:
				return
			case now := <-tick.C:
				// Bytes the peer acknowledged count as progress too: a write
				// returns when the kernel took the bytes, long before a slow
				// link carried them.
				if n, ok := kernelProgress(c.Conn); ok && n != kernelSeen {
					kernelSeen = n
					c.last.Store(now.UnixNano())
				}
				if now.Sub(time.Unix(0, c.last.Load())) > stall {
					c.Close()
					return
				}
			}
		}
	}()
	return c
}

// maxWriteSlice bounds one write so progress is seen while a large body
// trickles out over a slow link.
const maxWriteSlice = 8 << 10

func (c *progressConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	return n, err
}

func (c *progressConn) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		k := min(len(p), maxWriteSlice)
		n, err := c.Conn.Write(p[:k])
		written += n
		if n > 0 {
			c.last.Store(time.Now().UnixNano())
		}
		if err != nil {
			return written, err
		}
		p = p[k:]
	}
	return written, nil
}

func (c *progressConn) Close() error {
	c.once.do(func() { close(c.done) })
	return c.Conn.Close()
}

// meteredFromCostType reads the NetworkCostType Windows gives for the
// connection to the internet (what the person set in Settings › Network, and
// metered by default for a mobile link): Fixed and Variable cost by the
// byte, Unrestricted does not; None (no connection) counts as metered, and
// anything else as not known.
func meteredFromCostType(out string) (metered, known bool) {
	switch strings.TrimSpace(out) {
	case "Unrestricted":
		return false, true
	case "Fixed", "Variable", "None":
		return true, true
	}
	return true, false
}

// meteredFromNmcli reads `nmcli -t -f GENERAL.STATE,GENERAL.METERED device
// show`: metered if any connected device is metered or unknown, or if none is connected.
func meteredFromNmcli(out string) bool {
	connected, metered := false, false
	state := ""
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "GENERAL.STATE":
			state = v
		case "GENERAL.METERED":
			if strings.Contains(state, "connected") && !strings.Contains(state, "disconnected") && !strings.Contains(state, "unmanaged") {
				if strings.Contains(state, "(externally)") {
					continue // loopback and the like
				}
				connected = true
				if !strings.HasPrefix(v, "no") {
					metered = true
				}
			}
		}
	}
	return metered || !connected
}
