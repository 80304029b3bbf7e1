package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sellergate/sellergate/marketplace"
)

func init() { extraCommands["buyers"] = runBuyers }

// runBuyers implements `sellergate buyers opt-out|opt-in ADDRESS` and
// `sellergate buyers list`: the buyers who opted out of messages the
// seller starts (recorded from Amazon's notices, or by hand here).
func runBuyers(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	usage := "usage: sellergate buyers opt-out|opt-in ADDRESS [--by WHO] [--config FILE]\n       sellergate buyers list [--config FILE]"
	if len(args) == 0 || args[0] != "opt-out" && args[0] != "opt-in" && args[0] != "list" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("buyers "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	by := fs.String("by", "admin", "who records it")
	rest := args[1:]
	addr := ""
	if args[0] != "list" && len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		addr, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if args[0] != "list" && !marketplace.IsRelayAddress(addr) {
		fmt.Fprintf(stderr, "%q is not an Amazon buyer address (…@marketplace.amazon.*)\n%s\n", addr, usage)
		return 2
	}
	_, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	switch args[0] {
	case "list":
		list, err := st.OptOuts(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		for _, o := range list {
			fmt.Fprintf(stdout, "%s\topted out %s\t(%s)\n", o.Buyer, o.Since.Format(time.RFC3339), o.Source)
		}
		return 0
	default:
		if err := st.SetOptOut(ctx, addr, args[0] == "opt-out", *by, time.Now()); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s\n", addr, args[0])
		return 0
	}
}
