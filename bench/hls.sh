#!/usr/bin/env bash
# Authorised HLS requests per second: StreamGate's HLS listener (every request checks the
# playback token and the revocation cache) against Debian's nginx serving the same files
# statically, measured with wrk in the same run, on the same machine. Prints both and the ratio.
# Then the cost of metrics: the same requests to a second StreamGate on the same database with
# METRICS_TOKEN set (every request counted), alternating with the first (no token, no recorder)
# for ROUNDS rounds (default 5); prints the medians of requests per second and of the server's
# CPU time per request, and the overhead of each.
# Needs the release binary (scripts/build.sh or `cargo build --release -p streamgate-server`;
# under $CARGO_TARGET_DIR when that is set), nginx and wrk (`apt-get install nginx wrk`).
# DURATION (seconds, default 10) and CONNECTIONS (default 32) tune the load.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${CARGO_TARGET_DIR:-target}/release/streamgate
[ -x "$binary" ] || { echo "no $binary: run scripts/build.sh first" >&2; exit 1; }
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk" >&2; exit 1; }
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-5}
metrics_token=bench-metrics-token

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
app=$(free_port); hls=$(free_port); static=$(free_port)
metered_app=$(free_port); metered_hls=$(free_port)
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "${metered:-}" ] && kill "$metered" 2>/dev/null && wait "$metered" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# StreamGate with an organizer, an event, a code and its playback token.
STREAMGATE_DATA_DIR=$work/data "$binary" admin create --email bench@example.com --password 'bench password' >/dev/null 2>&1
# serve LOG APP-PORT HLS-PORT [VAR=VALUE…]: StreamGate on the bench's database, up when it returns.
serve() {
  local log=$1 app_port=$2 hls_port=$3; shift 3
  env -u METRICS_TOKEN STREAMGATE_DATA_DIR="$work/data" STREAMGATE_STREAM_ROOT="$work/streams" \
    STREAMGATE_HLS_SOURCE=local RUST_LOG=warn "$@" \
    "$binary" serve --app-addr "127.0.0.1:$app_port" --hls-addr "127.0.0.1:$hls_port" 2>"$work/$log" &
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$app_port/api/v1/health" >/dev/null && break; sleep 0.1; done
}
serve server.log "$app" "$hls"
server=$!
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

# The same requests with metrics on: a second instance with METRICS_TOKEN, alternating with the
# first so that both see the machine's load alike. A heartbeat before each run keeps the viewer's
# session (and so its token) alive however long the rounds take. Besides requests per second,
# each run reports the server's CPU time per request (from /proc), which other processes on the
# machine disturb much less than throughput.
serve metered.log "$metered_app" "$metered_hls" METRICS_TOKEN=$metrics_token
metered=$!
heartbeat() { curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$app/api/playback/heartbeat" >/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# measure PID URL: "<requests per second> <CPU microseconds per request>".
measure() {
  local pid=$1 url=$2 before after out
  heartbeat
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $token" "$url")
  after=$(cpu_ticks "$pid")
  WRK_OUTPUT=$out python3 - "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import os, re, sys
before, after, tick = map(float, sys.argv[1:])
text = os.environ["WRK_OUTPUT"]
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(round(rps), round((after - before) / tick * 1e6 / requests, 1))
PY
}
printf '\nmetrics: %s rounds of %ss, alternating; medians\n' "$rounds" "$duration"
printf '%-18s %12s %12s %9s %14s %14s %9s\n' request "off req/s" "on req/s" overhead \
  "off CPU/req" "on CPU/req" overhead
for path in "180p/index.m3u8" "360p/seg1.ts"; do
  results=()
  for _ in $(seq "$rounds"); do
    results+=("off $(measure "$server" "http://127.0.0.1:$hls/streams/$event/$path")")
    results+=("on $(measure "$metered" "http://127.0.0.1:$metered_hls/streams/$event/$path")")
  done
  python3 - "$path" "${results[@]}" <<'PY'
import statistics, sys
path, runs = sys.argv[1], [run.split() for run in sys.argv[2:]]
def median(mode, column):
    return statistics.median(float(run[column]) for run in runs if run[0] == mode)
rps_off, rps_on, cpu_off, cpu_on = median("off", 1), median("on", 1), median("off", 2), median("on", 2)
print(f"{path:<18} {rps_off:10.0f}/s {rps_on:10.0f}/s {(1 - rps_on / rps_off) * 100:8.1f}% "
      f"{cpu_off:11.1f} us {cpu_on:11.1f} us {(cpu_on / cpu_off - 1) * 100:8.1f}%")
print("  runs (mode, req/s, CPU us/req):", "; ".join(" ".join(run) for run in runs))
PY
done
# The metered instance counted what it served.
curl -sf -H "Authorization: Bearer $metrics_token" "http://127.0.0.1:$metered_app/metrics" \
  | grep -E '^streamgate_hls_requests_total\{kind="(playlist|segment)",outcome="served"\}'
