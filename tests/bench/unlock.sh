#!/usr/bin/env bash
# What `tradeseal unlock` saves a script of signing commands: a note with the passphrase
# (its scrypt key derivation each time) against a note while the session is unlocked,
# time and peak memory of each, and 100 notes in a row unlocked. Release build; the
# home in a temporary folder on the disk of the current directory.
# Usage: bash tests/bench/unlock.sh   (after cargo build --release -p tradeseal-cli)
set -euo pipefail
T=$(cd "$(dirname "$0")/../.." && pwd)/target/release/tradeseal
W=$(mktemp -d -p "$PWD")
trap '"$T" --home "$W/h" lock >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
export TRADESEAL_PASSPHRASE="benchmark passphrase"
"$T" --home "$W/h" init --org Bench >/dev/null
for i in 1 2 3; do /usr/bin/time -f "note with the passphrase: %e s, peak RSS %M KB" "$T" --home "$W/h" note "p$i" >/dev/null; done
"$T" --home "$W/h" unlock >/dev/null
unset TRADESEAL_PASSPHRASE
for i in 1 2 3; do /usr/bin/time -f "note unlocked: %e s, peak RSS %M KB" "$T" --home "$W/h" note "u$i" </dev/null >/dev/null; done
s=$(date +%s%N)
for i in $(seq 100); do "$T" --home "$W/h" note "b$i" </dev/null >/dev/null; done
e=$(date +%s%N)
echo "100 notes unlocked, one process each: $(( (e - s) / 1000000 )) ms"
