// The message catalogues and locale formatting. Every user-facing string comes from a
// catalogue: the UI's own (src/locales) and the core's (assets/locales: the PDFs'
// words and every finding's text, keyed by its stable code), one file per language.
// The language is the one chosen in Settings, else the system's, else English.
import en from "../locales/en.json";
import coreEn from "../../../assets/locales/en.json";

type Catalogue = Record<string, string>;
export type MessageKey = keyof typeof en | keyof typeof coreEn;
/** Keys with plural forms: `KEY.one`, `KEY.other` (and any other CLDR category). */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

// English is bundled with the code (every other language falls back to it); the
// language in use is loaded before the window is drawn (`loadLanguage`).
const ui = import.meta.glob<Catalogue>(["../locales/*.json", "!../locales/en.json"], { import: "default" });
const core = import.meta.glob<Catalogue>(["../../../assets/locales/*.json", "!../../../assets/locales/en.json"], { import: "default" });

/** The languages, by BCP 47 primary tag, each named in itself. */
export const languages: { code: string; name: string }[] = [
  { code: "en", name: "English" },
  { code: "es", name: "Español" },
  { code: "pt", name: "Português" },
  { code: "fr", name: "Français" },
  { code: "de", name: "Deutsch" },
  { code: "zh", name: "简体中文" },
];

async function load(code: string): Promise<Catalogue> {
  const [c, u] = await Promise.all([core[`../../../assets/locales/${code}.json`]?.(), ui[`../locales/${code}.json`]?.()]);
  return { ...(c ?? {}), ...(u ?? {}) };
}

const LANG_KEY = "tradeseal.lang";

/** The locale: the language chosen in Settings, else the system's if TradeSeal speaks it. */
function userLocale(): string {
  const chosen = typeof localStorage !== "undefined" ? localStorage.getItem(LANG_KEY) : null;
  if (chosen && languages.some((l) => l.code === chosen)) return chosen === "zh" ? "zh-CN" : chosen;
  const wanted = typeof navigator !== "undefined" ? navigator.language : "";
  try {
    const tag = Intl.getCanonicalLocales(wanted)[0] ?? "en";
    return languages.some((l) => l.code === tag.split("-")[0]) ? tag : "en";
  } catch {
    return "en";
  }
}

const locale = userLocale();
/** The language in use: en, es, pt, fr, de or zh. */
export const lang = locale.split("-")[0] ?? "en";
const english: Catalogue = { ...coreEn, ...en };
let active: Catalogue = english;

/** Loads the language in use (call once, before the app is mounted). */
export async function loadLanguage(): Promise<void> {
  if (lang !== "en") active = { ...english, ...(await load(lang)) };
  document.documentElement.lang = locale;
}

/** Chooses the language and reloads the window in it. */
export function setLanguage(code: string): void {
  localStorage.setItem(LANG_KEY, code);
  location.reload();
}

/** Whether the catalogue has `key` (a finding code the catalogue explains). */
export function has(key: string): key is MessageKey {
  return key in english;
}

/** The message `key`, with `{name}` placeholders filled from `vars` (numbers locale-formatted). */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = active[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined ? `{${name}}` : typeof v === "number" ? formatNumber(v) : v;
  });
}

const plurals = new Intl.PluralRules(locale);

/** The plural form of `key` for `count` ({count} is filled in). */
export function tn(key: PluralKey, count: number, vars: Record<string, string | number> = {}): string {
  const form = `${key}.${plurals.select(count)}`;
  const k = (form in english ? form : `${key}.other`) as MessageKey;
  return t(k, { ...vars, count });
}

/** What a finding with `code` means and what to do, in the UI's language; `null` for a
 *  code the catalogue does not know (a newer file's), whose own text is shown instead. */
export function finding(code: string): { message: string; action: string } | null {
  const k = `finding.${code}`;
  if (!has(k)) return null;
  return { message: t(k), action: t(`${k}.do` as MessageKey) };
}

/** A GS1 Digital Link as people read it, in the UI's language: `04012345123456 lot
 *  R-2026-031`, `SSCC 377…`; anything else as written. */
export function idLabel(id: string, productName?: string | null): string {
  const m = /^https:\/\/id\.gs1\.org\/(?:01\/(\d{14})(?:\/(10|21)\/([^/]+))?|00\/(\d{18}))$/.exec(id);
  if (!m) return id;
  if (m[4]) return `SSCC ${m[4]}`;
  const gtin = productName ?? m[1]!;
  if (!m[2]) return t("pdf.label.product", { gtin });
  const value = decodeURIComponent(m[3]!);
  return m[2] === "10" ? t("pdf.label.lot", { gtin, lot: value }) : t("pdf.label.serial", { gtin, serial: value });
}

/** A label the core wrote in English (`04012345123456 lot R-2026-031`) in the UI's
 *  language, the product by its master-data name where `name` knows the GTIN; any
 *  other text as it is. */
export function relabel(label: string, name?: (gtin: string) => string | undefined): string {
  const m = /^(\d{14}) (lot|serial) (.+)$/.exec(label);
  if (!m) return label;
  const gtin = name?.(m[1]!) ?? m[1]!;
  return m[2] === "lot" ? t("pdf.label.lot", { gtin, lot: m[3]! }) : t("pdf.label.serial", { gtin, serial: m[3]! });
}

/** UN/ECE Recommendation 20 units shown by their symbol (kg, t, L); others as coded. */
const UNIT_SYMBOLS: Record<string, string> = { KGM: "kg", TNE: "t", GRM: "g", LTR: "L", MTQ: "m³", MTR: "m" };

/** A quantity and its unit as a person reads them: `1,200 kg` in the UI's locale. */
export function quantity(value: string, unit: string | null | undefined): string {
  const n = Number(value);
  const shown = value.trim() !== "" && Number.isFinite(n) ? formatNumber(n) : value;
  return unit ? `${shown} ${UNIT_SYMBOLS[unit] ?? unit}` : shown;
}

/** A CBV 2.0 business step, disposition or event action (`commissioning`, `in_transit`,
 *  `ADD`) in the UI's language; English shows the standard's own term, and a term the
 *  catalogue does not know is shown as it is. */
export function vocab(term: string | null | undefined): string {
  if (!term) return "";
  const bare = term.replace(/^(?:urn:epcglobal:cbv:(?:bizstep|disp):|https?:\/\/ns\.gs1\.org\/cbv\/(?:BizStep|Disp)-)/, "");
  const k = `cbv.${bare}`;
  return has(k) ? t(k) : term;
}

const numberFormat = new Intl.NumberFormat(locale);
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

export function formatTime(unixMillis: number): string {
  return dateFormat.format(new Date(unixMillis));
}
