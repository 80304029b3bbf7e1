// Command sellergate is an SMTP gateway between Amazon sellers' agents and
// Amazon's buyer-seller messaging: it refuses messages that break the
// messaging policy, relays the rest DKIM-signed, and keeps an audit trail.
//
// Usage:
//
//	sellergate help                      every command and verb
//	sellergate help COMMAND              a command's verbs and arguments
//	sellergate COMMAND [VERB] -h         its flags
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	if isHelp(name) {
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		c, ok := findCommand(rest[0])
		if !ok {
			fmt.Fprintf(stderr, "sellergate: unknown command %q\n\n", rest[0])
			usage(stderr)
			return 2
		}
		commandUsage(stdout, c)
		return 0
	}
	c, ok := findCommand(name)
	if !ok || c.run == nil {
		fmt.Fprintf(stderr, "sellergate: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	return c.run(rest, stdin, stdout, stderr)
}
