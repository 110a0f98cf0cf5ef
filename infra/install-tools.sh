#!/usr/bin/env bash
# Installs every tool the tests need, at pinned versions. Idempotent: a tool
# already installed at its pinned version is left alone.
#
#   minio     the S3 server the storage tests run against (internal/miniotest),
#             built with `go install` into $(go env GOPATH)/bin (takes minutes).
#   cfn-lint  the CloudFormation linter, installed with pip.
#   chromium  Debian's chromium and fonts-noto-cjk (apt-get), for the
#             headless-browser test of the pages for people.
#
# Usage: bash infra/install-tools.sh
set -euo pipefail

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CFN_LINT_VERSION=1.51.0

say() { printf 'install-tools: %s\n' "$*"; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH"

# --- minio -------------------------------------------------------------------
# internal/miniotest looks in $(go env GOPATH)/bin, so install there even if
# GOBIN points elsewhere.
gopath_bin="$(go env GOPATH | cut -d: -f1)/bin"
minio_bin="$gopath_bin/minio"
installed_minio=""
if [[ -x "$minio_bin" ]]; then
	installed_minio="$(go version -m "$minio_bin" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/minio" { print $3 }')"
fi
if [[ "$installed_minio" == "$MINIO_VERSION" ]]; then
	say "minio: $MINIO_VERSION already installed at $minio_bin (nothing to do)"
else
	[[ -z "$installed_minio" && ! -x "$minio_bin" ]] || say "minio: $minio_bin is '${installed_minio:-unknown}', not $MINIO_VERSION"
	say "minio: installing $MINIO_MODULE@$MINIO_VERSION into $gopath_bin (this takes several minutes)"
	GOBIN="$gopath_bin" go install "$MINIO_MODULE@$MINIO_VERSION" ||
		die "go install $MINIO_MODULE@$MINIO_VERSION failed"
	[[ -x "$minio_bin" ]] || die "go install succeeded but $minio_bin is missing"
	say "minio: installed $minio_bin"
fi

# --- cfn-lint ----------------------------------------------------------------
installed_cfn_lint=""
if command -v cfn-lint >/dev/null; then
	# prints e.g. "cfn-lint 1.51.0"
	installed_cfn_lint="$(cfn-lint --version 2>/dev/null | awk '{print $NF}')"
fi
if [[ "$installed_cfn_lint" == "$CFN_LINT_VERSION" ]]; then
	say "cfn-lint: $CFN_LINT_VERSION already installed at $(command -v cfn-lint) (nothing to do)"
else
	say "cfn-lint: found '${installed_cfn_lint:-none}', installing $CFN_LINT_VERSION with pip"
	python="$(command -v python3 || command -v python || true)"
	[[ -n "$python" ]] || die "cfn-lint $CFN_LINT_VERSION needs Python 3 and pip; neither python3 nor python is on PATH"
	if ! "$python" -m pip install "cfn-lint==$CFN_LINT_VERSION"; then
		die "pip could not install cfn-lint==$CFN_LINT_VERSION (is PyPI reachable from here?). Install it by hand: $python -m pip install cfn-lint==$CFN_LINT_VERSION"
	fi
	hash -r
	got="$(cfn-lint --version 2>/dev/null | awk '{print $NF}')" || true
	[[ "$got" == "$CFN_LINT_VERSION" ]] ||
		die "after pip install, cfn-lint reports version '${got:-none}', want $CFN_LINT_VERSION (is another cfn-lint earlier on PATH?)"
	say "cfn-lint: installed $CFN_LINT_VERSION"
fi

# --- chromium and CJK fonts ---------------------------------------------------
# The pages for people (pkg/statement) are tested in a real headless browser
# (cmd/scorecard TestPagesInABrowser), with Chinese fonts to render them.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [[ ${#missing[@]} -eq 0 ]]; then
	say "chromium, fonts-noto-cjk: already installed (nothing to do)"
else
	say "installing ${missing[*]} with apt-get"
	sudo=""
	[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
	$sudo apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" ||
		die "apt-get install ${missing[*]} failed"
	command -v chromium >/dev/null || die "chromium is still not on PATH after apt-get install"
	say "installed ${missing[*]}"
fi

say "all tools present"
