// Master data's names for the codes screens show: products by GTIN, parties and places
// by GLN. Read when a screen opens (master data is small); a code it does not know
// stays a code.
import { api } from "./api";

export interface Named {
  name: string;
  country: string | null;
}

export interface Names {
  /** The product's name by its GTIN (14 digits). */
  product: (gtin: string) => string | undefined;
  /** The party's or place's name and country by its GLN (13 digits), a party first. */
  gln: (gln: string) => Named | undefined;
  /** Every party and place, to offer in a GLN field. */
  glns: (Named & { gln: string })[];
}

export const NO_NAMES: Names = { product: () => undefined, gln: () => undefined, glns: [] };

function country(record: unknown): string | null {
  const c = (record as { country?: unknown } | null)?.country;
  return typeof c === "string" ? c : null;
}

export async function loadNames(): Promise<Names> {
  const [products, parties, places] = await Promise.all([api.masterdataList("product", null), api.masterdataList("party", null), api.masterdataList("location", null)]);
  const byGtin = new Map(products.map((r) => [r.key, r.name]));
  const byGln = new Map<string, Named>([...places, ...parties].map((r) => [r.key, { name: r.name, country: country(r.record) }]));
  const glns = [...byGln].map(([gln, n]) => ({ gln, ...n })).sort((a, b) => a.name.localeCompare(b.name));
  return { product: (g) => byGtin.get(g), gln: (g) => byGln.get(g), glns };
}
