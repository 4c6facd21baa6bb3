// The desk's settings, kept in the webview's local storage: the paper PDFs are drawn
// on, the resolver printed labels point to, and the language (i18n.ts). The key's lock
// time is the home's own (the backend keeps it).
const KEY = "tradeseal.settings";

export type Paper = "a4" | "letter";
export interface Settings {
  paper: Paper;
  resolver: string;
}

const defaults: Settings = { paper: "a4", resolver: "https://id.gs1.org" };

function load(): Settings {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Settings>;
    return {
      paper: saved.paper === "letter" ? "letter" : "a4",
      resolver: typeof saved.resolver === "string" && saved.resolver ? saved.resolver : defaults.resolver,
    };
  } catch {
    return { ...defaults };
  }
}

export const settings: Settings = load();

export function saveSettings(next: Partial<Settings>): void {
  Object.assign(settings, next);
  localStorage.setItem(KEY, JSON.stringify(settings));
}
