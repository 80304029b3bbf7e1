package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one command of the CLI, with its verbs if it has any: the
// one table `sellergate help`, the dispatcher and every -h read.
type command struct {
	name, args, summary string
	verbs               []verb
	run                 func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// verb is one verb of a command.
type verb struct{ name, args, summary string }

// commands returns all of them, in the order help lists them (a function,
// not a variable: the commands' own code reads the table).
func commands() []command {
	return []command{
		{name: "serve", args: "[--config FILE]", summary: "run the gateway (the embedded example configuration without --config)",
			run: func(a []string, _ io.Reader, o, e io.Writer) int { return runServe(a, o, e) }},
		{name: "config", summary: "the configuration file", verbs: []verb{
			{"check", "FILE", "validate a configuration as serve would (policy, certificate, DKIM keys); exit 1 naming FILE:LINE"},
			{"example", "", "print the example configuration"},
		}, run: func(a []string, _ io.Reader, o, e io.Writer) int { return runConfig(a, o, e) }},
		{name: "check", args: "[--config FILE | --policy FILE] [--thread T] [--buyer-message FILE.eml] [--json] FILE.eml...",
			summary: "check drafts against the policy (the gateway's with --config)", run: runCheck},
		{name: "quarantine", summary: "messages held for review (appeals first)", verbs: []verb{
			{"list", "[--appeals]", "the held messages without a decision"},
			{"show", "ID", "one held message with its findings marked"},
			{"release", "ID [--by WHO]", "relay it; the agent is told once Amazon has it"},
			{"reject", "ID --reason TEXT [--by WHO]", "do not relay it; the agent is told why"},
		}, run: runQuarantine},
		{name: "audit", summary: "the audit trail", verbs: []verb{
			{"verify", "[--bundle FILE.zip]", "walk the chain, or check an exported bundle against it"},
			{"export", "--order ID | --thread T | --buyer ADDR [--from DATE] [--to DATE] [--out FILE.zip] | --appeals --out DIR", "an order's bundle, or the decided appeals as labelled data"},
			{"search", "[--order ID] [--thread T] [--buyer ADDR] [--agent LOGIN] [--verdict V] [--category C] [--from DATE] [--to DATE] [--json]", "find records"},
			{"purge", "--before DATE", "remove message bodies older than DATE (records and hashes stay)"},
		}, run: runAudit},
		{name: "sla", summary: "the 24-hour reply clock", verbs: []verb{
			{"status", "[--json]", "the open threads, least time left first"},
			{"dismiss", "--thread T --reason TEXT [--by WHO]", "no reply needed: stop the thread's clock"},
			{"alert-test", "", "send a test alert to every configured channel"},
		}, run: runSLA},
		{name: "exception", summary: "the off-Amazon exception protocol", verbs: []verb{
			{"open", "--thread T --kind technical-support-media|product-safety --note WHY [--by WHO]", "open it for a thread"},
			{"close", "--thread T --note SUMMARY [--by WHO]", "close it; the summary must go to the Amazon thread"},
		}, run: runException},
		{name: "buyers", summary: "buyers who opted out of messages you start", verbs: []verb{
			{"opt-out", "ADDRESS [--by WHO]", "record an opt-out"},
			{"opt-in", "ADDRESS [--by WHO]", "remove it"},
			{"list", "", "the buyers who opted out"},
		}, run: runBuyers},
		{name: "passwd", args: "< PASSWORD", summary: "read a password on standard input, print its bcrypt hash", run: runPasswd},
		{name: "dkim", summary: "DKIM keys", verbs: []verb{
			{"keygen", "--domain D --selector S [--algo rsa|ed25519] [--out FILE]", "make a key and print its DNS record"},
			{"sign", "--key FILE --domain D --selector S [FILE.eml]", "print a message DKIM-signed (with an inbound test key: a buyer message for trying the SLA clock)"},
		}, run: runDKIM},
		{name: "health", args: "[--url URL] [--timeout D]", summary: "exit 0 when the gateway's /readyz answers 200",
			run: func(a []string, _ io.Reader, o, e io.Writer) int { return runHealth(a, o, e) }},
		{name: "version", summary: "print the version", run: func(_ []string, _ io.Reader, o, _ io.Writer) int {
			fmt.Fprintln(o, "sellergate", version)
			return 0
		}},
		{name: "help", args: "[COMMAND]", summary: "this list, or a command's verbs"},
	}
}

// findCommand returns the command named name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage lists every command and verb.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sellergate COMMAND [VERB] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		if len(c.verbs) == 0 {
			fmt.Fprintf(w, "  %-22s %s\n", c.name, c.summary)
			continue
		}
		for _, v := range c.verbs {
			fmt.Fprintf(w, "  %-22s %s\n", c.name+" "+v.name, v.summary)
		}
	}
	fmt.Fprintln(w, "\nsellergate help COMMAND shows a command's arguments; COMMAND [VERB] -h its flags.")
}

// commandUsage shows one command's verbs and their arguments.
func commandUsage(w io.Writer, c command) {
	if len(c.verbs) == 0 {
		fmt.Fprintf(w, "usage: sellergate %s %s\n  %s\n", c.name, c.args, c.summary)
		return
	}
	fmt.Fprintf(w, "sellergate %s: %s\n\n", c.name, c.summary)
	for _, v := range c.verbs {
		fmt.Fprintf(w, "  sellergate %s %s %s\n      %s\n", c.name, v.name, v.args, v.summary)
	}
}

// verbNamed returns the verb of c named name.
func verbNamed(c command, name string) (verb, bool) {
	for _, v := range c.verbs {
		if v.name == name {
			return v, true
		}
	}
	return verb{}, false
}

// isHelp reports whether an argument asks for help.
func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" || a == "help" }

// verbFlags starts the flag set of a command's verb (or of a command
// without verbs, verb ""): -h prints the verb's arguments and only its
// own flags.
func verbFlags(cmd, verbName string, stderr io.Writer) *flag.FlagSet {
	name := strings.TrimSpace(cmd + " " + verbName)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		c, _ := findCommand(cmd)
		args := c.args
		if v, ok := verbNamed(c, verbName); ok {
			args = v.args
		}
		fmt.Fprintf(fs.Output(), "usage: sellergate %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; ok is false when the caller should return code
// at once: 0 after -h (help asked for and printed), 2 on a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, ok bool) {
	// The flag package would print the usage itself, to stderr, for -h
	// too; it is printed here, once, where it belongs.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, false
	}
	if err != nil {
		fs.Usage()
		return 2, false
	}
	return 0, true
}

// verbOf checks a command's verb argument: help on -h (code 0), usage on a
// missing or unknown verb (code 2).
func verbOf(cmd string, args []string, stdout, stderr io.Writer) (string, int, bool) {
	c, _ := findCommand(cmd)
	if len(args) > 0 && isHelp(args[0]) {
		commandUsage(stdout, c)
		return "", 0, false
	}
	if len(args) == 0 {
		commandUsage(stderr, c)
		return "", 2, false
	}
	if _, ok := verbNamed(c, args[0]); !ok {
		fmt.Fprintf(stderr, "sellergate %s: unknown verb %q\n\n", cmd, args[0])
		commandUsage(stderr, c)
		return "", 2, false
	}
	return args[0], 0, true
}
