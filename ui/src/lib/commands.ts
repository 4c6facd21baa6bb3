// Generated from the #[tauri::command] functions by src-tauri/tests/commands.rs. Do not
// edit: run `TRADESEAL_BLESS=1 cargo test -p tradeseal-app --test commands` to regenerate.

import type { Attention, BundleImport, BundleReport, Candidate, DecimalMark, Direction, Dossier, EntryDetail, EntryView, EventDetail, IdentityCard, ImportReport, Joined, LedgerView, MapPlace, MasterRecord, NumberReading, PartyView, PreviewPage, QrModules, Report, SealOutcome, SessionView, SheetPreview, SightingRow, Summary, TeamView, TimelineEvent, TimelineFilter, TraceResult, TrustDecision } from "./bindings";
import type { CertificateDrawn, EventRecorded, GeoJsonSaved, LabelStock, LabelsIssued, OpenedDossier, ScannedFile, Vocabularies } from "./bindings-app";

/** Every command of the app: the arguments the UI sends and what it returns. */
export interface Commands {
  activity: { args: Record<string, never>; result: void };
  add_note: { args: { text: string }; result: EntryView };
  attention: { args: Record<string, never>; result: Attention };
  bundle_cancel: { args: Record<string, never>; result: void };
  bundle_import: { args: { path: string }; result: BundleImport };
  bundle_save_report: { args: { path: string; out: string; letter: boolean }; result: string };
  bundle_verify: { args: { path: string }; result: BundleReport };
  certificates_candidates: { args: Record<string, never>; result: Candidate[] };
  certificates_issue: { args: { kind: string; lot: string; dossier: string; letter: boolean; path: string }; result: CertificateDrawn };
  certificates_preview: { args: { kind: string; lot: string; dossier: string; letter: boolean }; result: CertificateDrawn };
  certificates_print: { args: { entry: number; letter: boolean; path: string }; result: CertificateDrawn };
  check_identifier: { args: { text: string }; result: string };
  create_identity: { args: { org: string; gln: string; passphrase: string }; result: IdentityCard };
  dossier_amend: { args: { id: string }; result: OpenedDossier };
  dossier_attach: { args: { id: string; path: string; code: string; reference: string }; result: OpenedDossier };
  dossier_export: { args: { id: string; path: string; hide: string[]; letter: boolean }; result: string };
  dossier_list: { args: { search: string }; result: Summary[] };
  dossier_map: { args: { id: string }; result: MapPlace[] };
  dossier_new: { args: { shipment: string | null; like: string | null; lrn: string | null }; result: OpenedDossier };
  dossier_open: { args: { id: string }; result: OpenedDossier };
  dossier_paste_lines: { args: { id: string; text: string; decimal: DecimalMark | null }; result: [OpenedDossier, NumberReading[]] };
  dossier_preview: { args: { id: string; hide: string[]; letter: boolean }; result: PreviewPage[] };
  dossier_save: { args: { dossier: Dossier; revision: string }; result: OpenedDossier };
  dossier_seal: { args: { id: string }; result: SealOutcome };
  entries: { args: { from: number; to: number }; result: EntryView[] };
  entry_detail: { args: { seq: number }; result: EntryDetail };
  epcis_export: { args: { path: string; lot: string | null }; result: number };
  epcis_import: { args: { path: string }; result: ImportReport };
  eudr_geojson: { args: { id: string; path: string }; result: GeoJsonSaved };
  event_by_hash: { args: { hashId: string }; result: EventDetail };
  event_detail: { args: { id: number }; result: EventDetail };
  identity_qr: { args: Record<string, never>; result: QrModules };
  label_sightings: { args: { gtin: string; serial: string }; result: SightingRow[] };
  labels_issue: { args: { gtin: string; lot: string; count: number; layout: string; resolver: string; product: string; path: string }; result: LabelsIssued };
  labels_layouts: { args: Record<string, never>; result: LabelStock[] };
  labels_preview: { args: { gtin: string; lot: string; count: number; layout: string; resolver: string; product: string }; result: SheetPreview };
  labels_reprint: { args: { entry: number; layout: string; path: string }; result: LabelsIssued };
  ledger_info: { args: Record<string, never>; result: LedgerView };
  lock_now: { args: Record<string, never>; result: void };
  map_places: { args: { keys: string[] }; result: MapPlace[] };
  map_xinjiang: { args: Record<string, never>; result: ([number, number])[] };
  masterdata_list: { args: { kind: string | null; search: string | null }; result: MasterRecord[] };
  officer_add: { args: { cardPath: string; admin: boolean }; result: TeamView };
  officer_revoke: { args: { key: string; reason: string }; result: TeamView };
  open_demo: { args: Record<string, never>; result: IdentityCard };
  opened_file: { args: Record<string, never>; result: string | null };
  parties_list: { args: Record<string, never>; result: PartyView[] };
  party_add: { args: { path: string }; result: PartyView };
  party_decide: { args: { key: string; decision: string; from: string | null; reason: string | null }; result: PartyView };
  party_history: { args: { key: string }; result: TrustDecision[] };
  print_file: { args: { path: string }; result: string };
  print_pages: { args: { path: string }; result: string[] };
  record_event: { args: { event: unknown }; result: EventRecorded };
  save_location: { args: { gln: string; name: string; country: string; region: string | null; address: string | null; geometry: string | null }; result: number };
  save_party: { args: { gln: string; name: string; country: string }; result: number };
  save_product: { args: { gtin: string; name: string; hsCode: string | null; unit: string | null }; result: number };
  scan_files: { args: { paths: string[]; place: string }; result: ScannedFile[] };
  scan_image: { args: { image: number[]; place: string }; result: ScannedFile };
  session: { args: Record<string, never>; result: SessionView };
  set_idle_lock: { args: { minutes: number }; result: number };
  set_language: { args: { lang: string }; result: string };
  team_info: { args: Record<string, never>; result: TeamView };
  team_init: { args: { url: string }; result: TeamView };
  team_join: { args: { url: string; name: string; passphrase: string; cardPath: string }; result: Joined };
  timeline: { args: { filter: TimelineFilter }; result: TimelineEvent[] };
  trace: { args: { kind: string; id: string; direction: Direction }; result: TraceResult };
  unlock: { args: { passphrase: string }; result: IdentityCard };
  verify_ledger: { args: Record<string, never>; result: Report };
  vocabularies: { args: Record<string, never>; result: Vocabularies };
}
