#!/usr/bin/env bash
# The local twin of the AWS stack: MinIO as the bucket, its S3-format event
# notifications wired to `scorecard serve`, which runs the same ingest handler
# the Lambda runs for every upload under raw/, and runs the close on demand.
#
#   bash infra/local-stack.sh up DIR [BUCKET]   install tools, start both, create the bucket
#                                               (again on a DIR already up: says so, changes nothing;
#                                               on a DIR used before: starts afresh on its data)
#   bash infra/local-stack.sh down DIR          stop both (by PID); always safe to run
#
# After `up`:  source DIR/env
#   DIR/scorecard upload --store "s3://$SCORECARD_BUCKET" "工单导出 2026-09.csv" --as raw/crm/   # ingested
#   curl -H "Authorization: Bearer $SCORECARD_SERVE_TOKEN" -H 'Content-Type: application/json' \
#     -d '{"month":"2026-09"}' "$SCORECARD_SERVE/close"                   # the monthly close
#   aws s3 cp "s3://$SCORECARD_BUCKET/payroll/month=2026-09/v1/salary_multipliers.csv" .
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

say() { printf 'local-stack: %s\n' "$*"; }
die() { printf 'local-stack: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# alive PIDFILE: the process in PIDFILE is running (not a zombie left
# unreaped, as in a container whose init does not reap).
alive() {
	local pid
	[[ -f "$1" ]] && pid=$(cat "$1") && kill -0 "$pid" 2>/dev/null &&
		[[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }

up() {
	local dir=$1 bucket=${2:-scorecard-data} port
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if alive "$dir/serve.pid" && alive "$dir/minio/minio.pid" && [[ -f "$dir/env" ]]; then
		say "already up in $dir (nothing changed); source $dir/env, or: $0 down $dir"
		return
	fi
	# Whatever a failed or interrupted earlier run left running is stopped
	# first, and whatever this run starts is stopped if it fails.
	down "$dir" >/dev/null
	up_dir=$dir
	trap 'status=$?; ((status == 0)) || { down "$up_dir" >/dev/null 2>&1; say "up failed: stopped what it had started"; }' EXIT
	bash infra/install-tools.sh >/dev/null
	go build -o "$dir/scorecard" ./cmd/scorecard
	port=$(free_port 8787)
	local mport user=${MINIO_ROOT_USER:-scorecard} pass=${MINIO_ROOT_PASSWORD:-scorecard-local}
	mport=$(free_port 9000)

	# The listener first, on the store the events are about (MinIO to be, at
	# $mport): it makes a new token at each start, required for every POST,
	# and writes it to serve.token.
	rm -f "$dir/serve.token"
	AWS_ENDPOINT_URL="http://127.0.0.1:$mport" AWS_ACCESS_KEY_ID=$user AWS_SECRET_ACCESS_KEY=$pass AWS_REGION=us-east-1 \
		nohup "$dir/scorecard" serve --store "s3://$bucket" --addr "127.0.0.1:$port" --token-file "$dir/serve.token" >"$dir/serve.log" 2>&1 </dev/null &
	echo $! >"$dir/serve.pid"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s "$dir/serve.token" ]] && curl --silent --fail --max-time 1 --output /dev/null "http://127.0.0.1:$port/healthz" && break
		sleep 0.1
	done
	[[ -s "$dir/serve.token" ]] && curl --silent --fail --max-time 1 --output /dev/null "http://127.0.0.1:$port/healthz" ||
		{ tail -n 20 "$dir/serve.log" >&2; down "$dir"; die "scorecard serve did not start"; }
	local token
	token=$(cat "$dir/serve.token")

	# Then MinIO, told where to post events (target id SCORECARD) and with
	# serve's token, which it sends as "Authorization: Bearer <token>".
	MINIO_PORT=$mport MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$pass \
		MINIO_NOTIFY_WEBHOOK_ENABLE_SCORECARD=on \
		MINIO_NOTIFY_WEBHOOK_ENDPOINT_SCORECARD="http://127.0.0.1:$port/events" \
		MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_SCORECARD="$token" \
		bash infra/minio.sh start "$dir/minio"
	bash infra/minio.sh mb "$dir/minio" "$bucket"
	# shellcheck disable=SC1091
	source "$dir/minio/env"
	[[ "$AWS_ENDPOINT_URL" == "http://127.0.0.1:$mport" ]] || { down "$dir"; die "MinIO is at $AWS_ENDPOINT_URL, not port $mport"; }

	# Uploads under raw/ notify the webhook. MinIO registers the target in the
	# background after it starts, so retry until it accepts the ARN.
	# (PutBucketNotificationConfiguration, signed by curl: no AWS CLI needed.)
	local conf='<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration><Queue>arn:minio:sqs::SCORECARD:webhook</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>raw/</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>'
	for ((i = 0; i < 80; i++)); do
		curl --silent --fail --max-time 5 --output /dev/null --request PUT --data-binary "$conf" \
			--header "x-amz-content-sha256: $(printf '%s' "$conf" | sha256sum | cut -d' ' -f1)" \
			--aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
			"$AWS_ENDPOINT_URL/$bucket?notification=" && break
		sleep 0.25
	done
	((i < 80)) || { down "$dir"; die "MinIO did not accept the webhook notification configuration"; }

	cat "$dir/minio/env" >"$dir/env"
	cat >>"$dir/env" <<ENV
export SCORECARD_BUCKET=$bucket
export SCORECARD_SERVE=http://127.0.0.1:$port
export SCORECARD_SERVE_TOKEN=$token
ENV
	chmod 600 "$dir/env"
	trap - EXIT
	say "up: MinIO at $AWS_ENDPOINT_URL, bucket $bucket, events to http://127.0.0.1:$port/events"
	say "logs: $dir/minio/minio.log $dir/serve.log; now: source $dir/env"
}

down() {
	local dir=$1 pid i
	if [[ -f "$dir/serve.pid" ]]; then
		pid=$(cat "$dir/serve.pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
			say "stopped scorecard serve (pid $pid)"
		fi
		rm -f "$dir/serve.pid" "$dir/serve.token"
	fi
	[[ -d "$dir/minio" ]] && bash infra/minio.sh stop "$dir/minio"
	rm -f "$dir/env" # a stale env names ports and a token that are gone
	return 0
}

case "${1:-}" in
up) (($# >= 2)) || usage; up "$2" "${3:-}" ;;
down) (($# == 2)) || usage; down "$2" ;;
*) usage ;;
esac
