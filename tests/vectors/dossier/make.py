#!/usr/bin/env python3
"""Writes the dossier validation vectors: valid/*.json are dossiers with no finding;
invalid/*.json wrap a dossier with the finding it must produce
({"expect": {"code", "path"}, "dossier": {...}}). Run from the repository root:
python3 tests/vectors/dossier/make.py. Each invalid case changes one thing of the
base dossier, so the expected path is exact."""
import copy, json, os

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = {
    "format": "tradeseal-dossier/1",
    "id": "D0123456789abcdef",
    "version": 1,
    "header": {
        "declaration_type": "IMA", "procedure": "4000", "lrn": "ACME-2026-0042",
        "declaration_date": "2026-03-02", "offices": {"declaration": "DE004700"},
        "total_packages": 34, "total_gross_mass_kg": "2040.5",
    },
    "parties": {
        "exporter": {"name": "Cooperativa Café do Sul", "country": "CO", "gln": "7701234000004"},
        "consignee": {"name": "Acme Coffee Importers GmbH", "country": "DE", "eori": "DE123456789012345", "gln": "4012345000009"},
    },
    "transport": {
        "mode_at_border": "1", "transport_document": "MEDUCO123456",
        "containers": [{"number": "CSQU3054383", "seals": ["ML-0042"]}],
        "loading_place": "COBUN", "unloading_place": "DEHAM",
        "dispatch_country": "CO", "destination_country": "DE",
    },
    "valuation": {
        "incoterm": "FOB", "incoterm_place": "Buenaventura", "currency": "USD",
        "exchange_rate": "0.9213", "exchange_rate_date": "2026-03-01", "total_invoiced": "9400.00",
    },
    "lines": [
        {"description": "Green coffee, washed, Huila", "commodity": {"hs": "090111", "cn": "09011100"},
         "origin_country": "CO", "net_mass_kg": "1200", "gross_mass_kg": "1224.3",
         "packages": [{"kind": "BG", "number": 20}], "value": "5640.00",
         "quantity": {"value": "1200", "unit": "KGM"}},
        {"description": "Green coffee, washed, Huila", "commodity": {"hs": "090111"},
         "origin_country": "CO", "net_mass_kg": "800", "gross_mass_kg": "816.2",
         "packages": [{"kind": "BG", "number": 14}], "value": "3760.00"},
    ],
    "documents": [{"code": "N380", "reference": "INV-0042", "date": "2026-02-01"}],
}


def at(doc, path):
    parts = path.strip("/").split("/")
    for p in parts[:-1]:
        doc = doc[int(p)] if isinstance(doc, list) else doc[p]
    return doc, (int(parts[-1]) if isinstance(doc, list) else parts[-1])


def setv(doc, path, value):
    d, k = at(doc, path)
    if value is None:
        del d[k]
    elif isinstance(d, list) and k == len(d):
        d.append(value)
    else:
        d[k] = value


# (name, [(path, new value or None to delete)], expected code, expected path)
INVALID = [
    ("missing-lrn", [("/header/lrn", None)], "required", "/header/lrn"),
    ("lrn-too-long", [("/header/lrn", "ACME-2026-0042-EXTRA-LONG")], "lrn-format", "/header/lrn"),
    ("declaration-type", [("/header/declaration_type", "XX")], "declaration-type", "/header/declaration_type"),
    ("procedure", [("/header/procedure", "40")], "procedure-format", "/header/procedure"),
    ("date-not-real", [("/header/declaration_date", "2026-02-30")], "date-format", "/header/declaration_date"),
    ("office", [("/header/offices/declaration", "ZZ004700")], "office-format", "/header/offices/declaration"),
    ("entry-number", [("/header/entry_number", "ABC-123456-8")], "entry-number-format", "/header/entry_number"),
    ("missing-consignee", [("/parties/consignee", None)], "required", "/parties/consignee"),
    ("party-country", [("/parties/exporter/country", "XX")], "country-unknown", "/parties/exporter/country"),
    ("eori", [("/parties/consignee/eori", "DE 1234")], "eori-format", "/parties/consignee/eori"),
    ("gln-check-digit", [("/parties/exporter/gln", "7701234000005")], "gln-check-digit", "/parties/exporter/gln"),
    ("container-check-digit", [("/transport/containers/0/number", "CSQU3054384")], "container-check-digit", "/transport/containers/0/number"),
    ("transport-mode", [("/transport/mode_at_border", "6")], "transport-mode", "/transport/mode_at_border"),
    ("locode-format", [("/transport/loading_place", "CO-BUN")], "locode-format", "/transport/loading_place"),
    ("locode-country", [("/transport/unloading_place", "XXHAM")], "locode-country", "/transport/unloading_place"),
    ("incoterm-2010", [("/valuation/incoterm", "DAT")], "incoterm-unknown", "/valuation/incoterm"),
    ("incoterm-place", [("/valuation/incoterm_place", None)], "required", "/valuation/incoterm_place"),
    ("incoterm-sea-rule-by-air", [("/transport/mode_at_border", "4")], "incoterm-mode", "/valuation/incoterm"),
    ("currency", [("/valuation/currency", "USX")], "currency-unknown", "/valuation/currency"),
    ("rate-without-date", [("/valuation/exchange_rate_date", None)], "required", "/valuation/exchange_rate_date"),
    ("total-precision", [("/valuation/total_invoiced", "9400.001")], "amount-precision", "/valuation/total_invoiced"),
    ("total-mismatch", [("/valuation/total_invoiced", "9400.01")], "total-mismatch", "/valuation/total_invoiced"),
    ("total-thousands-separator", [("/valuation/total_invoiced", "9,400.00")], "decimal-format", "/valuation/total_invoiced"),
    ("line-value-rounding", [("/lines/0/value", "5640.004")], "amount-precision", "/lines/0/value"),
    ("line-value-negative", [("/lines/1/value", "-3760.00")], "negative-amount", "/lines/1/value"),
    ("hs-unknown", [("/lines/1/commodity/hs", "090199")], "hs-unknown", "/lines/1/commodity/hs"),
    ("hs-format", [("/lines/0/commodity/hs", "0901.11")], "hs-format", "/lines/0/commodity/hs"),
    ("cn-not-extending-hs", [("/lines/0/commodity/cn", "09012100")], "cn-format", "/lines/0/commodity/cn"),
    ("htsus-format", [("/lines/1/commodity/htsus", "09011100")], "htsus-format", "/lines/1/commodity/htsus"),
    ("origin-missing", [("/lines/1/origin_country", None)], "required", "/lines/1/origin_country"),
    ("net-above-gross", [("/lines/1/net_mass_kg", "816.3")], "net-above-gross", "/lines/1/net_mass_kg"),
    ("total-gross", [("/header/total_gross_mass_kg", "2040.6")], "total-gross-mismatch", "/header/total_gross_mass_kg"),
    ("packages", [("/header/total_packages", 35)], "packages-mismatch", "/header/total_packages"),
    ("package-kind", [("/lines/0/packages/0/kind", "bag")], "package-kind", "/lines/0/packages/0/kind"),
    ("unit", [("/lines/0/quantity/unit", "kilograms")], "unit-format", "/lines/0/quantity/unit"),
    ("item-not-gs1", [("/lines/0/items", [{"id": "lot H-2026-017"}])], "item-id", "/lines/0/items/0/id"),
    ("no-lines", [("/lines", []), ("/header/total_packages", None), ("/header/total_gross_mass_kg", None), ("/valuation/total_invoiced", "0.00")], "required", "/lines"),
    ("document-date", [("/documents/0/date", "01.02.2026")], "date-format", "/documents/0/date"),
    ("dds-without-verification", [("/documents/0", {"code": "EUDR-DDS", "reference": "26DEABCD1234567"})], "required", "/documents/0/verification"),
    ("format", [("/format", "tradeseal-dossier/2")], "dossier-format", "/format"),
]

VALID = [
    ("coffee-import-eu", []),
    ("us-entry-htsus", [("/header/declaration_type", "01"), ("/header/procedure", "0000"), ("/header/entry_number", "ABC-1234567-8"),
                        ("/header/offices/declaration", "1001"), ("/lines/0/commodity", {"hs": "090111", "htsus": "0901110025"}),
                        ("/valuation/incoterm", "CIF"), ("/valuation/incoterm_place", "New York")]),
    ("rounding-half-away-from-zero", [("/lines/0/value", "5640.005"), ("/lines/1/value", "3759.995"), ("/valuation/total_invoiced", "9400.01")]),
    ("zero-decimal-currency", [("/valuation/currency", "JPY"), ("/lines/0/value", "846000"), ("/lines/1/value", "564000"), ("/valuation/total_invoiced", "1410000")]),
    ("three-decimal-currency", [("/valuation/currency", "KWD"), ("/lines/0/value", "1733.125"), ("/lines/1/value", "1155.417"), ("/valuation/total_invoiced", "2888.542")]),
    ("eudr-dds-document", [("/documents/1", {"code": "EUDR-DDS", "reference": "26DEABCD1234567", "verification": "KX8Q2P7R"})]),
    ("unicode-names", [("/parties/exporter/name", "云南咖啡合作社"), ("/parties/consignee/name", "Kaffeerösterei Müller & Söhne")]),
]


def write(folder, name, obj):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


for name, changes in VALID:
    d = copy.deepcopy(BASE)
    for p, v in changes:
        setv(d, p, v)
    write("valid", name, d)
for name, changes, code, path in INVALID:
    d = copy.deepcopy(BASE)
    for p, v in changes:
        setv(d, p, v)
    write("invalid", name, {"expect": {"code": code, "path": path}, "dossier": d})
