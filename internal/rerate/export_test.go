package rerate

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// SetBeforeCommit installs the test hook run inside replay transactions before commit.
func (s *Service) SetBeforeCommit(f func(ctx context.Context, tx pgx.Tx) error) { s.beforeCommit = f }
