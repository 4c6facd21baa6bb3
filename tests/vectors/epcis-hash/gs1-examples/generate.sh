#!/usr/bin/env bash
# Regenerates the event-hash vectors of GS1's example documents
# (tests/fixtures/epcis/gs1-examples) with GS1's reference tool from PyPI, one process per
# file (the tool keeps state between files):
#   FILE.tool       the released tool's ids, one a line, or `error: …` where it stops
#   FILE.hashes     the reference ids: the tool with the corrections of
#                   docs/spec/epcis-event.md §3.5 (reference.py)
#   FILE.prehashes  their pre-hash strings
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../../fixtures/epcis/gs1-examples"
venv="${TMPDIR:-/tmp}/tradeseal-ehg-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "epcis-event-hash-generator==1.9.3"
cd "$src"
find JSON XML XSL -type f \( -name '*.jsonld' -o -name '*.json' -o -name '*.xml' \) \
  -not -path '*/XSD/*' | sort | while read -r f; do
  mkdir -p "$here/$(dirname "$f")"
  out="$here/$f"
  if ids=$("$venv/bin/python" "$here/reference.py" --released "$f" 2>/tmp/ehg-err); then
    printf '%s\n' "$ids" | cut -f1 | sed '/^$/d' > "$out.tool"
  else
    echo "error: $(grep -v '^\s' /tmp/ehg-err | tail -1)" > "$out.tool"
  fi
  "$venv/bin/python" "$here/reference.py" "$f" > /tmp/ehg-ref
  cut -f1 /tmp/ehg-ref > "$out.hashes"
  cut -f2 /tmp/ehg-ref > "$out.prehashes"
done
echo "vectors written under $here"
