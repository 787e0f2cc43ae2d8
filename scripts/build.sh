#!/usr/bin/env bash
# Builds the release binary (target/release/streamgate) and the site (target/site).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
printf '\n==> Building StreamGate (release)\n'
# cargo-leptos puts ./node_modules/.bin first on PATH, so the wasm-opt it runs is npm's binaryen
# even where Debian's (version 108, which emits wasm that fails in browsers) is installed.
cargo leptos build --release
