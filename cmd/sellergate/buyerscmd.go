package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sellergate/sellergate/marketplace"
)

// runBuyers implements `sellergate buyers opt-out|opt-in ADDRESS` and
// `sellergate buyers list`: the buyers who opted out of messages the
// seller starts (recorded from Amazon's notices, or by hand here).
func runBuyers(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cmd, code, ok := verbOf("buyers", args, stdout, stderr)
	if !ok {
		return code
	}
	fs := verbFlags("buyers", cmd, stderr)
	cfgPath := fs.String("config", "", "gateway configuration (default: the embedded example)")
	by := new(string)
	if cmd != "list" {
		fs.StringVar(by, "by", "admin", "who records it")
	}
	rest := args[1:]
	addr := ""
	if cmd != "list" && len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		addr, rest = rest[0], rest[1:]
	}
	if code, ok := parseFlags(fs, rest, stdout); !ok {
		return code
	}
	if cmd != "list" && !marketplace.IsRelayAddress(addr) {
		fmt.Fprintf(stderr, "%q is not an Amazon buyer address (…@marketplace.amazon.*)\n", addr)
		fs.Usage()
		return 2
	}
	_, st, code := openForCommand(*cfgPath, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	ctx := context.Background()
	switch cmd {
	case "list":
		list, err := st.OptOuts(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "no buyer has opted out")
		}
		for _, o := range list {
			fmt.Fprintf(stdout, "%s\topted out %s\t(%s)\n", o.Buyer, o.Since.Format(time.RFC3339), o.Source)
		}
		return 0
	default:
		if err := st.SetOptOut(ctx, addr, cmd == "opt-out", *by, time.Now()); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s\n", addr, cmd)
		return 0
	}
}
