// OpenAttestation (v2 documents) wraps 1,000 documents of 20 goods lines in one batch
// (salted per-field hashes under one Merkle root) and verifies each wrapped document's
// signature (its target hash and Merkle proof). Offline: no network is used.
// Usage: npm ci && node bench.mjs [N]. The same shape as TradeSeal's dossier bench.
import { wrapDocuments, verifySignature } from "@govtechsg/open-attestation";

const n = Number(process.argv[2] ?? 1000);

function doc(i) {
  const lines = Array.from({ length: 20 }, (_, k) => ({
    description: `Green coffee, washed, lot ${i}-${k}`,
    commodity: { hs: "090111", cn: "09011100" },
    origin_country: "CO",
    net_mass_kg: "1200",
    gross_mass_kg: "1224.3",
    packages: [{ kind: "BG", number: 20 }],
    value: "470.00",
    quantity: { value: "1200", unit: "KGM" },
  }));
  return {
    $template: { name: "CUSTOMS_DOSSIER", type: "EMBEDDED_RENDERER", url: "https://localhost/renderer" },
    issuers: [{ name: "Acme Coffee Importers", documentStore: "0x9178F546D3FF57D7A6352bD61B80cCCD46199C2d", identityProof: { type: "DNS-TXT", location: "example.com" } }],
    id: `D${String(i).padStart(16, "0")}`,
    header: { declaration_type: "IMA", procedure: "4000", lrn: `ACME-2026-${i}`, declaration_date: "2026-03-02", offices: { declaration: "DE004700" } },
    parties: { exporter: { name: "Cooperativa Café do Sul", country: "CO" }, consignee: { name: "Acme Coffee Importers GmbH", country: "DE", eori: "DE123456789012345" } },
    transport: { mode_at_border: "1", containers: [{ number: "CSQU3054383" }], loading_place: "COBUN", unloading_place: "DEHAM" },
    valuation: { incoterm: "FOB", incoterm_place: "Buenaventura", currency: "USD", total_invoiced: "9400.00" },
    lines,
  };
}

const docs = Array.from({ length: n }, (_, i) => doc(i));
const t0 = performance.now();
const wrapped = wrapDocuments(docs);
const t1 = performance.now();
let ok = 0;
for (const w of wrapped) if (verifySignature(w)) ok++;
const t2 = performance.now();
if (ok !== n) throw new Error(`${n - ok} documents did not verify`);
console.log(`OpenAttestation ${n} documents of 20 lines: wrap ${((t1 - t0) / 1000).toFixed(2)} s, verify ${((t2 - t1) / 1000).toFixed(2)} s, total ${((t2 - t0) / 1000).toFixed(2)} s (${((t2 - t0) / n).toFixed(2)} ms per document)`);
