#!/usr/bin/env bash
# Installs what is missing, builds the UI and the desktop app (release), and launches it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --release -p tradeseal-app -p tradeseal-cli
echo "TradeSeal: the CLI is target/release/tradeseal; starting the app"
exec target/release/tradeseal-app
