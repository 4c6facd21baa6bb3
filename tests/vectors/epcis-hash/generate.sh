#!/usr/bin/env bash
# Regenerates the event-hash vectors with GS1's reference tool (PyPI), in a private venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TMPDIR:-/tmp}/tradeseal-ehg-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "epcis-event-hash-generator==1.9.3"
for doc in "$here"/../../fixtures/epcis/*.jsonld "$here"/../../fixtures/epcis/gs1/*.jsonld; do
  name="$(basename "$doc" .jsonld)"
  work="$(mktemp -d)"
  cp "$doc" "$work/$name.jsonld"
  (cd "$work" && "$venv/bin/python" -m epcis_event_hash_generator -b -p "$name.jsonld")
  cp "$work/$name.hashes" "$work/$name.prehashes" "$here/"
  rm -rf "$work"
done
