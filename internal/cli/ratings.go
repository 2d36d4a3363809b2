package cli

import (
	"context"

	"github.com/memberstats/memberstats/internal/ratingscli"
)

// runRatings is `memberstats ratings eval|check [--in FILE]` (golden rating vectors); it needs
// no database. ratingscli prints its own messages, so only the exit status is passed on.
func runRatings(ctx context.Context, env *Env, args []string) error {
	if code := ratingscli.Main(ctx, args, env.Stdin, env.Stdout, env.Stderr); code != 0 {
		return ExitError{Code: code}
	}
	return nil
}
