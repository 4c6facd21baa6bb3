// One typed wrapper per backend command (src-tauri/src/commands.rs), over generated types.
import { invoke } from "@tauri-apps/api/core";
import { lang, t, type MessageKey } from "./i18n";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  ErrorCode,
  MapPlace,
  Candidate,
  SightingRow,
  CertificateType,
  Statement,
  Scanned,
  SheetPreview,
  Dossier,
  PreviewPage,
  Review,
  SealOutcome,
  Stored,
  Summary,
  BundleImport,
  BundleReport,
  PartyView,
  QrModules,
  TrustDecision,
  Direction,
  EntryDetail,
  EntryView,
  Joined,
  TeamView,
  EventDetail,
  IdentityCard,
  LedgerView,
  MasterRecord,
  ProgressView,
  Report,
  SessionView,
  TimelineEvent,
  TimelineFilter,
  TraceResult,
  UiError,
  DecimalMark,
  NumberReading,
  ImportReport,
  Attention,
} from "./bindings";

export type * from "./bindings";
export type * from "./bindings-app";
import type { CertificateDrawn, ImportProgress, LabelsIssued, LabelStock, OpenedDossier, ScannedFile, Vocabularies } from "./bindings-app";

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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw localized(asUiError(e));
  }
}

export const api = {
  session: () => call<SessionView>("session"),
  createIdentity: (org: string, gln: string, passphrase: string) => call<IdentityCard>("create_identity", { org, gln, passphrase }),
  unlock: (passphrase: string) => call<IdentityCard>("unlock", { passphrase }),
  ledgerInfo: () => call<LedgerView>("ledger_info"),
  /** Entries with from <= seq < to, newest first. */
  entries: (from: number, to: number) => call<EntryView[]>("entries", { from, to }),
  entryDetail: (seq: number) => call<EntryDetail>("entry_detail", { seq }),
  addNote: (text: string) => call<EntryView>("add_note", { text }),
  teamInfo: () => call<TeamView>("team_info"),
  teamInit: (url: string) => call<TeamView>("team_init", { url }),
  /** Makes this (empty) home an officer's desk of the team ledger at `url`, unlocked. */
  teamJoin: (url: string, name: string, passphrase: string, cardPath: string) => call<Joined>("team_join", { url, name, passphrase, cardPath }),
  officerAdd: (cardPath: string, admin: boolean) => call<TeamView>("officer_add", { cardPath, admin }),
  officerRevoke: (key: string, reason: string) => call<TeamView>("officer_revoke", { key, reason }),
  verifyLedger: () => call<Report>("verify_ledger"),
  /** The user is active: the idle lock's clock starts again. */
  activity: () => call<void>("activity"),
  lockNow: () => call<void>("lock_now"),
  attention: () => call<Attention>("attention"),
  openedFile: () => call<string | null>("opened_file"),
  openDemo: () => call<IdentityCard>("open_demo"),
  setLanguage: (lang: string) => call<string>("set_language", { lang }),
  setIdleLock: (minutes: number) => call<number>("set_idle_lock", { minutes }),
  /** The key was locked: after the idle time, or because the computer slept. */
  onLocked: (f: (reason: "idle" | "sleep") => void): Promise<UnlistenFn> => listen<"idle" | "sleep">("session-locked", (e) => f(e.payload)),
  onVerifyProgress: (f: (p: ProgressView) => void): Promise<UnlistenFn> => listen<ProgressView>("verify-progress", (e) => f(e.payload)),

  epcisImport: (path: string) => call<ImportReport>("epcis_import", { path }),
  onImportProgress: (f: (p: ImportProgress) => void): Promise<UnlistenFn> => listen<ImportProgress>("import-progress", (e) => f(e.payload)),
  epcisExport: (path: string, lot: string | null) => call<number>("epcis_export", { path, lot }),
  timeline: (filter: TimelineFilter) => call<TimelineEvent[]>("timeline", { filter }),
  eventDetail: (id: number) => call<EventDetail>("event_detail", { id }),
  eventByHash: (hashId: string) => call<EventDetail>("event_by_hash", { hashId }),
  trace: (kind: TraceKind, id: string, direction: Direction) => call<TraceResult>("trace", { kind, id, direction }),
  mapPlaces: (keys: string[]) => call<MapPlace[]>("map_places", { keys }),
  mapXinjiang: () => call<[number, number][]>("map_xinjiang"),
  dossierMap: (id: string) => call<MapPlace[]>("dossier_map", { id }),
  checkIdentifier: (text: string) => call<string>("check_identifier", { text }),
  vocabularies: () => call<Vocabularies>("vocabularies"),
  recordEvent: (event: Record<string, unknown>) => call<{ event: TimelineEvent; new: boolean }>("record_event", { event }),
  masterdataList: (kind: MasterKind | null, search: string | null) => call<MasterRecord[]>("masterdata_list", { kind, search }),
  saveProduct: (gtin: string, name: string, hsCode: string, unit: string) => call<number>("save_product", { gtin, name, hsCode, unit }),
  saveLocation: (gln: string, name: string, country: string, region: string, address: string, geometry: string) =>
    call<number>("save_location", { gln, name, country, region, address, geometry }),
  saveParty: (gln: string, name: string, country: string) => call<number>("save_party", { gln, name, country }),

  bundleVerify: (path: string) => call<BundleReport>("bundle_verify", { path }),
  onBundleProgress: (f: (entries: number) => void): Promise<UnlistenFn> => listen<{ entries: number }>("bundle-progress", (e) => f(e.payload.entries)),
  bundleCancel: () => call<void>("bundle_cancel"),
  bundleImport: (path: string) => call<BundleImport>("bundle_import", { path }),
  bundleSaveReport: (path: string, out: string, letter: boolean) => call<string>("bundle_save_report", { path, out, letter }),
  identityQr: () => call<QrModules>("identity_qr"),
  partiesList: () => call<PartyView[]>("parties_list"),
  partyHistory: (key: string) => call<TrustDecision[]>("party_history", { key }),
  partyAdd: (path: string) => call<PartyView>("party_add", { path }),
  partyDecide: (key: string, decision: "trust" | "distrust" | "revoke", from: string | null, reason: string | null) =>
    call<PartyView>("party_decide", { key, decision, from, reason }),

  dossierList: (search: string) => call<Summary[]>("dossier_list", { search }),
  dossierNew: (shipment: string | null, like: string | null, lrn: string | null) => call<OpenedDossier>("dossier_new", { shipment, like, lrn }),
  dossierOpen: (id: string) => call<OpenedDossier>("dossier_open", { id }),
  /** Refused with `edit-conflict` if the draft was saved elsewhere since `revision`. */
  dossierSave: (dossier: Dossier, revision: string) => call<OpenedDossier>("dossier_save", { dossier, revision }),
  dossierPasteLines: (id: string, text: string, decimal: DecimalMark | null) =>
    call<[OpenedDossier, NumberReading[]]>("dossier_paste_lines", { id, text, decimal }),
  dossierAttach: (id: string, path: string, code: string, reference: string) => call<OpenedDossier>("dossier_attach", { id, path, code, reference }),
  dossierSeal: (id: string) => call<SealOutcome>("dossier_seal", { id }),
  dossierAmend: (id: string) => call<OpenedDossier>("dossier_amend", { id }),
  dossierPreview: (id: string, hide: string[], letter: boolean) => call<PreviewPage[]>("dossier_preview", { id, hide, letter }),
  dossierExport: (id: string, path: string, hide: string[], letter: boolean) => call<string>("dossier_export", { id, path, hide, letter }),
  eudrGeojson: (id: string, path: string) => call<{ path: string; plots: number; warnings: string[] }>("eudr_geojson", { id, path }),

  labelsLayouts: () => call<LabelStock[]>("labels_layouts"),
  labelsPreview: (a: LabelRequest) => call<SheetPreview>("labels_preview", { ...a }),
  labelsIssue: (a: LabelRequest, path: string) => call<LabelsIssued>("labels_issue", { ...a, path }),
  labelsReprint: (entry: number, layout: string, path: string) => call<LabelsIssued>("labels_reprint", { entry, layout, path }),
  scanFiles: (paths: string[], place: string) => call<ScannedFile[]>("scan_files", { paths, place }),
  scanImage: (image: Uint8Array, place: string) => call<ScannedFile>("scan_image", { image: Array.from(image), place }),

  labelSightings: (gtin: string, serial: string) => call<SightingRow[]>("label_sightings", { gtin, serial }),
  certificatesCandidates: () => call<Candidate[]>("certificates_candidates"),
  certificatesPreview: (a: CertificateRequest) => call<CertificateDrawn>("certificates_preview", { ...a }),
  certificatesIssue: (a: CertificateRequest, path: string) => call<CertificateDrawn>("certificates_issue", { ...a, path }),
  certificatesPrint: (entry: number, letter: boolean, path: string) => call<CertificateDrawn>("certificates_print", { entry, letter, path }),
  printFile: (path: string) => call<string>("print_file", { path }),
  printPages: (path: string) => call<string[]>("print_pages", { path }),
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


