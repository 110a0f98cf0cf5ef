# The two commands of the README:
#   make demo   ingest the sample exports into a temporary store, close 2026-09, print the table
#   make test   install the tools the tests need, then run every test (MinIO, cfn-lint, DuckDB included)
.PHONY: demo test lint build bench

demo:
	go run ./cmd/scorecard demo

test:
	bash infra/test.sh

lint:
	cfn-lint template.yaml

# Lambda binaries for the local check of size; SAM uses the build-* targets in infra/sam.mk.
build:
	mkdir -p bin/ingest bin/close
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags="-s -w" -o bin/ingest/bootstrap ./functions/ingest
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags="-s -w" -o bin/close/bootstrap ./functions/close

-include infra/sam.mk
