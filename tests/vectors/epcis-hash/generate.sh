#!/usr/bin/env bash
# Regenerates the event-hash vectors with GS1's reference tool (PyPI), in a private venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TMPDIR:-/tmp}/tradeseal-ehg-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "epcis-event-hash-generator==1.9.3"
for doc in "$here"/../../fixtures/epcis/*.jsonld "$here"/../../fixtures/epcis/gs1/*.jsonld \
           "$here"/../../fixtures/epcis/*.xml; do
  name="$(basename "$doc" .jsonld)"
  case "$doc" in *.xml) name="$(basename "$doc")" ;; esac
  work="$(mktemp -d)"
  case "$doc" in
    *.xml) cp "$doc" "$work/$name"; in="$name"; stem="${name%.xml}" ;;
    *) cp "$doc" "$work/$name.jsonld"; in="$name.jsonld"; stem="$name" ;;
  esac
  (cd "$work" && "$venv/bin/python" -m epcis_event_hash_generator -b -p "$in")
  cp "$work/$stem.hashes" "$here/$name.hashes"
  cp "$work/$stem.prehashes" "$here/$name.prehashes"
  rm -rf "$work"
done
