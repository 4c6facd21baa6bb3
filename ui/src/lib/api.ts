// One wrapper per backend command, typed by the signatures generated from the Rust
// commands (commands.ts) and the types generated from the Rust types (bindings*.ts).
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { Commands } from "./commands";
import { lang, t, type MessageKey } from "./i18n";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ErrorCode, CertificateType, Dossier, Direction, ProgressView, TimelineFilter, UiError, DecimalMark } from "./bindings";

export type * from "./bindings";
export type * from "./bindings-app";
import type { HashProgress, ImportProgress } from "./bindings-app";

export type TraceKind = "lot" | "serial" | "sscc" | "id";
export type MasterKind = "product" | "location" | "party";

/** Every failed command rejects with a UiError; anything else is wrapped into one. */
export function asUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as UiError;
  return { code: "io", message: String(e), field: null };
}

/** Codes whose message needs its specifics (which field, file or record). */
const DETAILED = new Set<ErrorCode>(["home-missing", "not-a-home", "invalid-input", "invalid-document", "not-found", "bad-checkpoint", "storage", "io", "unreachable"]);

/** The error in the UI's language, by its stable code: outside English the code's own
 *  text, with the core's (English) specifics after it where they name what is wrong. */
function localized(u: UiError): UiError {
  if (lang === "en") return u;
  const head = t(`error.${u.code}` as MessageKey);
  return { ...u, message: DETAILED.has(u.code) ? `${head} (${u.message})` : head };
}

type Args<K extends keyof Commands> = Commands[K]["args"];
type Result<K extends keyof Commands> = Commands[K]["result"];

/** A command by its generated signature (commands.ts): a wrong name, argument or result
 *  type does not compile. */
async function call<K extends keyof Commands>(cmd: K, ...args: Args<K> extends Record<string, never> ? [] : [Args<K>]): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(cmd, args[0] as InvokeArgs | undefined);
  } catch (e) {
    throw localized(asUiError(e));
  }
}

export const api = {
  session: () => call("session"),
  createIdentity: (org: string, gln: string, passphrase: string) => call("create_identity", { org, gln, passphrase }),
  unlock: (passphrase: string) => call("unlock", { passphrase }),
  ledgerInfo: () => call("ledger_info"),
  /** Entries with from <= seq < to, newest first. */
  entries: (from: number, to: number) => call("entries", { from, to }),
  entryDetail: (seq: number) => call("entry_detail", { seq }),
  addNote: (text: string) => call("add_note", { text }),
  teamInfo: () => call("team_info"),
  teamInit: (url: string) => call("team_init", { url }),
  /** Makes this (empty) home an officer's desk of the team ledger at `url`, unlocked. */
  teamJoin: (url: string, name: string, passphrase: string, cardPath: string) => call("team_join", { url, name, passphrase, cardPath }),
  officerAdd: (cardPath: string, admin: boolean) => call("officer_add", { cardPath, admin }),
  officerRevoke: (key: string, reason: string) => call("officer_revoke", { key, reason }),
  verifyLedger: () => call("verify_ledger"),
  /** The user is active: the idle lock's clock starts again. */
  activity: () => call("activity"),
  lockNow: () => call("lock_now"),
  attention: () => call("attention"),
  openedFile: () => call("opened_file"),
  openDemo: () => call("open_demo"),
  setLanguage: (lang: string) => call("set_language", { lang }),
  setIdleLock: (minutes: number) => call("set_idle_lock", { minutes }),
  /** The key was locked: after the idle time, or because the computer slept. */
  onLocked: (f: (reason: "idle" | "sleep") => void): Promise<UnlistenFn> => listen<"idle" | "sleep">("session-locked", (e) => f(e.payload)),
  onVerifyProgress: (f: (p: ProgressView) => void): Promise<UnlistenFn> => listen<ProgressView>("verify-progress", (e) => f(e.payload)),

  epcisImport: (path: string) => call("epcis_import", { path }),
  onImportProgress: (f: (p: ImportProgress) => void): Promise<UnlistenFn> => listen<ImportProgress>("import-progress", (e) => f(e.payload)),
  epcisExport: (path: string, lot: string | null) => call("epcis_export", { path, lot }),
  timeline: (filter: TimelineFilter) => call("timeline", { filter }),
  eventDetail: (id: number) => call("event_detail", { id }),
  eventByHash: (hashId: string) => call("event_by_hash", { hashId }),
  trace: (kind: TraceKind, id: string, direction: Direction) => call("trace", { kind, id, direction }),
  mapPlaces: (keys: string[]) => call("map_places", { keys }),
  mapXinjiang: () => call("map_xinjiang"),
  dossierMap: (id: string) => call("dossier_map", { id }),
  checkIdentifier: (text: string) => call("check_identifier", { text }),
  vocabularies: () => call("vocabularies"),
  recordEvent: (event: Record<string, unknown>) => call("record_event", { event }),
  masterdataList: (kind: MasterKind | null, search: string | null) => call("masterdata_list", { kind, search }),
  saveProduct: (gtin: string, name: string, hsCode: string, unit: string) => call("save_product", { gtin, name, hsCode, unit }),
  saveLocation: (gln: string, name: string, country: string, region: string, address: string, geometry: string) =>
    call("save_location", { gln, name, country, region, address, geometry }),
  saveParty: (gln: string, name: string, country: string) => call("save_party", { gln, name, country }),

  bundleVerify: (path: string) => call("bundle_verify", { path }),
  onBundleProgress: (f: (entries: number) => void): Promise<UnlistenFn> => listen<{ entries: number }>("bundle-progress", (e) => f(e.payload.entries)),
  bundleCancel: () => call("bundle_cancel"),
  bundleImport: (path: string) => call("bundle_import", { path }),
  /** A UNTP credential file (vc+jwt) checked; nothing recorded. */
  untpVerify: (path: string) => call("untp_verify", { path }),
  bundleSaveReport: (path: string, out: string, letter: boolean) => call("bundle_save_report", { path, out, letter }),
  identityQr: () => call("identity_qr"),
  partiesList: () => call("parties_list"),
  partyHistory: (key: string) => call("party_history", { key }),
  partyAdd: (path: string) => call("party_add", { path }),
  partyDecide: (key: string, decision: "trust" | "distrust" | "revoke", from: string | null, reason: string | null) =>
    call("party_decide", { key, decision, from, reason }),

  dossierList: (search: string) => call("dossier_list", { search }),
  dossierNew: (shipment: string | null, like: string | null, lrn: string | null) => call("dossier_new", { shipment, like, lrn }),
  dossierOpen: (id: string) => call("dossier_open", { id }),
  /** Refused with `edit-conflict` if the draft was saved elsewhere since `revision`. */
  dossierSave: (dossier: Dossier, revision: string) => call("dossier_save", { dossier, revision }),
  dossierPasteLines: (id: string, text: string, decimal: DecimalMark | null) =>
    call("dossier_paste_lines", { id, text, decimal }),
  dossierAttach: (id: string, path: string, code: string, reference: string) => call("dossier_attach", { id, path, code, reference }),
  dossierSeal: (id: string) => call("dossier_seal", { id }),
  dossierAmend: (id: string) => call("dossier_amend", { id }),
  dossierPreview: (id: string, hide: string[], letter: boolean) => call("dossier_preview", { id, hide, letter }),
  dossierExport: (id: string, path: string, hide: string[], letter: boolean) => call("dossier_export", { id, path, hide, letter }),
  eudrGeojson: (id: string, path: string) => call("eudr_geojson", { id, path }),

  labelsLayouts: () => call("labels_layouts"),
  labelsPreview: (a: LabelRequest) => call("labels_preview", { ...a }),
  labelsIssue: (a: LabelRequest, path: string) => call("labels_issue", { ...a, path }),
  labelsReprint: (entry: number, layout: string, path: string) => call("labels_reprint", { entry, layout, path }),
  scanFiles: (paths: string[], place: string) => call("scan_files", { paths, place }),
  scanImage: (image: Uint8Array, place: string) => call("scan_image", { image: Array.from(image), place }),

  labelSightings: (gtin: string, serial: string) => call("label_sightings", { gtin, serial }),
  certificatesCandidates: () => call("certificates_candidates"),
  certificatesPreview: (a: CertificateRequest) => call("certificates_preview", { ...a }),
  certificatesIssue: (a: CertificateRequest, path: string) => call("certificates_issue", { ...a, path }),
  certificatesPrint: (entry: number, letter: boolean, path: string) => call("certificates_print", { entry, letter, path }),
  attestFile: (file: string, title: string, owner: string, letter: boolean, path: string) => call("attest_file", { file, title, owner, letter, path }),
  attestCheck: (file: string, certificate: string) => call("attest_check", { file, certificate }),
  onAttestProgress: (f: (p: HashProgress) => void): Promise<UnlistenFn> => listen<HashProgress>("attest-progress", (e) => f(e.payload)),
  publishPreview: (lot: string, hideQuantities: boolean, hidePartners: boolean) => call("publish_preview", { lot, hideQuantities, hidePartners }),
  publishWrite: (lot: string, serials: boolean, sightings: boolean, hideQuantities: boolean, hidePartners: boolean, base: string, dir: string) =>
    call("publish_write", { lot, serials, sightings, hideQuantities, hidePartners, base, dir }),
  printFile: (path: string) => call("print_file", { path }),
  printPages: (path: string) => call("print_pages", { path }),
};

/** What the Certificates screen asks for: a lot (GTIN/LOT) or a dossier, one of the two. */
export interface CertificateRequest {
  kind: CertificateType;
  lot: string;
  dossier: string;
  letter: boolean;
}



/** What the Labels screen asks for: the next `count` serials of a GTIN and lot. */
export interface LabelRequest {
  gtin: string;
  lot: string;
  count: number;
  layout: string;
  resolver: string;
  product: string;
}


