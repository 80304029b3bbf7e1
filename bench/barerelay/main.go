// Command barerelay is the floor for bench/relay.sh: a go-smtp server that
// relays each message to a next hop with the go-smtp client before it
// answers, the way sellergate does, but with nothing else — no policy, no
// record, no DKIM. What it costs per message is what any before-queue
// gateway built on go-smtp pays on this machine before doing its work.
package main

import (
	"bytes"
	"flag"
	"io"
	"log"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// pool keeps next-hop sessions for reuse, as sellergate's relay does.
type pool struct {
	addr string
	mu   sync.Mutex
	idle []*smtp.Client
}

// get returns an idle next-hop session or a new one.
func (p *pool) get() (*smtp.Client, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	c, err := smtp.Dial(p.addr)
	if err != nil {
		return nil, err
	}
	if err := c.Hello("barerelay.localhost"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// put keeps a session for the next message.
func (p *pool) put(c *smtp.Client) {
	p.mu.Lock()
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

// session is one client connection's transaction.
type session struct {
	p    *pool
	from string
	to   []string
}

// Mail implements smtp.Session.
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt implements smtp.Session.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

// Reset implements smtp.Session.
func (s *session) Reset() { s.from, s.to = "", nil }

// Logout implements smtp.Session.
func (s *session) Logout() error { return nil }

// Data implements smtp.Session: the message goes to the next hop before
// the reply, in one pooled session.
func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	c, err := s.p.get()
	if err != nil {
		return err
	}
	if err := c.Mail(s.from, nil); err != nil {
		c.Close()
		return err
	}
	for _, to := range s.to {
		if err := c.Rcpt(to, nil); err != nil {
			c.Close()
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		c.Close()
		return err
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		c.Close()
		return err
	}
	if err := w.Close(); err != nil {
		c.Close()
		return err
	}
	s.p.put(c)
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:20028", "address to listen on")
	next := flag.String("next", "127.0.0.1:20026", "next hop host:port")
	flag.Parse()
	p := &pool{addr: *next}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{p: p}, nil
	}))
	srv.Addr = *listen
	srv.Domain = "barerelay.localhost"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 30 << 20
	srv.AllowInsecureAuth = true
	log.Fatal(srv.ListenAndServe())
}
