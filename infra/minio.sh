#!/usr/bin/env bash
# Runs a local MinIO (an S3 server) for trying the pipeline on a laptop.
#
#   bash infra/minio.sh start DIR          start on a free port, data in DIR/data
#   bash infra/minio.sh mb DIR BUCKET...   create buckets
#   bash infra/minio.sh env DIR            print the AWS_* variables (source DIR/env)
#   bash infra/minio.sh stop DIR           stop the server started in DIR
#
# start writes DIR/minio.pid, DIR/minio.log and DIR/env; then
#   source DIR/env && scorecard ingest --store s3://BUCKET
# talks to it. The credentials are MINIO_ROOT_USER / MINIO_ROOT_PASSWORD if
# set, else scorecard / scorecard-local (a local server on 127.0.0.1 only).
# The minio binary is $MINIO_BIN, else $(go env GOPATH)/bin/minio (bash
# infra/install-tools.sh installs it), and must be the version pinned there
# (MINIO_VERSION): a minio elsewhere on PATH is not used.
set -euo pipefail

say() { printf 'minio.sh: %s\n' "$*"; }
die() { printf 'minio.sh: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# pinned_minio: the MinIO module version infra/install-tools.sh installs.
pinned_minio() {
	sed -n 's/^MINIO_VERSION=//p' "$(dirname "$0")/install-tools.sh"
}

# minio_version BIN: the module version BIN was built from (go version -m).
minio_version() {
	go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/minio" { print $3 }'
}

find_minio() {
	local bin want got
	if [[ -n "${MINIO_BIN:-}" ]]; then
		bin=$MINIO_BIN
	else
		command -v go >/dev/null || die "go is not on PATH (it finds and checks the pinned minio)"
		bin="$(go env GOPATH | cut -d: -f1)/bin/minio"
	fi
	[[ -x "$bin" ]] || die "minio not found at $bin; run: bash infra/install-tools.sh"
	want=$(pinned_minio)
	got=$(minio_version "$bin")
	[[ "$got" == "$want" ]] || die "$bin is minio ${got:-of an unknown version}, want $want; run: bash infra/install-tools.sh"
	echo "$bin"
}

# need_curl: curl 7.75 or later, the first to sign S3 requests (--aws-sigv4).
need_curl() {
	local v
	command -v curl >/dev/null || die "curl is not on PATH (7.75 or later is needed)"
	v=$(curl --version | awk 'NR == 1 { print $2 }')
	[[ "$(printf '%s\n7.75.0\n' "$v" | sort -V | head -n 1)" == 7.75.0 ]] ||
		die "curl $v cannot sign S3 requests (--aws-sigv4): 7.75 or later is needed"
}

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FROM: the first port from FROM up that nothing listens on.
free_port() {
	local p=$1
	while port_in_use "$p"; do
		p=$((p + 1))
		((p < 65536)) || die "no free port"
	done
	echo "$p"
}

# running DIR: the PID in DIR/minio.pid is a live minio process.
running() {
	local pidfile="$1/minio.pid" pid
	[[ -f "$pidfile" ]] || return 1
	pid="$(cat "$pidfile")"
	[[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		[[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == minio* ]]
}

# live ENDPOINT: the health check answers 200.
live() {
	curl --silent --fail --max-time 2 --output /dev/null "$1/minio/health/live"
}

cmd_start() {
	local dir=$1
	mkdir -p "$dir/data"
	dir="$(cd "$dir" && pwd)"
	if running "$dir"; then
		say "already running (pid $(cat "$dir/minio.pid")); source $dir/env"
		return
	fi
	local bin port console user pass endpoint
	bin="$(find_minio)"
	port="${MINIO_PORT:-$(free_port 9000)}" # MINIO_PORT: a port chosen by the caller
	console="$(free_port $((port + 1)))"
	user="${MINIO_ROOT_USER:-scorecard}"
	pass="${MINIO_ROOT_PASSWORD:-scorecard-local}"
	endpoint="http://127.0.0.1:$port"
	MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$pass" MINIO_UPDATE=off \
		nohup "$bin" server --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" \
		"$dir/data" >"$dir/minio.log" 2>&1 </dev/null &
	echo $! >"$dir/minio.pid"
	cat >"$dir/env" <<ENV
export AWS_ENDPOINT_URL=$endpoint
export AWS_ACCESS_KEY_ID=$user
export AWS_SECRET_ACCESS_KEY=$pass
export AWS_REGION=us-east-1
ENV
	local i
	for ((i = 0; i < 300; i++)); do
		if live "$endpoint"; then
			say "started $bin (pid $(cat "$dir/minio.pid")) at $endpoint, console http://127.0.0.1:$console"
			say "data in $dir/data, log in $dir/minio.log; now: source $dir/env"
			return
		fi
		running "$dir" || break
		sleep 0.1
	done
	tail -n 20 "$dir/minio.log" >&2 || true
	cmd_stop "$dir" >/dev/null 2>&1 || true
	die "minio did not become ready at $endpoint (log above: $dir/minio.log)"
}

cmd_stop() {
	local dir=$1 pid i
	if ! running "$dir"; then
		rm -f "$dir/minio.pid"
		say "not running in $dir"
		return
	fi
	pid="$(cat "$dir/minio.pid")"
	kill -TERM "$pid"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "pid $pid ignored SIGTERM for 10s; killing it"
		kill -KILL "$pid"
	fi
	rm -f "$dir/minio.pid"
	say "stopped pid $pid"
}

cmd_env() {
	[[ -f "$1/env" ]] || die "no $1/env; run: bash $0 start $1"
	cat "$1/env"
}

cmd_mb() {
	local dir=$1 bucket
	shift
	running "$dir" || die "not running in $dir; run: bash $0 start $dir"
	need_curl
	# shellcheck disable=SC1091
	source "$dir/env"
	local status body
	body=$(mktemp)
	for bucket in "$@"; do
		status=$(curl --silent --show-error --max-time 10 --request PUT --output "$body" --write-out '%{http_code}' \
			--aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
			"$AWS_ENDPOINT_URL/$bucket") || { rm -f "$body"; die "creating bucket $bucket failed"; }
		if [[ "$status" == 200 ]]; then
			say "created bucket $bucket"
		elif [[ "$status" == 409 ]] && grep -q BucketAlreadyOwnedByYou "$body"; then
			say "bucket $bucket exists (yours): kept"
		else
			cat "$body" >&2
			rm -f "$body"
			die "creating bucket $bucket: HTTP $status"
		fi
	done
	rm -f "$body"
}

(($# >= 2)) || usage
case "$1" in
start) cmd_start "$2" ;;
stop) cmd_stop "$2" ;;
env) cmd_env "$2" ;;
mb) (($# >= 3)) || usage; dir=$2; shift 2; cmd_mb "$dir" "$@" ;;
*) usage ;;
esac
