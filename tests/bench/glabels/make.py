#!/usr/bin/env python3
"""Writes the gLabels 3 document and CSV for N labels of the same shape as TradeSeal's
labels bench (A4 3x8, Avery L7159; a QR code of a 197-character signed label URI at
level Q, with the product name, GTIN, lot and serial beside it).
Usage: make.py N OUTDIR"""
import base64, os, random, sys

n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
with open(os.path.join(out, "labels.csv"), "w", encoding="utf-8") as f:
    for i in range(1, n + 1):
        sig = base64.b32encode(bytes(rng.getrandbits(8) for _ in range(64))).decode().rstrip("=")
        uri = f"https://id.acme-coffee.example/01/07701234000011/10/L2026-117/21/{i:06d}?k=4BQMFWV4UV7S4&b=0&s={sig}"
        f.write(f"{uri},Café de Huila 500 g,(01) 07701234000011,(10) L2026-117,(21) {i:06d}\n")

text = lambda y, field, size: f"""    <Object-text x="33.9mm" y="{y}mm" w="28mm" h="5mm" justify="Left" valign="Top" auto_shrink="False" a0="1" a1="0" a2="0" a3="1" a4="0" a5="0">
      <Span font_family="DejaVu Sans" font_size="{size}" font_weight="Regular" font_italic="False" color="0x000000ff" line_spacing="1"><Field name="{field}"/></Span>
    </Object-text>
"""
doc = f"""<?xml version="1.0"?>
<Glabels-document xmlns="http://glabels.org/xmlns/3.0/">
  <Template brand="Avery" part="L7159" size="A4" description="Address labels">
    <Meta category="label"/>
    <Label-rectangle id="0" width="63.5mm" height="33.9mm" round="0mm" x_waste="0mm" y_waste="0mm">
      <Markup-margin size="1.5mm"/>
      <Layout nx="3" ny="8" x0="7.25mm" y0="12.9mm" dx="66mm" dy="33.9mm"/>
    </Label-rectangle>
  </Template>
  <Objects id="0" rotate="False">
    <Object-barcode x="1.5mm" y="1.5mm" w="30.9mm" h="30.9mm" backend="libqrencode" style="IEC18004" text="False" checksum="True" color="0x000000ff" field="1" a0="1" a1="0" a2="0" a3="1" a4="0" a5="0"/>
{text(2.5, 2, 7)}{text(7.5, 3, 7)}{text(11.5, 4, 7)}{text(15.5, 5, 7)}  </Objects>
  <Merge type="Text/Comma" src="{os.path.abspath(os.path.join(out, 'labels.csv'))}"/>
</Glabels-document>
"""
with open(os.path.join(out, "labels.glabels"), "w", encoding="utf-8") as f:
    f.write(doc)
