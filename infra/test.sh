#!/usr/bin/env bash
# Runs every test of the project. Installs what the tests need first (MinIO,
# cfn-lint at pinned versions), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tools"
bash infra/install-tools.sh
export PATH="$(go env GOPATH)/bin:$PATH"

echo "== gofmt / go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi
go vet ./...

echo "== cfn-lint template.yaml"
cfn-lint template.yaml

echo "== Lambda binaries build CGO-free for arm64"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in ingest close; do
  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags="-s -w" -o "$tmp/$f/bootstrap" "./functions/$f"
done

echo "== go test (main module; starts MinIO for the storage and end-to-end tests)"
go test -count=1 ./... ./testdata/gen

echo "== fuzz: every target for a short, fixed time (infra/fuzz.sh)"
FUZZTIME=${FUZZTIME:-2000x} bash infra/fuzz.sh

echo "== go test (infra/athenacheck: DuckDB over the Parquet the pipeline writes)"
(cd infra/athenacheck && go test -count=1 ./...)

echo "== go test (bench/duckbench: the DuckDB benchmark baseline writes the same rows as the pipeline)"
(cd bench/duckbench && go test -count=1 ./...)
