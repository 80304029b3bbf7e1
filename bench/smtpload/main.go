// Command smtpload measures an SMTP server's per-message latency: it sends
// messages over parallel sessions (one connection per message, as
// smtp-source does by default) and prints throughput and latency
// percentiles as one JSON line. With -idle it instead holds N idle
// sessions open (after EHLO) for a while, to measure a server's memory;
// with -flood it opens N connections at once from many loopback addresses
// (127.0.x.y, -per of them each) and counts the greetings (220 or 421).
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
	flood := flag.Int("flood", 0, "open this many connections at once and count the greetings")
	per := flag.Int("per", 20, "connections per loopback source address (with -flood)")
	flag.Parse()
	if *idle > 0 {
		os.Exit(holdIdle(*addr, *idle, *hold))
	}
	if *flood > 0 {
		os.Exit(floodConns(*addr, *flood, *per, *hold))
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

// floodConns opens n connections, per of them from each source address
// 127.0.x.y (so that per-address limits do not decide), reads each
// greeting, holds them, and prints the counts as JSON.
func floodConns(addr string, n, per int, hold time.Duration) int {
	var mu sync.Mutex
	counts := map[string]int{}
	var conns []net.Conn
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		src := &net.TCPAddr{IP: net.IPv4(127, 0, byte(2+i/per/250), byte(1+i/per%250))}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := net.Dialer{LocalAddr: src, Timeout: 10 * time.Second}
			conn, err := d.Dial("tcp", addr)
			if err != nil {
				mu.Lock()
				counts["dial error"]++
				mu.Unlock()
				return
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 512)
			k, _ := conn.Read(buf)
			code := "no greeting"
			if k >= 3 {
				code = string(buf[:3])
			}
			mu.Lock()
			counts[code]++
			conns = append(conns, conn)
			mu.Unlock()
		}()
	}
	wg.Wait()
	out, _ := json.Marshal(map[string]any{"connections": n, "greetings": counts})
	fmt.Println(string(out))
	time.Sleep(hold)
	for _, c := range conns {
		c.Close()
	}
	return 0
}
