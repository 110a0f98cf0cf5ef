#!/usr/bin/env bash
# bench/run.sh: the side-by-side benchmark of docs/benchmarks.md in one command.
#
#   bash bench/run.sh            full run (about 30 minutes on 2 cores): 1M and 5M-row
#                                ingest, the close of 1M tickets / 500k surveys / 5,000
#                                employees, 5 alternating runs per side; Lambda bootstrap
#                                sizes and start-up. Writes bench/out/results.json and
#                                docs/benchmarks.md.
#   bash bench/run.sh --quick    smoke test (200k rows, 2 runs, a small close). Writes
#                                bench/out/results-quick.json and bench/out/benchmarks-quick.md.
#   (`make bench` and `make bench QUICK=1` run these.)
#
# A full run refuses a work tree with uncommitted changes (`git status
# --porcelain` not empty), since docs/benchmarks.md names the commit it
# measured; BENCH_ALLOW_DIRTY=1 runs anyway and the document says the tree
# was dirty. A quick run always goes ahead, marked the same way.
#
# Any other arguments go to `harness run` (e.g. -only ingest, -wait-kpi 10m, -runs 7).
# Scratch data goes to $BENCH_DIR (default /tmp/scorecard-bench): about 3 GB for a full run.
# Needs GNU time (/usr/bin/time; installed with apt-get when missing and run as root),
# iconv, make, and cgo (a C compiler) for bench/duckbench. Not part of the test suite.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

quick=()
out=bench/out/results.json
doc=docs/benchmarks.md
args=()
for a in "$@"; do
	case "$a" in
	--quick | -quick)
		quick=(-quick)
		out=bench/out/results-quick.json
		doc=bench/out/benchmarks-quick.md
		;;
	*) args+=("$a") ;;
	esac
done

if [[ ! -x /usr/bin/time ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
	echo "bench/run.sh: installing GNU time (apt-get install time)" >&2
	apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi
for tool in /usr/bin/time iconv make go; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench/run.sh: $tool is missing (GNU time: apt-get install time)" >&2
		exit 1
	fi
done
timev=$(/usr/bin/time -v true 2>&1 || true)
if [[ $timev != *"Maximum resident set size"* ]]; then
	echo "bench/run.sh: /usr/bin/time is not GNU time (apt-get install time)" >&2
	exit 1
fi

if [[ ${#quick[@]} == 0 && ${BENCH_ALLOW_DIRTY:-} != 1 ]] && [[ -n $(git status --porcelain) ]]; then
	echo "bench/run.sh: the work tree has uncommitted changes (git status --porcelain):" >&2
	git status --porcelain >&2
	echo "bench/run.sh: commit or stash them, or set BENCH_ALLOW_DIRTY=1 to run anyway (the result is then marked)" >&2
	exit 1
fi

BENCH_DIR=${BENCH_DIR:-/tmp/scorecard-bench}
bin="$BENCH_DIR/bin"
mkdir -p "$bin" bench/out

echo "building into $bin" >&2
go build -o "$bin/scorecard" ./cmd/scorecard
go build -o "$bin/gen" ./bench/gen
go build -o "$bin/harness" ./bench/harness
# No -trimpath: duckbench finds infra/athena through infra/athenacheck's source path.
(cd bench/duckbench && CGO_ENABLED=1 go build -o "$bin/duckbench" .)

exec "$bin/harness" run "${quick[@]}" -dir "$BENCH_DIR" -bin "$bin" -repo "$repo" \
	-out "$out" -doc "$doc" "${args[@]}"
