# The two commands of the README:
#   make demo   ingest the sample exports into ./demo-store, close 2026-09, print the table and where the pages are
#   make test   install the tools the tests need, then run every test (MinIO, cfn-lint, DuckDB included)
# and the benchmark (docs/benchmarks.md):
#   make bench          bash bench/run.sh: the full side-by-side run (about 30 minutes on 2 cores),
#                       rewrites docs/benchmarks.md with the commit, the machine and the date;
#                       refuses a work tree with uncommitted changes unless BENCH_ALLOW_DIRTY=1
#   make bench QUICK=1  bash bench/run.sh --quick: smoke run, writes bench/out/benchmarks-quick.md
#   make bench BENCH_ARGS='-only lambda -runs 7'   more flags for `harness run`
#   make binsize        the per-module size of each Lambda bootstrap (bench/binsize.sh)
.PHONY: demo test lint build bench binsize

# The demo's store is kept in ./demo-store (emptied first), so that its pages can be opened.
demo:
	rm -rf demo-store
	go run ./cmd/scorecard demo --store demo-store

test:
	bash infra/test.sh

lint:
	cfn-lint template.yaml

# Lambda binaries for the local check of size; SAM uses the build-* targets in infra/sam.mk.
build:
	mkdir -p bin/ingest bin/close
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -buildvcs=auto -tags lambda.norpc -trimpath -ldflags="-s -w" -o bin/ingest/bootstrap ./functions/ingest
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -buildvcs=auto -tags lambda.norpc -trimpath -ldflags="-s -w" -o bin/close/bootstrap ./functions/close

QUICK ?=
BENCH_ARGS ?=
bench:
	bash bench/run.sh $(if $(filter-out 0,$(QUICK)),--quick) $(BENCH_ARGS)

binsize:
	bash bench/binsize.sh

-include infra/sam.mk
