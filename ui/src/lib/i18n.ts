// The message catalogue and locale formatting. Every user-facing string comes from a
// catalogue in src/locales; adding a language is adding a file.
import en from "../locales/en.json";

type Catalogue = Record<string, string>;
export type MessageKey = keyof typeof en;
/** Keys with plural forms: `KEY.one`, `KEY.other` (and any other CLDR category). */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

const catalogues: Record<string, Catalogue> = { en };
/** The user's locale if it is a valid BCP 47 tag; a POSIX "C" or empty locale means English. */
function userLocale(): string {
  const wanted = typeof navigator !== "undefined" ? navigator.language : "";
  try {
    return Intl.getCanonicalLocales(wanted)[0] ?? "en";
  } catch {
    return "en";
  }
}

const locale = userLocale();
const active: Catalogue = catalogues[locale.split("-")[0] ?? "en"] ?? en;

/** The message `key`, with `{name}` placeholders filled from `vars` (numbers locale-formatted). */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = active[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined ? `{${name}}` : typeof v === "number" ? formatNumber(v) : v;
  });
}

const plurals = new Intl.PluralRules(locale);

/** The plural form of `key` for `count` ({count} is filled in). */
export function tn(key: PluralKey, count: number, vars: Record<string, string | number> = {}): string {
  const form = `${key}.${plurals.select(count)}`;
  const k = (form in en ? form : `${key}.other`) as MessageKey;
  return t(k, { ...vars, count });
}

const numberFormat = new Intl.NumberFormat(locale);
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

export function formatTime(unixMillis: number): string {
  return dateFormat.format(new Date(unixMillis));
}
