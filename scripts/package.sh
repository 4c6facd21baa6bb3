#!/usr/bin/env bash
# Builds this platform's installers of the desktop app with the Tauri CLI (the npm
# package @tauri-apps/cli, a development dependency of ui/): on Linux a .deb and an .rpm
# in target/release/bundle/ (with --debug: target/debug/bundle/, from the debug build the
# tests use). Version, icon, desktop entry and file associations (.tsbundle, EPCIS
# .jsonld and .xml) come from src-tauri/tauri.conf.json. On Windows and macOS the same
# command builds their installers there (README: Installers).
# Usage: bash scripts/package.sh [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd ui && npm ci --no-audit --no-fund --silent && npm run --silent build)
cd src-tauri
../ui/node_modules/.bin/tauri build "$@" --ci
