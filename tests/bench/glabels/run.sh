#!/usr/bin/env bash
# gLabels' batch mode (Debian's glabels 3.4, libqrencode) side by side with TradeSeal's
# labels bench, the same count of the same labels on the same A4 3x8 sheet, one after
# the other on this machine. Usage: tests/bench/glabels/run.sh [N] (default 1000).
# Needs `glabels` (apt install glabels) and a built bench (cargo bench --no-run).
set -euo pipefail
cd "$(dirname "$0")/../../.."
n="${1:-1000}"
out="$(mktemp -d)"
python3 tests/bench/glabels/make.py "$n" "$out"
echo "== gLabels 3 batch, $n labels"
/usr/bin/time -f "wall %e s, peak RSS %M KB" glabels-3-batch -o "$out/glabels.pdf" "$out/labels.glabels" 2>&1 | grep -v -e "LABEL FILE" || true
echo "file $(stat -c %s "$out/glabels.pdf") bytes, $(pdfinfo "$out/glabels.pdf" | awk '/^Pages/ {print $2}') pages"
echo "== TradeSeal, $n labels (signed, one ledger entry)"
cargo bench -q -p tradeseal-core --bench labels -- "$n" 2>/dev/null | grep -v "^scan"
rm -rf "$out"
