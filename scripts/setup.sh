#!/usr/bin/env bash
# Installs what building and testing StreamGate needs, skipping whatever is already there:
# the wasm target, cargo-leptos, the wasm-bindgen CLI matching Cargo.lock, the npm tools
# (Playwright, binaryen's wasm-opt, hls.js) and Debian's Chromium. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
# cargo-leptos runs whichever wasm-bindgen is on PATH; it must equal the crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version >/dev/null 2>&1; then
  step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (the slowest step: about 16 minutes on 2 cores, once per machine)"
  # no_downloads: cargo-leptos must never fetch tools from outside the package registries.
  # A lighter release profile roughly halves its build time; its speed does not matter.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --force
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages (Playwright, binaryen, hls.js)"
  # Playwright drives Debian's Chromium; it must not download a browser of its own.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ]; then
  step "Installing Chromium from Debian"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium
fi
