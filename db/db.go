// Package db embeds the SQL the binary and the tests apply: goose migrations for the member
// database and the source schemas used in development and tests.
package db

import "embed"

// Migrations holds the goose migrations (directory "migrations").
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Fixtures holds the source schemas `challenges` and `reviews` (directory "fixtures") that stand
// in for the challenge and review services' databases outside production.
//
//go:embed fixtures/*.sql
var Fixtures embed.FS
