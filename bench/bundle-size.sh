#!/usr/bin/env bash
# Prints the size of the browser bundle a viewer downloads on first load (the main wasm, the JS
# that loads it and what that JS imports, the CSS): raw, gzip -9, and as the running server
# actually sends it (gzip via its compression layer). The dashboard's lazily loaded wasm parts
# (split_*.wasm, chunk_*.wasm) and hls.js (/vendor, imported when a player starts) are not part
# of it. Run after scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
[ -f "$pkg/streamgate.wasm" ] || { echo "no build in $pkg: run scripts/build.sh first" >&2; exit 1; }

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hls=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
STREAMGATE_DATA_DIR=$data RUST_LOG=warn target/release/streamgate serve \
  --app-addr "127.0.0.1:$port" --hls-addr "127.0.0.1:$hls" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done

printf '%-40s %10s %10s %10s\n' file raw gzip-9 served
total_raw=0; total_gz=0; total_served=0
first_load=(streamgate.wasm streamgate.js streamgate.css)
# What streamgate.js imports statically: the split loader and the wasm-bindgen snippets.
while read -r imported; do first_load+=("$imported"); done < <(
  grep -o 'from *"\./[^"]*"' "$pkg/streamgate.js" | sed 's/from *"\.\///; s/"$//' | sort -u)
for file in "${first_load[@]}"; do
  raw=$(stat -c %s "$pkg/$file")
  gz=$(gzip -9c "$pkg/$file" | wc -c)
  served=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "http://127.0.0.1:$port/pkg/$file")
  printf '%-40s %10d %10d %10d\n' "$file" "$raw" "$gz" "$served"
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_served=$((total_served + served))
done
printf '%-40s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_served"
