// Package ratingscli runs golden rating vectors (shared/spec/ratings.md, "Golden vectors")
// through internal/ratings: `ratings eval` recomputes every case, `ratings check` compares the
// computed values with the stored ones. The memberstats binary delegates to Main.
package ratingscli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Eval reads a vector file from in and writes the same document to out with every case's
// computed values (expected and the other case-level results) replaced by this
// implementation's. Other fields and the key order are kept. A case that cannot be computed
// is an error.
func Eval(ctx context.Context, in io.Reader, out io.Writer) error {
	return eval(ctx, in, out, io.Discard)
}

// Check reads a vector file from in, recomputes every case and compares it with the stored
// values (integers exactly, floats within 1e-9 relative). It prints one line per failing case
// and a final line "N passed, M failed". err is non-nil only when the file as a whole cannot
// be read.
func Check(ctx context.Context, in io.Reader, out io.Writer) (passed, failed int, err error) {
	return check(ctx, in, out, io.Discard)
}

func eval(ctx context.Context, in io.Reader, out, warnings io.Writer) error {
	doc, err := readDocument(in)
	if err != nil {
		return err
	}
	for i, c := range doc.cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		info := describeCase(i, c)
		comp, err := evaluate(c, info, warner(warnings, info))
		if err != nil {
			return fmt.Errorf("eval %s: %w", info, err)
		}
		for _, k := range ownedKeys[info.kind] {
			if v, ok := comp[k]; ok {
				c.set(k, v)
			} else {
				c.remove(k)
			}
		}
		doc.cases[i] = c
	}
	return doc.write(out)
}

func check(ctx context.Context, in io.Reader, out, warnings io.Writer) (passed, failed int, err error) {
	doc, err := readDocument(in)
	if err != nil {
		return 0, 0, err
	}
	for i, c := range doc.cases {
		if err := ctx.Err(); err != nil {
			return passed, failed, err
		}
		info := describeCase(i, c)
		diffs, err := checkOne(c, info, warner(warnings, info))
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(out, "FAIL %s: %v\n", info, err)
		case len(diffs) > 0:
			failed++
			more := ""
			if len(diffs) > 1 {
				more = fmt.Sprintf(" (and %d more differences)", len(diffs)-1)
			}
			fmt.Fprintf(out, "FAIL %s: %s%s\n", info, diffs[0], more)
		default:
			passed++
		}
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", passed, failed)
	return passed, failed, nil
}

func checkOne(c object, info caseInfo, warn func(string)) ([]string, error) {
	comp, err := evaluate(c, info, warn)
	if err != nil {
		return nil, err
	}
	return checkCase(c, info, comp)
}

func warner(w io.Writer, info caseInfo) func(string) {
	return func(msg string) { fmt.Fprintf(w, "warning: %s: %s\n", info, msg) }
}

const usage = "usage: memberstats ratings eval|check [--in FILE]"

// Main implements `ratings eval|check [--in FILE]` (stdin when --in is absent or "-"). args
// may start with "ratings". It returns the exit status: 0 success, 1 a failing check or a
// runtime error, 2 a bad command line (one line on stderr).
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "ratings" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	sub := args[0]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprintln(stdout, usage)
		return 0
	}
	if sub != "eval" && sub != "check" {
		fmt.Fprintf(stderr, "ratings: unknown subcommand %q; %s\n", sub, usage)
		return 2
	}
	fs := flag.NewFlagSet("ratings "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	inPath := fs.String("in", "-", "vector file to read (\"-\" for stdin)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "ratings %s: %v; %s\n", sub, err, usage)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ratings %s: unexpected argument %q; %s\n", sub, fs.Arg(0), usage)
		return 2
	}

	in := stdin
	if *inPath != "-" && *inPath != "" {
		f, err := os.Open(*inPath)
		if err != nil {
			fmt.Fprintf(stderr, "ratings %s: %v\n", sub, err)
			return 1
		}
		defer f.Close()
		in = f
	}

	if sub == "eval" {
		if err := eval(ctx, in, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "ratings eval: %s\n", oneLine(err))
			return 1
		}
		return 0
	}
	_, failed, err := check(ctx, in, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ratings check: %s\n", oneLine(err))
		return 1
	}
	if failed > 0 {
		return 1
	}
	return 0
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }
