// Command memberstats migrates member statistics from the legacy table set to the unified
// tables, proves the two agree, and serves, refreshes and re-rates them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/memberstats/memberstats/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
