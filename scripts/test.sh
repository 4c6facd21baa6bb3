#!/usr/bin/env bash
# Runs every test: formatting, the UI type check, the core and CLI tests, the generated
# bindings check, the desktop build, and the end-to-end tests in a real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

echo "== rustfmt"
cargo fmt --all -- --check

echo "== UI: type check and build"
(cd ui && npm run --silent check && npm run --silent build)

echo "== a throwaway PostgreSQL cluster for the tests (a Unix socket in a temporary folder; stopped and deleted at the end)"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/tradeseal-pg-run.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDIR"; fi
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U tradeseal --no-sync -E UTF8 --locale C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -o "-k $PGDIR -c listen_addresses=''" -l "$PGDIR/server.log" -w start >/dev/null
trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"' EXIT
export TRADESEAL_TEST_POSTGRES="host=$PGDIR user=tradeseal"

echo "== core and CLI tests (no GTK needed)"
cargo test --workspace --exclude tradeseal-app

echo "== the core's tests again, every home's ledger version 2 from entry 0 (its own SQLite file), then a team ledger in PostgreSQL"
# Tests of version 1 ledgers, and those that make their own ledgers on both engines,
# say so and return (tests/it/main.rs: version_1_only, runs_once).
TRADESEAL_TEST_STORE=sqlite-v2 cargo test -p tradeseal-core --test it
TRADESEAL_TEST_STORE=postgres cargo test -p tradeseal-core --test it

echo "== the core and the CLI built for Windows (the home folder's owner-only access lists; no session agent there)"
# Compiled, tests included, not run: they run on Windows (Wine keeps no access lists).
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
dpkg-query -W -f='${Status}' gcc-mingw-w64-x86-64 2>/dev/null | grep -q "install ok installed" \
  || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
cargo check --target x86_64-pc-windows-gnu -p tradeseal-core --lib --tests
cargo check --target x86_64-pc-windows-gnu -p tradeseal-cli --bins

echo "== fuzz smoke pass of every parser (proptest, 2,000 cases each; fuzz/ for long runs)"
TRADESEAL_FUZZ_CASES=2000 cargo test -p tradeseal-core --test it fuzz

echo "== ledger, bundle, dossier seal, label and certificate vectors, checked independently (Python)"
python3 tests/vectors/ledger/check.py
python3 tests/vectors/bundle/check.py --vectors
python3 tests/vectors/dossier/check.py
python3 tests/vectors/dossier/check_sealed_v2.py
python3 tests/vectors/label/check.py
python3 tests/vectors/certificate/check.py
python3 tests/vectors/untp/check.py

echo "== label URIs checked by GS1's digital-link.js"
(cd tests/gs1 && npm ci --no-audit --no-fund --silent && node --test)

echo "== ZPL labels rendered by an independent ZPL engine (Zebrash) and read back"
(cd tests/zpl && npm ci --no-audit --no-fund --silent && node --test)

echo "== desktop app build and its own tests (the idle lock)"
cargo build -p tradeseal-app
cargo test -p tradeseal-app

echo "== end to end in the real window (Xvfb + tauri-driver + WebKitWebDriver)"
node --test --test-concurrency=1 --test-timeout=180000 tests/e2e/*.test.mjs

echo "== installers: the .deb and .rpm built (scripts/package.sh, from the debug build), the .deb installed here, the installed app in the real window"
bash scripts/package.sh --debug
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --reinstall ./target/debug/bundle/deb/TradeSeal_*_amd64.deb >/dev/null
TRADESEAL_APP=/usr/bin/tradeseal-app node --test --test-concurrency=1 --test-timeout=180000 tests/e2e/app.test.mjs tests/e2e/installed.test.mjs
echo "screenshots: target/e2e/"
