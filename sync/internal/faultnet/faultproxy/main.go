// Command faultproxy puts a bad link between the app and a server, for
// looking at sync by hand (docs/SYNC.md):
//
//	go run ./sync/internal/faultnet/faultproxy --target 127.0.0.1:8080 --rate 16384 --latency 300ms --cut-every 102400
//
// It prints the address to point the app at.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/fielddesk/fielddesk/sync/internal/faultnet"
)

func main() {
	target := flag.String("target", "127.0.0.1:8080", "the server's host:port")
	rate := flag.Int("rate", 16<<10, "bytes per second each way (0: unlimited)")
	latency := flag.Duration("latency", 0, "delay each way")
	cut := flag.Int64("cut-every", 0, "cut the connection after this many bytes (0: never)")
	flag.Parse()
	p, err := faultnet.Start(*target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faultproxy:", err)
		os.Exit(1)
	}
	p.SetRate(*rate)
	p.SetLatency(*latency)
	p.SetCutEvery(*cut)
	fmt.Printf("http://%s\n", p.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	p.Close()
}
