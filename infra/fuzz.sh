#!/usr/bin/env bash
# Runs every fuzz target of the project for a short, fixed time each
# (FUZZTIME, default 2000x: a count of inputs, not a duration, because a
# duration's deadline can end a run in Go's fuzzer with a spurious "context
# deadline exceeded" failure), one target per `go test -fuzz` invocation. The
# corpus is Go's standard one: the f.Add seeds plus the files committed under
# <package>/testdata/fuzz/<FuzzX>/; a crasher the fuzzer finds is written
# there, and fails this script: commit it as a seed with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-2000x}
failed=0
n=0
# Each target: its module directory, package directory and name.
while IFS=: read -r file _ match; do
	name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$match")
	pkg=$(dirname "$file")
	mod=.
	if [[ $pkg == ./infra/athenacheck* ]]; then # its own module
		mod=infra/athenacheck
		pkg=.${pkg#./infra/athenacheck}
	fi
	[[ -f bench/duckbench/go.mod && $pkg == ./bench/duckbench* ]] && continue
	n=$((n + 1))
	echo "-- $name ($mod $pkg, $fuzztime)"
	if ! (cd "$mod" && go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | tail -n 20); then
		failed=1
	fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | sort)
echo "== $n fuzz targets run for $fuzztime each"
((n > 0)) || { echo "no fuzz targets found"; exit 1; }
if ((failed)); then
	echo "a fuzz target failed: its crasher is under <package>/testdata/fuzz/<target>/ (commit it as a seed with the fix)"
	exit 1
fi
