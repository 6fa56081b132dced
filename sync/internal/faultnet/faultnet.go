// Package faultnet is a TCP proxy on loopback that behaves like a bad link:
// a bandwidth limit, latency, a cut every N bytes, resets and stalls. The
// sync tests and benchmarks put it between a real client and a real server.
package faultnet

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy forwards connections from its address to a target.
type Proxy struct {
	lnMu   sync.Mutex
	ln     net.Listener
	addr   string
	target string

	mu       sync.Mutex
	rate     int // bytes per second each way; 0: unlimited
	latency  time.Duration
	cutEvery int64 // close a connection after this many bytes moved; 0: never
	sinceCut int64
	stalled  bool
	refuse   bool
	conns    map[*link]bool
	wake     chan struct{} // closed when stall ends

	// Cuts counts connections the proxy cut; Forwarded counts bytes moved
	// each way (client to server, server to client).
	Cuts     atomic.Int64
	Up, Down atomic.Int64
	wg       sync.WaitGroup
	chunk    int
	// free is, per direction, when the link can carry the next byte: one
	// limit shared by all connections, as on a real link.
	free map[*atomic.Int64]time.Time
}

// Start listens on a loopback port and forwards to target (host:port).
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, addr: ln.Addr().String(), target: target, conns: map[*link]bool{}, wake: make(chan struct{}), chunk: 1024, free: map[*atomic.Int64]time.Time{}}
	p.wg.Add(1)
	go p.accept(ln)
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// SetDown takes the link away as having no network does: the proxy stops
// listening, so connecting fails at once and nothing is sent, and its
// connections are reset; or it listens again on the same address.
func (p *Proxy) SetDown(down bool) error {
	p.lnMu.Lock()
	defer p.lnMu.Unlock()
	if down {
		if p.ln == nil {
			return nil
		}
		err := p.ln.Close()
		p.ln = nil
		p.CutAll()
		return err
	}
	if p.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept(ln)
	return nil
}

// SetTarget sends new connections to another address (a restarted server).
func (p *Proxy) SetTarget(target string) { p.mu.Lock(); p.target = target; p.mu.Unlock() }

// SetRate limits each direction to bytes per second (0: unlimited).
func (p *Proxy) SetRate(bytesPerSecond int) { p.mu.Lock(); p.rate = bytesPerSecond; p.mu.Unlock() }

// SetLatency delays every byte by d each way.
func (p *Proxy) SetLatency(d time.Duration) { p.mu.Lock(); p.latency = d; p.mu.Unlock() }

// SetCutEvery cuts the connection carrying the byte that makes n bytes
// since the last cut (both directions counted); 0 turns cuts off.
func (p *Proxy) SetCutEvery(n int64) { p.mu.Lock(); p.cutEvery, p.sinceCut = n, 0; p.mu.Unlock() }

// SetRefuse drops every connection and makes new ones fail at once (no
// link at all), or ends that.
func (p *Proxy) SetRefuse(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
	if on {
		p.CutAll()
	}
}

// Stall stops every byte (connections stay open) until Resume.
func (p *Proxy) Stall() { p.mu.Lock(); p.stalled = true; p.mu.Unlock() }

// Resume ends a stall.
func (p *Proxy) Resume() {
	p.mu.Lock()
	if p.stalled {
		p.stalled = false
		close(p.wake)
		p.wake = make(chan struct{})
	}
	p.mu.Unlock()
}

// CutAll resets every open connection now.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	links := make([]*link, 0, len(p.conns))
	for l := range p.conns {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		l.reset()
		p.Cuts.Add(1)
	}
}

// Close stops the proxy and resets its connections.
func (p *Proxy) Close() error {
	p.lnMu.Lock()
	var err error
	if p.ln != nil {
		err = p.ln.Close()
		p.ln = nil
	}
	p.lnMu.Unlock()
	p.CutAll()
	p.wg.Wait()
	return err
}

type link struct {
	client, server net.Conn
	once           sync.Once
}

// reset cuts the link as a dying radio link does: the client's side gets a
// reset at once (its interface saw the link go); the server's side is
// closed after the bytes that crossed the link, which its host received and
// will read, as a real server would before its read times out.
func (l *link) reset() {
	l.once.Do(func() {
		if tc, ok := l.client.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		l.client.Close()
		// FIN now; close (which would reset the server if any of its
		// answer were still unread) once it had time to read what arrived.
		if tc, ok := l.server.(*net.TCPConn); ok {
			tc.CloseWrite()
			time.AfterFunc(2*time.Second, func() { l.server.Close() })
			return
		}
		l.server.Close()
	})
}

func (p *Proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse, target := p.refuse, p.target
		p.mu.Unlock()
		if refuse {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			continue
		}
		// The link holds little in flight, as a radio link does: the
		// sender's writes wait for it.
		c.(*net.TCPConn).SetReadBuffer(32 << 10)
		s.(*net.TCPConn).SetReadBuffer(32 << 10)
		l := &link{client: c, server: s}
		p.mu.Lock()
		p.conns[l] = true
		p.mu.Unlock()
		p.wg.Add(2)
		var done sync.WaitGroup
		done.Add(2)
		go func() { defer p.wg.Done(); defer done.Done(); p.pipe(l, c, s, &p.Up) }()
		go func() { defer p.wg.Done(); defer done.Done(); p.pipe(l, s, c, &p.Down) }()
		go func() {
			done.Wait()
			l.reset()
			p.mu.Lock()
			delete(p.conns, l)
			p.mu.Unlock()
		}()
	}
}

type packet struct {
	data []byte
	due  time.Time
}

// pipe moves bytes from src to dst through the link's faults.
func (p *Proxy) pipe(l *link, src, dst net.Conn, counter *atomic.Int64) {
	queue := make(chan packet, 32)
	go func() {
		defer close(queue)
		for {
			buf := make([]byte, p.chunk)
			n, err := src.Read(buf)
			if n > 0 {
				p.mu.Lock()
				lat := p.latency
				p.mu.Unlock()
				queue <- packet{buf[:n], time.Now().Add(lat)}
			}
			if err != nil {
				return
			}
		}
	}()
	for pk := range queue {
		if d := time.Until(pk.due); d > 0 {
			time.Sleep(d)
		}
		for {
			p.mu.Lock()
			stalled, wake := p.stalled, p.wake
			p.mu.Unlock()
			if !stalled {
				break
			}
			<-wake
		}
		data := pk.data
		p.mu.Lock()
		rate := p.rate
		cut := false
		if p.cutEvery > 0 {
			room := p.cutEvery - p.sinceCut
			if int64(len(data)) >= room {
				data = data[:room]
				cut = true
				p.sinceCut = 0
			} else {
				p.sinceCut += int64(len(data))
			}
		}
		var due time.Time
		if rate > 0 {
			// The link carries rate bytes a second this way, whoever sends.
			due = time.Now()
			if free := p.free[counter]; free.After(due) {
				due = free
			}
			due = due.Add(time.Duration(float64(len(data)) / float64(rate) * float64(time.Second)))
			p.free[counter] = due
		}
		p.mu.Unlock()
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if len(data) > 0 {
			if _, err := dst.Write(data); err != nil {
				l.reset()
				drain(queue)
				return
			}
			counter.Add(int64(len(data)))
		}
		if cut {
			p.Cuts.Add(1)
			l.reset()
			drain(queue)
			return
		}
	}
	// src ended: pass the half-close on.
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

func drain(q chan packet) {
	for range q {
	}
}
