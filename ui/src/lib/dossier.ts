// Helpers of the dossier builder: an editable copy of a dossier (every group present,
// empty text for absent fields) and the dossier again from it (empty fields absent),
// and the review's findings by field.
import type { Check, Dossier, DossierParty } from "./bindings";

export const ROLES = ["exporter", "consignee", "declarant", "representative"] as const;
export type Role = (typeof ROLES)[number];

function emptyParty(): DossierParty {
  return { name: "", ids: [] };
}

/** A copy with every party present, so inputs can bind to it. */
export function editable(d: Dossier): Dossier {
  const c: Dossier = JSON.parse(JSON.stringify(d));
  for (const r of ROLES) c.parties[r] ??= emptyParty();
  return c;
}

function prune(v: unknown): unknown {
  if (typeof v === "string") return v.trim() === "" ? undefined : v;
  if (Array.isArray(v)) return v.map((x) => prune(x) ?? "");
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return v;
}

/** The dossier to save: empty text fields removed, parties with nothing in them dropped,
 *  whole-number fields as numbers. */
export function toSave(d: Dossier): Dossier {
  const c = prune(JSON.parse(JSON.stringify(d))) as Dossier;
  for (const r of ROLES) {
    const p = c.parties[r];
    if (p && Object.keys(p).every((k) => k === "ids" && (p.ids ?? []).length === 0)) delete c.parties[r];
    else if (p && p.name === undefined) p.name = "";
  }
  const tp = c.header.total_packages as unknown;
  c.header.total_packages = tp === undefined || tp === "" ? undefined : Number(tp);
  for (const l of c.lines) {
    l.description ??= "";
    l.commodity ??= { hs: "" };
    l.commodity.hs ??= "";
    for (const p of l.packages) p.number = Number(p.number);
  }
  for (const doc of c.documents) {
    doc.code ??= "";
    doc.reference ??= "";
  }
  return c;
}

/** The element id of the input for a field (a JSON Pointer). */
export function fieldId(path: string): string {
  return "f" + path.replace(/[^A-Za-z0-9]/g, "-");
}

/** Findings at `path` exactly. */
export function at(checks: Check[], path: string): Check[] {
  return checks.filter((c) => c.path === path);
}
