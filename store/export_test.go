package store

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// thread20 records a 20-message conversation about one order: buyer
// messages, replies with their delivery records, one refused draft.
func thread20(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	buyer := "x9y8z7@marketplace.amazon.de"
	base := time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 20; i++ {
		tm := base.Add(time.Duration(i) * 37 * time.Minute)
		var r *Record
		switch {
		case i%2 == 0:
			r = &Record{Time: tm, Kind: KindMessage, Direction: Inbound, Buyer: buyer, OrderID: "302-1234567-7654321",
				Subject: "Frage zur Bestellung 302-1234567-7654321", Verdict: "buyer", Status: StatusRecorded,
				Raw: strings.NewReader(fmt.Sprintf("From: <%s>\r\nSubject: Frage\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNachricht %d des Käufers: Wo ist mein Paket?\r\n", buyer, i))}
		case i == 7:
			r = &Record{Time: tm, Kind: KindMessage, Direction: Outbound, Agent: "anna", Buyer: buyer, QueueID: "Q7",
				Subject: "Re: Frage", Verdict: "reject", Status: StatusRefused,
				Violations: []Violation{{Rule: "link.external", Category: "link", Excerpt: "www.meinshop.de", Where: "text line 2", Action: "reject"}},
				Raw:        strings.NewReader("From: <support@shop.test>\r\nSubject: Re: Frage\r\n\r\nBesuchen Sie www.meinshop.de\r\n")}
		default:
			q := fmt.Sprintf("Q%d", i)
			r = &Record{Time: tm, Kind: KindMessage, Direction: Outbound, Agent: "anna", Buyer: buyer, QueueID: q,
				Subject: "Re: Frage", Verdict: "pass", Status: StatusAccepted,
				Raw: strings.NewReader(fmt.Sprintf("From: <support@shop.test>\r\nSubject: Re: Frage\r\nContent-Type: text/html\r\n\r\n<p>Antwort %d: Ihr Paket kommt morgen.</p>\r\n", i))}
			if err := s.Append(ctx, r); err != nil {
				t.Fatal(err)
			}
			r = &Record{Time: tm.Add(time.Second), Kind: KindDelivery, Direction: Outbound, QueueID: q, Buyer: buyer, Status: StatusRelayed, Reply: "250 2.0.0 Ok"}
		}
		if err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExportAndVerifyBundle(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			thread20(t, s)
			a := s
			var buf bytes.Buffer
			man, err := Export(context.Background(), a, Query{Order: "302-1234567-7654321"}, &buf)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			emls := 0
			var timeline string
			for _, f := range zr.File {
				if strings.HasSuffix(f.Name, ".eml") {
					emls++
				}
				if f.Modified.Year() < 2000 {
					t.Errorf("%s is dated %s, not when the bundle was made", f.Name, f.Modified)
				}
				if f.Name == "manifest.json" {
					rc, _ := f.Open()
					var mb bytes.Buffer
					mb.ReadFrom(rc)
					for _, bad := range []string{"0001-01-01", `"Order"`, `"From"`} {
						if strings.Contains(mb.String(), bad) {
							t.Errorf("manifest.json has %s:\n%s", bad, mb.String())
						}
					}
				}
				if f.Name == "timeline.html" {
					rc, _ := f.Open()
					var tb bytes.Buffer
					tb.ReadFrom(rc)
					timeline = tb.String()
				}
			}
			// Replies without the order id join the buyer's thread, so the
			// order's export holds the whole conversation.
			if emls != 20 {
				t.Errorf("bundle has %d .eml files, want 20", emls)
			}
			for _, want := range []string{"REFUSED — NEVER SENT", "www.meinshop.de", "Wo ist mein Paket?", "Antwort 1: Ihr Paket kommt morgen.", "RELAYED", "FROM BUYER"} {
				if !strings.Contains(timeline, want) {
					t.Errorf("timeline.html lacks %q", want)
				}
			}
			if len(man.Records) < 29 {
				t.Errorf("manifest has %d records", len(man.Records))
			}
			problems, err := VerifyBundle(context.Background(), a, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil || len(problems) != 0 {
				t.Fatalf("fresh bundle: %v %v", problems, err)
			}
			// A changed .eml in the bundle is found.
			var tampered bytes.Buffer
			zw := zip.NewWriter(&tampered)
			for _, f := range zr.File {
				w, _ := zw.Create(f.Name)
				rc, _ := f.Open()
				var data bytes.Buffer
				data.ReadFrom(rc)
				d := data.Bytes()
				if strings.HasSuffix(f.Name, "-out.eml") && bytes.Contains(d, []byte("Antwort 1:")) {
					d = bytes.Replace(d, []byte("morgen"), []byte("gestern"), 1)
				}
				w.Write(d)
			}
			zw.Close()
			problems, _ = VerifyBundle(context.Background(), a, bytes.NewReader(tampered.Bytes()), int64(tampered.Len()))
			if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "changed since export") {
				t.Errorf("tampered bundle: %v", problems)
			}
		})
	}
}

// TestTimelineRendersInChromium opens the timeline of a 20-message export
// in headless Chromium and keeps the screenshot (SELLERGATE_SCREENSHOT_DIR)
// for a person to look at. Skipped where Chromium is not installed.
func TestTimelineRendersInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	s := mustOpen(t, Options{Path: filepath.Join(t.TempDir(), "audit.db")})
	thread20(t, s)
	var buf bytes.Buffer
	if _, err := Export(context.Background(), s, Query{Order: "302-1234567-7654321"}, &buf); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	dir := t.TempDir()
	for _, f := range zr.File {
		if f.Name == "timeline.html" {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			os.WriteFile(filepath.Join(dir, "timeline.html"), data, 0o600)
		}
	}
	shotDir := os.Getenv("SELLERGATE_SCREENSHOT_DIR")
	if shotDir == "" {
		shotDir = dir
	}
	shot := filepath.Join(shotDir, "timeline.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--user-data-dir="+t.TempDir(), "--window-size=1000,2400",
		"--screenshot="+shot, "file://"+filepath.Join(dir, "timeline.html"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	fi, err := os.Stat(shot)
	if err != nil || fi.Size() < 20000 {
		t.Fatalf("screenshot %s: %v (%d bytes)", shot, err, fi.Size())
	}
}
