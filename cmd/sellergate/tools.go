package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sellergate/sellergate/config"
	"github.com/sellergate/sellergate/gateway"
)

// runConfig implements `sellergate config check FILE` and `config example`.
func runConfig(args []string, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("config", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("config", cmd, stderr)
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	if cmd == "example" {
		stdout.Write(config.Example)
		return 0
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)
	cfg, err := config.Load(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if _, err := preflight(cfg); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return 1
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: ok\n", file)
	return 0
}

// runPasswd reads one password line and prints its bcrypt hash.
func runPasswd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := verbFlags("passwd", "", stderr)
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(stderr, "Password (input is shown): ")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(stderr, "sellergate passwd: no password on standard input")
		return 2
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < 8 {
		fmt.Fprintln(stderr, "sellergate passwd: use at least 8 characters")
		return 1
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate passwd:", err)
		return 1
	}
	fmt.Fprintln(stdout, string(hash))
	return 0
}

// runDKIM implements `sellergate dkim keygen`.
func runDKIM(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("dkim", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("dkim", cmd, stderr)
	domain := fs.String("domain", "", "the domain to sign for (d=)")
	selector := fs.String("selector", "", "the DKIM selector (s=)")
	algo, out, keyFile := new(string), new(string), new(string)
	if cmd == "keygen" {
		fs.StringVar(algo, "algo", "rsa", "rsa (2048 bits) or ed25519")
		fs.StringVar(out, "out", "", "key file to write (default DOMAIN.SELECTOR.key)")
	} else {
		fs.StringVar(keyFile, "key", "", "the private key file (as dkim keygen writes it)")
	}
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	if cmd == "sign" {
		return dkimSign(*keyFile, *domain, *selector, fs.Args(), stdin, stdout, stderr)
	}
	if *domain == "" || *selector == "" {
		fmt.Fprintln(stderr, "sellergate dkim keygen: --domain and --selector are required")
		return 2
	}
	if *out == "" {
		*out = *domain + "." + *selector + ".key"
	}
	key, txt, err := gateway.GenerateDKIMKey(*algo)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate dkim keygen:", err)
		return 2
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate dkim keygen:", err)
		return 1
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		fmt.Fprintln(stderr, "sellergate dkim keygen:", err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(stderr, "sellergate dkim keygen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Wrote %s. Publish this DNS TXT record:\n\n%s._domainkey.%s. IN TXT \"%s\"\n\nand add to the config:\n\ndkim:\n  - domain: %s\n    selector: %s\n    key: %s\n",
		*out, *selector, *domain, splitTXT(txt), *domain, *selector, *out)
	return 0
}

// splitTXT splits a long TXT value into 255-byte strings as DNS requires.
func splitTXT(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, s[:255])
		s = s[255:]
	}
	parts = append(parts, s)
	return strings.Join(parts, "\" \"")
}

// runHealth implements `sellergate health [--url URL]`: exit 0 when the
// gateway's /readyz answers 200. The container image's HEALTHCHECK uses it,
// so the image needs no curl.
func runHealth(args []string, stdout, stderr io.Writer) int {
	fs := verbFlags("health", "", stderr)
	url := fs.String("url", "http://127.0.0.1:9587/readyz", "readiness URL")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Get(*url)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate health:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "sellergate health: %s: %s", resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s", body)
	return 0
}

// dkimSign writes the message (a file, or standard input) to stdout with
// a DKIM-Signature for domain: with an inbound test key, a buyer message
// to try the SLA clock with swaks.
func dkimSign(keyFile, domain, selector string, files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if keyFile == "" || domain == "" || selector == "" || len(files) > 1 {
		fmt.Fprintln(stderr, "usage: sellergate dkim sign --key FILE --domain D --selector S [FILE.eml]")
		return 2
	}
	key, err := gateway.LoadDKIMKey(keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate dkim sign:", err)
		return 2
	}
	in := stdin
	if len(files) == 1 {
		f, err := os.Open(files[0])
		if err != nil {
			fmt.Fprintln(stderr, "sellergate dkim sign:", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	msg, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate dkim sign:", err)
		return 2
	}
	// CRLF line endings, as the message travels.
	msg = []byte(strings.ReplaceAll(strings.ReplaceAll(string(msg), "\r\n", "\n"), "\n", "\r\n"))
	sig, err := gateway.SignWith(bytes.NewReader(msg), domain, selector, key)
	if err != nil {
		fmt.Fprintln(stderr, "sellergate dkim sign:", err)
		return 1
	}
	stdout.Write(sig)
	stdout.Write(msg)
	return 0
}
