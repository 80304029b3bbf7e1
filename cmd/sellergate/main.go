// Command sellergate is an SMTP gateway between Amazon sellers' agents and
// Amazon's buyer-seller messaging: it refuses messages that break the
// messaging policy, relays the rest DKIM-signed, and keeps an audit trail.
//
// Usage:
//
//	sellergate serve [--config FILE]     run the gateway (embedded example config without --config)
//	sellergate config check FILE         validate a configuration without starting
//	sellergate config example            print the example configuration
//	sellergate passwd                    read a password on stdin, print its bcrypt hash
//	sellergate dkim keygen --domain D --selector S [--algo rsa|ed25519] [--out FILE]
//	sellergate check [--policy FILE] [--json] FILE.eml...
//	sellergate audit verify|export|search|purge ...
//	sellergate buyers opt-out|opt-in ADDRESS, sellergate buyers list
//	sellergate health [--url URL]
//	sellergate version
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: sellergate <command> [arguments]

commands:
  serve [--config FILE]        run the gateway (embedded example config without --config)
  config check FILE            validate a configuration file without starting
  config example               print the example configuration
  passwd                       read a password on standard input, print its bcrypt hash
  dkim keygen --domain D --selector S [--algo rsa|ed25519] [--out FILE]
  check [--policy FILE] [--json] FILE.eml...   check messages against the policy
  audit verify|export|search|purge ...         the audit trail
  buyers opt-out|opt-in ADDRESS | buyers list  buyers who opted out of messages you start
  health [--url URL]           exit 0 when the gateway's /readyz answers 200
  version                      print the version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(rest, stderr)
	case "config":
		return runConfig(rest, stdout, stderr)
	case "passwd":
		return runPasswd(rest, stdin, stdout, stderr)
	case "dkim":
		return runDKIM(rest, stdout, stderr)
	case "health":
		return runHealth(rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "sellergate", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	if c, ok := extraCommands[cmd]; ok {
		return c(rest, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "sellergate: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// extraCommands are commands implemented in their own files.
var extraCommands = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{}
