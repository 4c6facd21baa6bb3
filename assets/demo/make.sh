#!/usr/bin/env bash
# Makes the partners' files of the README's tour (assets/demo/README.md): the farm's
# and the cooperative's identity cards, the cooperative's provenance bundle of the
# shipment (SSCC 077012340000000172, with the farm's entries it received), and a photo
# of one of the cooperative's labels. Run once; the files are kept as they are (their
# keys are random and not kept), so that the tour's output is the same on every run.
# Usage: bash assets/demo/make.sh [PATH-TO-tradeseal] (default: target/debug/tradeseal)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
BIN=${1:-$ROOT/target/debug/tradeseal}
HOPS=$ROOT/tests/fixtures/epcis/hops
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export TRADESEAL_PASSPHRASE="demo partners' passphrase"
farm() { "$BIN" --home "$WORK/farm" "$@"; }
coop() { "$BIN" --home "$WORK/coop" "$@"; }

farm init --org "Finca El Mirador" --gln 7701234000011
farm epcis import "$HOPS/farm.jsonld"
farm identity -o "$HERE/farm.card"
farm bundle export --lot 07701234000011/H-2026-017 -o "$WORK/h017.tsbundle"
farm bundle export --lot 07701234000011/H-2026-018 -o "$WORK/h018.tsbundle"

coop init --org "Cooperativa del Huila" --gln 7701234000004
coop party add "$HERE/farm.card"
coop party trust 7701234000011
coop bundle import "$WORK/h017.tsbundle"
coop bundle import "$WORK/h018.tsbundle"
coop epcis import "$HOPS/coop.jsonld"
coop identity -o "$HERE/coop.card"
coop bundle export --sscc 077012340000000172 -o "$HERE/sscc.tsbundle"

# One of the cooperative's labels, printed, photographed at an angle (ImageMagick).
coop masterdata product --gtin 07701234000011 --name "Green coffee, Huila" --hs 0901.11 --unit KGM
coop labels --gtin 07701234000011 --lot H-2026-017 --count 1 --resolver https://id.gs1.org -o "$WORK/label.pdf"
pdftoppm -r 200 -png -f 1 -l 1 "$WORK/label.pdf" "$WORK/page"
convert "$WORK"/page*.png -trim -bordercolor white -border 60 -background '#d8d4cc' -rotate 7 \
  -resize 1200x1200 -quality 88 "$HERE/photo.jpg"
# The exporter's invoice, a one-page PDF to attach to the dossier (no fonts embedded).
python3 - "$HERE/invoice.pdf" <<'PY'
import sys
lines = ["Cooperativa del Huila - Commercial invoice INV-0042",
         "Buyer: Acme Coffee Importers GmbH, Hamburg (DE)",
         "Date: 2026-02-01   Incoterms: FOB Buenaventura   Currency: USD",
         "1  Green coffee, washed, Huila  HS 0901.11  lot H-2026-017  1,200.00 kg  5,640.00",
         "2  Green coffee, washed, Huila  HS 0901.11  lot H-2026-018    800.00 kg  3,760.00",
         "Total: USD 9,400.00",
         "Demo document of TradeSeal's README tour: not a real invoice."]
text = "BT /F1 11 Tf 50 780 Td 15 TL " + " ".join("(%s) '" % l for l in lines) + " ET"
objs = ["<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)]
out = b"%PDF-1.4\n"
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += ("%d 0 obj\n%s\nendobj\n" % (i + 1, o)).encode()
x = len(out)
out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
for o in offs:
    out += ("%010d 00000 n \n" % o).encode()
out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)).encode()
open(sys.argv[1], "wb").write(out)
PY
ls -la "$HERE"
