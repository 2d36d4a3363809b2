# memberstats — run `make help` for the targets.
SHELL := /bin/bash
GOBIN ?= $(shell go env GOPATH)/bin
SQLC_VERSION := v1.31.1
STATICCHECK_VERSION := v0.8.2
SQLC := $(GOBIN)/sqlc
STATICCHECK := $(GOBIN)/staticcheck
GENERATED_DIRS := internal/store

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-18s %s\n", $$1, $$2}'

.PHONY: tools
tools: ## install the pinned tools (sqlc, staticcheck)
	@test -x $(SQLC) && $(SQLC) version | grep -q '$(SQLC_VERSION)' || go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)
	@test -x $(STATICCHECK) && $(STATICCHECK) -version | grep -q '$(STATICCHECK_VERSION)' || go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

.PHONY: generate
generate: ## regenerate the sqlc code from clean
	find $(GENERATED_DIRS) -name '*.sql.go' -delete
	find $(GENERATED_DIRS) \( -name models.go -o -name db.go -o -name copyfrom.go -o -name querier.go \) -delete
	$(SQLC) generate

.PHONY: verify-generated
verify-generated: ## fail when the committed sqlc code differs from a fresh generate
	$(SQLC) diff
	$(MAKE) --no-print-directory generate
	@if [ -n "$$(git status --porcelain -- $(GENERATED_DIRS))" ]; then \
		echo "generated code is stale; run make generate and commit:"; git status --porcelain -- $(GENERATED_DIRS); exit 1; fi

.PHONY: lint
lint: ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...

.PHONY: test
test: ## run every test against real PostgreSQL (TEST_DATABASE_URL, else 127.0.0.1:5432, else a private cluster)
	go test -race -count=1 -timeout 30m ./...

.PHONY: bench
bench: ## run the benchmarks
	go test -run '^$$' -bench . -benchmem -timeout 60m ./...

.PHONY: fuzz
fuzz: ## run each fuzz target for FUZZTIME (default 20s)
	@for pkg in $$(go list ./...); do \
		for f in $$(go test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-20s} $$pkg || exit 1; \
		done; \
	done

.PHONY: build
build: ## build bin/memberstats
	go build -o bin/memberstats ./cmd/memberstats

.PHONY: demo
demo: ## build a demo database and run the whole cutover on it
	go run ./cmd/memberstats demo

.PHONY: migrate
migrate: ## apply the migrations to DATABASE_URL
	go run ./cmd/memberstats migrate up

.PHONY: bench-http
bench-http: ## seed 100k members, backfill, serve, measure the read routes on loopback (BENCH_MEMBERS, BENCH_HTTP_FLAGS)
	go build -o bin/benchhttp ./cmd/benchhttp
	./bin/benchhttp -members $${BENCH_MEMBERS:-100000} $(BENCH_HTTP_FLAGS)

.PHONY: fuzz-ci
fuzz-ci: ## run every fuzz target for FUZZTIME (default 10s): a bounded fuzz pass for CI
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for f in $$(go test -list '^Fuzz' $$dir | grep '^Fuzz'); do \
			echo "fuzz $$dir $$f ($${FUZZTIME:-10s})"; \
			go test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-10s} $$dir; \
		done; \
	done
