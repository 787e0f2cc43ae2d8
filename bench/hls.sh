#!/usr/bin/env bash
# Authorised HLS requests per second: StreamGate's HLS listener (every request checks the
# playback token and the revocation cache) against Debian's nginx serving the same files
# statically, measured with wrk in the same run, on the same machine. Prints both and the ratio.
# Needs the release binary (scripts/build.sh or `cargo build --release -p streamgate-server`),
# nginx and wrk (`apt-get install nginx wrk`). DURATION (seconds, default 10) and CONNECTIONS
# (default 32) tune the load.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=target/release/streamgate
[ -x "$binary" ] || { echo "no $binary: run scripts/build.sh first" >&2; exit 1; }
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk" >&2; exit 1; }
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
app=$(free_port); hls=$(free_port); static=$(free_port)
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# StreamGate with an organizer, an event, a code and its playback token.
STREAMGATE_DATA_DIR=$work/data "$binary" admin create --email bench@example.com --password 'bench password' >/dev/null 2>&1
STREAMGATE_DATA_DIR=$work/data STREAMGATE_STREAM_ROOT=$work/streams STREAMGATE_HLS_SOURCE=local RUST_LOG=warn \
  "$binary" serve --app-addr "127.0.0.1:$app" --hls-addr "127.0.0.1:$hls" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$app/api/v1/health" >/dev/null && break; sleep 0.1; done
cookie=$work/cookies
curl -sf -c "$cookie" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench password"}' "http://127.0.0.1:$app/api/admin/login" >/dev/null
now=$(date -u +%Y-%m-%dT%H:%M:%SZ); later=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
event=$(curl -sf -b "$cookie" -H 'content-type: application/json' \
  -d "{\"title\":\"Benchmark\",\"startsAt\":\"$now\",\"endsAt\":\"$later\"}" \
  "http://127.0.0.1:$app/api/admin/events" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
code=$(curl -sf -b "$cookie" -H 'content-type: application/json' -d '{"count":1}' \
  "http://127.0.0.1:$app/api/admin/events/$event/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"][0]["code"])')
token=$(curl -sf -H 'content-type: application/json' -d "{\"code\":\"$code\"}" \
  "http://127.0.0.1:$app/api/tokens/validate" | python3 -c 'import json,sys; print(json.load(sys.stdin)["playbackToken"])')
mkdir -p "$work/streams/$event"
cp -r fixtures/stream/. "$work/streams/$event/"

# nginx serving the same directory, no access checks, no logging.
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp; uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  server {
    listen 127.0.0.1:$static;
    location /streams/ { alias $work/streams/; add_header Cache-Control "no-cache, no-store"; }
  }
}
CONF
mkdir -p "$work/nginx-tmp"
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$static/streams/$event/stream.m3u8" >/dev/null && break; sleep 0.1; done

rps() { wrk -t2 -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ { printf "%.0f", $2 }'; }
check() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$@")" = 200 ] || { echo "not 200: $*" >&2; exit 1; }; }

printf 'wrk: 2 threads, %s connections, %ss per run; cores: %s\n' "$connections" "$duration" "$(nproc)"
printf '%-26s %14s %14s %8s\n' request streamgate nginx ratio
for path in "180p/index.m3u8" "360p/seg1.ts"; do
  url="http://127.0.0.1:$hls/streams/$event/$path"
  check -H "Authorization: Bearer $token" "$url"
  check "http://127.0.0.1:$static/streams/$event/$path"
  ours=$(rps -H "Authorization: Bearer $token" "$url")
  theirs=$(rps "http://127.0.0.1:$static/streams/$event/$path")
  printf '%-26s %12s/s %12s/s %8s\n' "$path ($(stat -c %s "fixtures/stream/$path") B)" "$ours" "$theirs" \
    "$(python3 -c "print(f'{$ours/$theirs:.2f}')")"
done
