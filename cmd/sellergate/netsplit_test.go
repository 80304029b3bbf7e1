package main

import (
	"io"
	"net"
	"sync"
	"testing"
)

// netsplit stands on the network between the gateways and their database
// and can split it: while split, nothing crosses in either direction and
// new connections get no answer, as when a switch or a firewall drops
// every packet; the bytes in flight wait, as TCP retransmits them, and
// cross once it heals. The kernel closes nothing, so the gateways see a
// database that does not answer, not one that went away.
type netsplit struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	split  bool
	healed chan struct{} // closed when a split heals
}

// startNetsplit listens on a loopback port and carries every connection
// to target until the test ends.
func startNetsplit(t *testing.T, target string) *netsplit {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &netsplit{ln: ln, target: target, healed: make(chan struct{})}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go n.carry(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		n.heal()
	})
	return n
}

// Addr is where the gateways connect instead of the database.
func (n *netsplit) Addr() string { return n.ln.Addr().String() }

// cut splits the network.
func (n *netsplit) cut() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.split {
		n.split = true
		n.healed = make(chan struct{})
	}
}

// heal joins it again.
func (n *netsplit) heal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.split {
		n.split = false
		close(n.healed)
	}
}

// wait blocks while the network is split.
func (n *netsplit) wait() {
	n.mu.Lock()
	split, healed := n.split, n.healed
	n.mu.Unlock()
	if split {
		<-healed
	}
}

// carry connects c to the target once the network lets it and copies
// both ways.
func (n *netsplit) carry(c net.Conn) {
	defer c.Close()
	n.wait()
	d, err := net.Dial("tcp", n.target)
	if err != nil {
		return
	}
	defer d.Close()
	done := make(chan struct{}, 2)
	go func() { n.copy(d, c); done <- struct{}{} }()
	go func() { n.copy(c, d); done <- struct{}{} }()
	<-done
}

// copy moves bytes from src to dst, holding each read while the network
// is split.
func (n *netsplit) copy(dst io.WriteCloser, src io.Reader) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			n.wait()
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
