# usecat's build. Every build, vet and test needs the sqlite_fts5 tag (SQLite's full-text
# search); it is passed explicitly and exported through GOFLAGS, so `go tool` runs get it too.
# CI (.ci/run) calls these same targets.

GO      ?= go
TAGS    := sqlite_fts5
export GOFLAGS += -tags=$(TAGS)

BIN     := bin/usecat
DB      ?= var/usecat.db
ADDR    ?= :8080

# The race detector doubles the cgo build of SQLite and slows the tests; it runs on every
# package because the store and the HTTP layer are concurrent. `make test RACE=` skips it.
RACE    ?= -race

# swag reads the general API information from internal/httpapi/server.go and the handler
# annotations in internal/httpapi; the request and response types live there and in the domain.
# A member without omitempty is one the server always sends, hence required by default; request
# bodies take their required members from the catalog's rules instead (internal/apidoc).
SWAG    := $(GO) tool swag init --quiet --parseInternal --requiredByDefault -g server.go -d internal/httpapi,internal/catalog

# The OpenAPI linters, pinned: later Redocly releases need a newer Node.js than Debian's. A
# global install (as CI does) is used when present; npx fetches them otherwise. Redocly reads
# redocly.yaml and .redocly.lint-ignore.yaml, Spectral .spectral.yaml.
REDOCLY_VERSION  := 2.77.0
SPECTRAL_VERSION := 6.16.3
REDOCLY  ?= $(shell command -v redocly >/dev/null 2>&1 && echo redocly || \
              (command -v npx >/dev/null 2>&1 && echo "npx --yes @redocly/cli@$(REDOCLY_VERSION)"))
# The TypeScript generator and compiler of make clients and TestGeneratedClients.
OPENAPI_TS_VERSION := 7.13.0
TYPESCRIPT_VERSION := 5.9.3
# The SHACL engine and RDF environment the DCAT-AP test validates the catalogue with
# (internal/dcat); CI installs them globally.
SHACL_VERSION      := 0.6.5
ZAZUKO_ENV_VERSION := 3.0.0
OPENAPI_TS ?= $(shell command -v openapi-typescript >/dev/null 2>&1 && echo openapi-typescript || \
              echo "npx --yes openapi-typescript@$(OPENAPI_TS_VERSION)")
SPECTRAL ?= $(shell command -v spectral >/dev/null 2>&1 && echo spectral || \
              (command -v npx >/dev/null 2>&1 && echo "npx --yes @stoplight/spectral-cli@$(SPECTRAL_VERSION)"))

.PHONY: all build run test docs docs-check lint lint-openapi clients bench clean vendor-dkfds vendor-axe

all: build

## build: compile the usecat binary into bin/
build:
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/usecat

## run: serve on :8080 from a SQLite file under var/, filled with demo data
run: build
	@mkdir -p $(dir $(DB))
	./$(BIN) serve --db $(DB) --addr $(ADDR) --demo

## test: fail on stale docs, then vet and run every test
test: docs-check lint-openapi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) $(RACE) -timeout 30m ./...

## docs: regenerate docs/ (Swagger 2.0, from the swag annotations), openapi.yaml (OpenAPI 3, with
## the validation rules of internal/catalog/rules.go) and the JSON Schemas api/*.schema.json
docs:
	$(SWAG) -o docs
	$(GO) run -tags $(TAGS) ./cmd/apidoc -in docs/swagger.json -out openapi.yaml -schemas api

## docs-check: regenerate into a temporary folder and fail if docs/ or openapi.yaml differ
docs-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(SWAG) -o "$$tmp" --packageName docs && \
	for f in docs.go swagger.json swagger.yaml; do \
		if ! cmp -s "docs/$$f" "$$tmp/$$f"; then \
			diff -u "docs/$$f" "$$tmp/$$f" | head -40 >&2; \
			echo "docs/$$f is stale: run make docs and commit the result" >&2; exit 1; \
		fi; \
	done && \
	$(GO) run -tags $(TAGS) ./cmd/apidoc -in "$$tmp/swagger.json" -out openapi.yaml -schemas api -check && \
	echo "docs/, openapi.yaml and api/*.schema.json are up to date"

## lint-openapi: lint openapi.yaml with Redocly's recommended rules and Spectral's OpenAPI rules,
## failing on any error or warning (skipped without Node.js, except in CI)
lint-openapi:
ifeq ($(strip $(REDOCLY))$(strip $(SPECTRAL)),)
	@if [ "$$CI" = true ]; then echo "lint-openapi: neither the linters nor npx is installed" >&2; exit 1; fi
	@echo "lint-openapi: skipped, neither the linters nor npx is installed" >&2
else
	$(REDOCLY) lint openapi.yaml
	$(SPECTRAL) lint --fail-severity=warn openapi.yaml
endif

## lint: gofmt, go vet, staticcheck and the OpenAPI linters
lint: lint-openapi
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed on:" >&2; echo "$$out" >&2; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) tool staticcheck -tags $(TAGS) ./...

## clients: generate a Go client (oapi-codegen, pinned in go.mod) and TypeScript types
## (openapi-typescript) from openapi.yaml into a temporary folder; TestGeneratedClients (make test)
## does the same, compiles both and runs a scenario with the Go client against a real server.
## openapi-typescript runs outside the repository, where redocly.yaml's strict lint would stop it
## on the one exception .redocly.lint-ignore.yaml allows.
clients:
	@dir=$$(mktemp -d) && mkdir -p "$$dir/go" "$$dir/ts" && \
	$(GO) tool oapi-codegen -config internal/httpapi/testdata/clients/oapi-codegen.yaml -o "$$dir/go/usecat.gen.go" openapi.yaml && \
	cd "$$dir/ts" && $(OPENAPI_TS) "$(CURDIR)/openapi.yaml" --default-non-nullable false -o usecat.d.ts && cd "$(CURDIR)" && \
	echo "clients: $$dir/go/usecat.gen.go and $$dir/ts/usecat.d.ts"

## bench: Go benchmarks of the store and of the web catalogue's pages (on 100,000 generated
## use-cases, built once into var/bench/: minutes, hence the timeout) and of the HTTP layer,
## then the wrk load test against a real usecat serve (cmd/loadtest; it writes
## docs/performance.md), on SQLite and, when USECAT_BENCH_DB holds a postgres:// URL, again on
## PostgreSQL. BENCH picks benchmarks, LOADTEST_FLAGS passes flags to the load test (e.g.
## LOADTEST_FLAGS="-only get,search").
BENCH          ?= .
LOADTEST_FLAGS ?=
bench:
	$(GO) test -tags $(TAGS) -run '^$$' -bench '$(BENCH)' -benchmem -timeout 30m ./internal/store/ ./internal/httpapi/ ./internal/web/
	$(GO) run -tags $(TAGS) ./cmd/loadtest -db "" $(LOADTEST_FLAGS)
	@if [ -n "$$USECAT_BENCH_DB" ]; then $(GO) run -tags $(TAGS) ./cmd/loadtest -db "$$USECAT_BENCH_DB" $(LOADTEST_FLAGS); fi

## vendor-dkfds: fetch Det Fælles Designsystem at its pinned version into internal/web/assets/dkfds
## (needs npm; the build does not)
vendor-dkfds:
	internal/web/vendor-dkfds.sh

## vendor-axe: fetch axe-core at its pinned version into internal/web/testdata/axe-core (needs npm)
vendor-axe:
	internal/web/testdata/vendor-axe.sh

clean:
	rm -rf bin
