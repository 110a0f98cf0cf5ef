#!/usr/bin/env bash
# bench/binsize.sh: what each Lambda bootstrap links, by module and package.
#
#   bash bench/binsize.sh                     ingest and close, linux/arm64, top 15
#   bash bench/binsize.sh -top 40 -fn close   more rows, one function
#   bash bench/binsize.sh -arch amd64 -json   another GOARCH; JSON instead of tables
#
# Builds each ./functions/<fn> as `make build` does (CGO_ENABLED=0 GOOS=linux,
# -tags lambda.norpc -trimpath -ldflags="-s -w") and once more without -s -w,
# then sums the ELF symbol sizes of that build by package (from the symbol
# name) and module (from the build info `go version -m` shows), with the
# pclntab shared out in proportion to each package's code. The code is
# `harness binsize` (bench/harness/binsize.go); bench/run.sh records the same
# breakdown in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/harness binsize -repo . "$@"
