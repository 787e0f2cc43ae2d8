#!/usr/bin/env bash
# Builds the release binary (target/release/streamgate) and the site (target/site).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
printf '\n==> Building StreamGate (release)\n'
# The player imports hls.js (npm, version pinned in package-lock.json) from the site's public
# files; copied here so the built site always carries the installed version.
mkdir -p public/vendor
cp node_modules/hls.js/dist/hls.min.mjs public/vendor/hls.min.mjs
# cargo-leptos puts ./node_modules/.bin first on PATH, so the wasm-opt it runs is npm's binaryen
# even where Debian's (version 108, which emits wasm that fails in browsers) is installed.
# --split: the dashboard's lazy routes become separately loaded wasm (app/src/pages/dashboard.rs).
cargo leptos build --release --split
