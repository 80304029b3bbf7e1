package gateway

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/sellergate/sellergate/internal/testutil"
)

// dnsServer is a real DNS server on loopback (UDP) with fixed answers.
type dnsServer struct {
	addr string
	mx   map[string][]*net.MX  // domain -> MX records
	a    map[string]netip.Addr // host -> address
}

func startDNS(t *testing.T, mx map[string][]*net.MX, a map[string]netip.Addr) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	d := &dnsServer{addr: pc.LocalAddr().String(), mx: mx, a: a}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out, err := d.answer(buf[:n]); err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return d
}

func (d *dnsServer) answer(query []byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")
	hdr := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RCode: dnsmessage.RCodeSuccess}
	_, knownMX := d.mx[name]
	_, knownA := d.a[name]
	if !knownMX && !knownA {
		hdr.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, hdr)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
	switch q.Type {
	case dnsmessage.TypeMX:
		for _, mx := range d.mx[name] {
			if err := b.MXResource(rh, dnsmessage.MXResource{Pref: mx.Pref, MX: dnsmessage.MustNewName(mx.Host)}); err != nil {
				return nil, err
			}
		}
	case dnsmessage.TypeA:
		if ip, ok := d.a[name]; ok {
			if err := b.AResource(rh, dnsmessage.AResource{A: ip.As4()}); err != nil {
				return nil, err
			}
		}
	}
	return b.Finish()
}

// resolver asks only this server.
func (d *dnsServer) resolver() net.Resolver {
	return net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var nd net.Dialer
		return nd.DialContext(ctx, "udp", d.addr)
	}}
}

// Direct delivery: the MX hosts come from DNS, in preference order; a host
// that does not answer is skipped; a refusal comes back as it was given; a
// domain without MX is a temporary failure. Everything on loopback: a DNS
// server, and next hops on two loopback addresses (127.0.0.2 has none).
func TestMXDelivery(t *testing.T) {
	// The reachable MX offers STARTTLS with a certificate for another name
	// (localhost): opportunistic TLS goes ahead, as MX delivery does.
	pki := testutil.NewPKI(t)
	// The port both MX hosts would listen on: the good one takes it first.
	good := testutil.StartNextHopAt(t, pki, "127.0.0.3:0")
	_, port, _ := net.SplitHostPort(good.Addr)
	refusing := testutil.StartNextHopAt(t, nil, "127.0.0.4:"+port)
	refusing.Set(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such buyer"}, 0)
	dns := startDNS(t, map[string][]*net.MX{
		// Out of order on purpose: preference decides, not the answer's order.
		"marketplace.amazon.de": {{Host: "mx2.test.", Pref: 20}, {Host: "mx1.test.", Pref: 10}},
		"marketplace.amazon.fr": {{Host: "mx4.test.", Pref: 10}, {Host: "mx3.test.", Pref: 20}},
	}, map[string]netip.Addr{
		"mx1.test": netip.MustParseAddr("127.0.0.2"), // nobody listens there
		"mx2.test": netip.MustParseAddr("127.0.0.3"),
		"mx3.test": netip.MustParseAddr("127.0.0.3"),
		"mx4.test": netip.MustParseAddr("127.0.0.4"),
	})
	p, _ := strconv.Atoi(port)
	m := &mxRelay{hostname: "gw.test", timeout: 5 * time.Second, resolver: dns.resolver(), port: p}
	deliver := func(to string) (string, error) {
		body := "From: <support@seller.test>\r\nTo: <" + to + ">\r\nSubject: Re: parcel\r\n\r\nIt left today.\r\n"
		return m.Deliver(context.Background(), &Delivery{QueueID: "Q1", From: "support@seller.test", To: []string{to},
			Body: strings.NewReader(body), Size: int64(len(body))})
	}

	reply, err := deliver("a1b2c3@marketplace.amazon.de")
	if err != nil {
		t.Fatalf("delivery through the second MX failed: %v", err)
	}
	got := good.Received()
	if len(got) != 1 || got[0].To[0] != "a1b2c3@marketplace.amazon.de" || !strings.Contains(string(got[0].Data), "It left today.") {
		t.Fatalf("the reachable MX received %+v (reply %q)", got, reply)
	}

	// The preferred MX refuses for good: that is the answer, the next MX is
	// not asked.
	_, err = deliver("nobody@marketplace.amazon.fr")
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Permanent || de.Code != 550 || !strings.Contains(de.Error(), "no such buyer") {
		t.Fatalf("refusal by the preferred MX: %v, want the permanent 550 passed back", err)
	}
	if n := len(good.Received()); n != 1 {
		t.Errorf("after a permanent refusal the next MX got the message too (%d messages)", n)
	}

	// No MX for the domain: a temporary failure, retried later.
	_, err = deliver("x@marketplace.amazon.it")
	if !errors.As(err, &de) || de.Permanent {
		t.Fatalf("domain without MX: %v, want a temporary failure", err)
	}
}
