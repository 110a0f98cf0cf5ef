package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scorecard/scorecard/internal/wire"
)

// Exit status and usage, the same for every command: a command returns an
// error and exitStatus decides, so a new command gets them by using
// newFlags and parse and wrapping its own usage mistakes in errUsage.
//
//	0  success; --help (the command's usage and flags, on stdout)
//	1  failure (errReported and errNotReady: already printed)
//	2  bad usage: an unknown flag, a missing or malformed value (errUsage),
//	   a STORE that is not a store (wire.ErrStoreSpec); the message and the
//	   command's usage on stderr
func exitStatus(name string, err error, stdout, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, commandUsage(name))
		if errors.As(err, &ue) {
			fmt.Fprintln(stdout, "\nflags:")
			ue.fs.SetOutput(stdout)
			ue.fs.PrintDefaults()
			ue.fs.SetOutput(io.Discard)
		}
		return 0
	case errors.Is(err, errReported), errors.Is(err, errNotReady):
		return 1
	case errors.Is(err, errUsage), errors.Is(err, wire.ErrStoreSpec):
		fmt.Fprintf(stderr, "scorecard %s: %v\n%s(scorecard %s --help lists its flags)\n", name, err, commandUsage(name), name)
		return 2
	default:
		fmt.Fprintf(stderr, "scorecard %s: %v\n", name, err)
		return 1
	}
}

// commandUsage is the part of usage about command name (its line and the
// more indented lines after it), or all of usage if it has none.
func commandUsage(name string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.SplitAfter(usage, "\n") {
		switch {
		case strings.HasPrefix(line, "  scorecard "+name+" ") || line == "  scorecard "+name+"\n":
			in = true
		case in && !strings.HasPrefix(line, "   "):
			in = false
		}
		if in {
			b.WriteString(line)
		}
	}
	if b.Len() == 0 {
		return usage
	}
	return "usage:\n" + b.String()
}

// usageError is a flag-parsing error (or --help) of the command whose
// flags are fs: exitStatus prints fs's flags for --help.
type usageError struct {
	fs  *flag.FlagSet
	err error
}

func (e *usageError) Error() string {
	if errors.Is(e.err, flag.ErrHelp) {
		return e.err.Error()
	}
	return fmt.Sprintf("%v: %v", errUsage, e.err)
}

func (e *usageError) Unwrap() []error {
	if errors.Is(e.err, flag.ErrHelp) {
		return []error{e.err}
	}
	return []error{errUsage, e.err}
}

// newFlags is the flag set of a command; every command gets --log-format.
// The flag package prints nothing itself: exitStatus says what went wrong.
func newFlags(name string, _ io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("scorecard "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := logFormatFlag(wire.LogText)
	fs.Var(&f, "log-format", "write logs to stderr as `text` or json")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return &usageError{fs: fs, err: err}
	}
	return nil
}

// cliEnv is the environment of a command whose flags are fs: logs to
// stderr in its --log-format, at Info with verbose (else Warn).
func cliEnv(fs *flag.FlagSet, stderr io.Writer, verbose bool) wire.Env {
	format := wire.LogText
	if f, ok := fs.Lookup("log-format").Value.(*logFormatFlag); ok {
		format = wire.LogFormat(*f)
	}
	return wire.LocalWith(stderr, logLevel(verbose), format)
}

// logFormatFlag is the value of --log-format.
type logFormatFlag wire.LogFormat

func (f *logFormatFlag) String() string { return string(*f) }

func (f *logFormatFlag) Set(s string) error {
	switch wire.LogFormat(s) {
	case wire.LogText, wire.LogJSON:
		*f = logFormatFlag(s)
		return nil
	}
	return fmt.Errorf("want text or json")
}
