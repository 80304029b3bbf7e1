// Command smtpload measures an SMTP server's per-message latency: it sends
// messages over parallel sessions (one connection per message, as
// smtp-source does by default) and prints throughput and latency
// percentiles as one JSON line. With -idle it instead holds N idle
// sessions open (after EHLO) for a while, to measure a server's memory.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:25", "server host:port")
	n := flag.Int("n", 1000, "messages to send")
	c := flag.Int("c", 10, "parallel sessions")
	file := flag.String("file", "", "message file (CRLF or LF)")
	from := flag.String("from", "", "envelope sender")
	to := flag.String("to", "", "recipient")
	idle := flag.Int("idle", 0, "hold this many idle sessions instead of sending")
	hold := flag.Duration("hold", 5*time.Second, "how long to hold idle sessions")
	flag.Parse()
	if *idle > 0 {
		os.Exit(holdIdle(*addr, *idle, *hold))
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	msg := strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n", "\r\n")
	lat := make([]time.Duration, *n)
	var next, failed int
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < *c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= *n {
					return
				}
				t0 := time.Now()
				err := sendOne(*addr, *from, *to, msg)
				lat[k] = time.Since(t0)
				if err != nil {
					mu.Lock()
					failed++
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	out := map[string]any{
		"messages": *n, "failed": failed, "seconds": elapsed.Seconds(),
		"per_second": float64(*n) / elapsed.Seconds(), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
	}
	if firstErr != nil {
		out["first_error"] = firstErr.Error()
	}
	json.NewEncoder(os.Stdout).Encode(out)
	if failed > 0 {
		os.Exit(1)
	}
}

func sendOne(addr, from, to, msg string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("smtpload.localhost"); err != nil {
		return err
	}
	if err := c.SendMail(from, []string{to}, strings.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

func holdIdle(addr string, n int, hold time.Duration) int {
	conns := make([]*smtp.Client, 0, n)
	for i := 0; i < n; i++ {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "session %d: %v\n", i, err)
			return 1
		}
		c := smtp.NewClient(conn)
		if err := c.Hello("idle.localhost"); err != nil {
			fmt.Fprintf(os.Stderr, "session %d: %v\n", i, err)
			return 1
		}
		conns = append(conns, c)
	}
	fmt.Printf("{\"idle_sessions\": %d}\n", len(conns))
	time.Sleep(hold)
	for _, c := range conns {
		c.Close()
	}
	return 0
}
