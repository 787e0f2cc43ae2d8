#!/usr/bin/env bash
# Installs what is missing, builds, and serves StreamGate with its embedded SQLite database in
# ./data, with the demo event playing (--demo; reused at every start). Extra arguments go to
# `streamgate serve` (see docs/CONFIGURATION.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
printf '\n==> Starting StreamGate\n'
exec target/release/streamgate serve --demo "$@"
