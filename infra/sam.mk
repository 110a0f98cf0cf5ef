# Build targets for `sam build`. Every function in template.yaml uses
# Metadata BuildMethod: makefile with CodeUri: . (the repository root), so
# SAM runs `make build-<LogicalId>` there with ARTIFACTS_DIR set to the
# directory it zips; the top-level Makefile includes this file.
#
# The binaries are static (CGO_ENABLED=0) linux/arm64 executables named
# bootstrap, for the provided.al2023 runtime on Graviton. lambda.norpc drops
# the legacy RPC handler that provided.* runtimes never use.
# Extra linker flags (for example -X to stamp the code version the close
# writes into the manifest) go in LAMBDA_LDFLAGS_EXTRA. -buildvcs=auto stamps the
# git revision (runtime/debug.ReadBuildInfo, the manifest's code_version) when
# the source is a git checkout, whatever GOFLAGS says; without .git it is "dev".

LAMBDA_GOENV := CGO_ENABLED=0 GOOS=linux GOARCH=arm64
LAMBDA_LDFLAGS_EXTRA ?=
LAMBDA_GOBUILD = $(LAMBDA_GOENV) go build -buildvcs=auto -tags lambda.norpc -trimpath -ldflags="-s -w $(LAMBDA_LDFLAGS_EXTRA)"

.PHONY: build-IngestFunction build-CloseFunction build-ReadinessFunction build-ApproveFunction lint-template

build-IngestFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: run this target through sam build))
	$(LAMBDA_GOBUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/ingest

build-CloseFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: run this target through sam build))
	$(LAMBDA_GOBUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/close

# The readiness check and the approval run the close's binary: its handler
# tells {"readiness": ...} and {"approve": ...} from a close event.
build-ReadinessFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: run this target through sam build))
	$(LAMBDA_GOBUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/close

build-ApproveFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: run this target through sam build))
	$(LAMBDA_GOBUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/close

# cfn-lint checks the template, SAM transform included (cfn-lint 1.51.0).
lint-template:
	cfn-lint template.yaml
