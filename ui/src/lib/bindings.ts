// Generated from the Rust types by tradeseal-core (src/bindings.rs). Do not edit:
// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-core bindings` to regenerate.

export type ErrorCode = "home-missing" | "home-exists" | "not-a-home" | "wrong-passphrase" | "invalid-input" | "invalid-document" | "busy" | "read-only" | "not-found" | "bad-checkpoint" | "storage" | "io" | "cancelled" | "edit-conflict" | "unreachable";

export type UiError = { code: ErrorCode, message: string, field: string | null, };

export type IdentityCard = { format: string, org: string, gln: string | null, 
/**
 * Ed25519 public key, lowercase hex.
 */
public_key: string, 
/**
 * Six groups of five digits, for reading aloud and comparing.
 */
fingerprint: string, 
/**
 * The ledger's log origin (and checkpoint key name).
 */
origin: string, 
/**
 * The C2SP verifier key of the checkpoints.
 */
vkey: string, };

export type EntryView = { seq: number, kind: string, 
/**
 * RFC 3339, UTC, milliseconds.
 */
time: string, 
/**
 * Unix milliseconds, for formatting in the user's locale.
 */
time_ms: number, author: string, prev: string, hash: string, signature: string, payload: unknown, 
/**
 * One line for lists.
 */
summary: string, 
/**
 * Who made it, on a team ledger: the officer's name (or the organisation's, for
 * its own key).
 */
officer?: string, };

export type OfficerView = { name: string, role: string, public_key: string, fingerprint: string, 
/**
 * The entry that enrolled them.
 */
added: number, 
/**
 * The entry that revoked them, and from when.
 */
revoked: number | null, revoked_from: string | null, };

export type TeamView = { 
/**
 * The team ledger this desk writes (database and host), if any.
 */
store: string | null, 
/**
 * This desk's officer, on an officer's desk.
 */
officer: string | null, officer_fingerprint: string | null, 
/**
 * Whether this desk may enrol and revoke officers.
 */
admin: boolean, officers: Array<OfficerView>, };

export type Joined = { name: string, fingerprint: string, card_path: string, };

export type SessionView = { 
/**
 * The home folder in use.
 */
home: string, 
/**
 * A home exists there (else the app offers to create one).
 */
exists: boolean, unlocked: boolean, card: IdentityCard | null, 
/**
 * Minutes without activity after which the app locks the key.
 */
idle_lock_minutes: number, };

export type LedgerView = { size: number, root: string, checkpoint: string, };

export type EntryDetail = { entry: EntryView, proof: InclusionProof, };

export type ProgressView = { done: number, total: number, };

export type InclusionProof = { seq: number, size: number, entry_hash: string, leaf_hash: string, root: string, 
/**
 * Sibling hashes from the leaf up, lowercase hex.
 */
path: Array<string>, checkpoint: string, };

export type ConsistencyProof = { old_size: number, old_root: string, new_size: number, new_root: string, path: Array<string>, checkpoint: string, };

export type Verdict = "intact" | "failed";

export type Severity = "error" | "warning";

export type Finding = { code: string, severity: Severity, seq: number | null, message: string, action: string, };

export type Report = { verdict: Verdict, origin: string, 
/**
 * Entries found in the ledger.
 */
entries: number, 
/**
 * The size the latest checkpoint signs.
 */
checkpoint_size: number, root: string, 
/**
 * The saved checkpoint's size, when one was given and it verified as a prefix.
 */
saved_checkpoint_size: number | null, 
/**
 * The lowest entry number any finding names.
 */
first_bad: number | null, findings: Array<Finding>, };

export type Product = { gtin: string, name: string, hsCode?: string, 
/**
 * UN/ECE Rec 20 unit the product is counted or weighed in (`KGM`, `H87` pieces …).
 */
unit?: string, };

export type Location = { gln: string, name: string, 
/**
 * ISO 3166-1 alpha-2.
 */
country: string, 
/**
 * ISO 3166-2 subdivision, e.g. `CO-HUI`.
 */
region?: string, address?: string, 
/**
 * A GeoJSON Point or Polygon in WGS 84 (RFC 7946), for farms and plots.
 */
geometry?: unknown, 
/**
 * What EUDR asks of a plot of land where a commodity is produced.
 */
plot?: Plot, 
/**
 * The fewest fraction digits of the geometry's coordinates as the source wrote them
 * (`2.150000` has 6; the number itself is 2.15): JSON numbers lose trailing zeros.
 */
coordinateDecimals?: number, };

export type Party = { gln: string, name: string, country: string, };

export type MasterRecord = { 
/**
 * `product`, `location` or `party`.
 */
kind: string, 
/**
 * GTIN or GLN.
 */
key: string, name: string, 
/**
 * The ledger entry of this version.
 */
seq: number, record: unknown, };

export type TrustStatus = "unknown" | "trusted" | "distrusted";

export type PartyView = { card: IdentityCard, status: TrustStatus, 
/**
 * Revoked from this time on (RFC 3339), with the reason.
 */
revokedFrom: string | null, revokeReason: string | null, };

export type TrustDecision = { seq: number, 
/**
 * Entry kind: party.add, party.trust, party.distrust, party.revoke.
 */
kind: string, 
/**
 * When it was recorded.
 */
time: string, payload: unknown, };

export type SignerStatus = { "status": "own" } | { "status": "trusted" } | { "status": "unknown" } | { "status": "distrusted" } | { "status": "revoked", from: string, reason: string, } | { "status": "revokedLater", from: string, reason: string, };

export type Subject = { 
/**
 * `lot`, `serial` or `sscc`.
 */
kind: string, 
/**
 * Canonical GS1 Digital Link.
 */
id: string, };

export type BundleVerdict = "verified" | "verified-with-warnings" | "incomplete" | "failed";

export type FindingSeverity = "error" | "gap" | "warning" | "info";

export type BundleFinding = { code: string, severity: FindingSeverity, 
/**
 * The line of the bundle file (1-based).
 */
line: number | null, 
/**
 * The party concerned: organisation and key.
 */
party: string | null, 
/**
 * The event concerned: its CBV 2.0 hash id.
 */
event: string | null, field: string | null, message: string, 
/**
 * What the user can do.
 */
action: string, };

export type AuthorSummary = { key: string, org: string, fingerprint: string, 
/**
 * own, trusted, unknown, distrusted or revoked.
 */
status: string, entries: number, };

export type Hop = { key: string, org: string, 
/**
 * failed: an error was found about it; incomplete: a gap; verified-with-warnings: a
 * warning; else verified.
 */
verdict: BundleVerdict, events: number, 
/**
 * Its first event's time (RFC 3339, UTC), when it signed events.
 */
firstEvent: string | null, };

export type Handover = { from: string, to: string, receipts: number, 
/**
 * No custody or time problem in any of them.
 */
ok: boolean, };

export type BundleReport = { verdict: BundleVerdict, subject: Subject | null, exporter: string | null, entries: number, events: number, authors: Array<AuthorSummary>, findings: Array<BundleFinding>, 
/**
 * Findings not listed (beyond the first 1,000).
 */
moreFindings: number, 
/**
 * The signers in the order their first event happened, each with a verdict of its
 * own (from the findings about it): the hops of the chain.
 */
hops: Array<Hop>, 
/**
 * Custody hand-overs between signers (shipments matched by receipts).
 */
handovers: Array<Handover>, 
/**
 * The share (0 to 1) of the subject's quantity whose origin the chain proves:
 * created by events signed by trusted parties, through sound steps (UNTP's
 * verified ratio, computed, not declared).
 */
verifiedShare: number | null, };

export type QrModules = { width: number, 
/**
 * `true` for dark modules, row after row.
 */
dark: Array<boolean>, };

export type BundleImport = { report: BundleReport, 
/**
 * Partners' entries added now, and those held already.
 */
newEntries: number, knownEntries: number, 
/**
 * The own-ledger entry recording this import; `None` when nothing was new.
 */
recorded: number | null, };

export type Direction = "back" | "forward";

export type Attention = { 
/**
 * Drafts with errors to correct before they can be sealed.
 */
drafts: Array<DraftAttention>, 
/**
 * Partners' cards recorded whose fingerprint was never confirmed.
 */
unconfirmed: Array<IdentityCard>, 
/**
 * Labels issued since the start of today (UTC).
 */
labels_today: number, 
/**
 * Entries in the ledger, and the size its latest checkpoint signs.
 */
entries: number, checkpoint_size: number, 
/**
 * The size of the latest checkpoint handed out in a bundle, if any was.
 */
handed_out: number | null, 
/**
 * Partners' bundles verified here whose chain was not imported (filled in from the
 * home's record by `with_received`).
 */
received: Array<Received>, };

export type DraftAttention = { id: string, lrn?: string, 
/**
 * Errors of its fields (provenance and EUDR are checked when it is opened).
 */
errors: number, updated: string, };

export type Received = { 
/**
 * SHA-256 of the file, hex.
 */
sha256: string, 
/**
 * Where it was verified from.
 */
path: string, 
/**
 * The goods it is about, for people (`04012345123456 lot R-2026-031`).
 */
subject: string | null, verdict: BundleVerdict, 
/**
 * When it was last verified (RFC 3339).
 */
verifiedAt: string, imported: boolean, };

export type ImportReport = { documentType: string, format: Format, events: number, new: number, known: number, 
/**
 * Master-data records (locations, products, parties) recorded from the document.
 */
masterDataRecorded: number, 
/**
 * What became of each master-data element of the document.
 */
masterData: Array<MasterDataOutcome> | undefined, 
/**
 * How many warnings there were (the first 1,000 are listed).
 */
warningCount: number, warnings: Array<ImportWarning> | undefined, 
/**
 * Every event's outcome, when asked for.
 */
outcomes: Array<ImportOutcome> | undefined, };

export type ImportWarning = { index: number, message: string, };

export type ImportOutcome = { index: number, hashId: string, 
/**
 * The event's row in the ledger's event table (the same for a repeated event).
 */
event: number, 
/**
 * The ledger entry written for it; `None` when the ledger already held the event.
 */
entry: number | null, };

export type MasterDataOutcome = { 
/**
 * The element's id as the document wrote it.
 */
id: string, 
/**
 * `location`, `product` or `party`; `None` when the element is not master data
 * TradeSeal keeps.
 */
kind?: string, 
/**
 * `recorded` (a new record or version), `unchanged` or `skipped`.
 */
outcome: string, 
/**
 * Why it was skipped.
 */
reason?: string, };

export type Format = "JSON-LD" | "XML 2.0" | "XML 1.2";

export type TimelineFilter = { 
/**
 * A GTIN (any length).
 */
product?: string, 
/**
 * `GTIN/LOT`.
 */
lot?: string, 
/**
 * A GLN: events read or located there.
 */
location?: string, 
/**
 * A CBV business step, short or full.
 */
bizStep?: string, 
/**
 * Unix ms, inclusive.
 */
fromMs?: number, 
/**
 * Unix ms, exclusive.
 */
toMs?: number, 
/**
 * Continue after this (time_ms, id), for the next page.
 */
before?: [number, number], };

export type TimelineEvent = { 
/**
 * The event's row in the ledger's event table: how the app asks for it again.
 */
id: number, 
/**
 * The ledger holding its entry: `None` for this organisation's own ledger, else the
 * partner's log origin.
 */
origin: string | null, 
/**
 * The entry's sequence number in that ledger.
 */
seq: number, hashId: string, eventType: string, timeMs: number, 
/**
 * `eventTime` as recorded, with its offset.
 */
eventTime: string, action: string | null, bizStep: string | null, disposition: string | null, location: string | null, locationName: string | null, 
/**
 * The identifiers the event names, as short labels (first 5).
 */
objects: Array<string>, moreObjects: number, 
/**
 * Who recorded it, on a team ledger (an own event): the officer's name.
 */
officer?: string, };

export type EventObject = { id: string, label: string, 
/**
 * The product's name in master data (by its GTIN), when recorded.
 */
name: string | null, 
/**
 * `object`, `parent`, `child`, `input` or `output`.
 */
role: string, quantity: number | null, uom: string | null, };

export type EventDetail = { event: TimelineEvent, objects: Array<EventObject>, 
/**
 * The EPCIS event as recorded.
 */
json: unknown, entry: EntryView, };

export type TraceResult = { start: string, direction: Direction, 
/**
 * The start first, then every reached identifier in order of distance.
 */
nodes: Array<TraceNode>, 
/**
 * Every recorded event that names a node, oldest first.
 */
events: Array<TraceEvent>, massBalance: Array<MassBalance>, };

export type MapPlace = { 
/**
 * The location's GLN.
 */
gln: string, name: string, country: string, 
/**
 * A GeoJSON Point or Polygon in WGS 84.
 */
geometry: unknown, 
/**
 * The plot's area: the polygon's (geodesic), else the one stated for a point.
 */
areaHa: number | null, 
/**
 * A point standing for more than 4 ha (EUDR asks for the polygon).
 */
over4ha: boolean, 
/**
 * Within the Xinjiang outline (UFLPA), by its coordinates.
 */
inXinjiang: boolean, };

export type TraceNode = { id: string, 
/**
 * `lot`, `serial`, `sscc`, `product` or `other`.
 */
kind: string, 
/**
 * Short text for people: `07701234000011 lot H-2026-017`.
 */
label: string, productName: string | null, depth: number, 
/**
 * The node one step nearer the start, and the event linking them.
 */
from: string | null, via: string | null, 
/**
 * Hash ids of the events linking the start to this node, in order.
 */
path: Array<string>, 
/**
 * For backward traces: nodes nothing else leads back from.
 */
origin: boolean, 
/**
 * The event that created the node (commissioning or transformation output), if recorded.
 */
createdBy: string | null, createdAt: string | null, createdAtName: string | null, };

export type TraceEvent = { 
/**
 * The trace's nodes this event names.
 */
nodes: Array<string>, 
/**
 * The event's row in the ledger's event table: how the app asks for it again.
 */
id: number, 
/**
 * The ledger holding its entry: `None` for this organisation's own ledger, else the
 * partner's log origin.
 */
origin: string | null, 
/**
 * The entry's sequence number in that ledger.
 */
seq: number, hashId: string, eventType: string, timeMs: number, 
/**
 * `eventTime` as recorded, with its offset.
 */
eventTime: string, action: string | null, bizStep: string | null, disposition: string | null, location: string | null, locationName: string | null, 
/**
 * The identifiers the event names, as short labels (first 5).
 */
objects: Array<string>, moreObjects: number, 
/**
 * Who recorded it, on a team ledger (an own event): the officer's name.
 */
officer?: string, };

export type MassBalance = { 
/**
 * The transformation's row in the event table.
 */
event: number, hashId: string, 
/**
 * `mass` (kg), `volume` (L) or `count`, when inputs and outputs share one.
 */
dimension: string | null, input: number | null, output: number | null, 
/**
 * Output over input.
 */
ratio: number | null, 
/**
 * `ok`, `gain` (more out than in: an error), `unmeasured` or `incomparable`.
 */
finding: string, message: string, };

export type Plot = { 
/**
 * Area in hectares, a decimal string.
 */
areaHa?: string, 
/**
 * The producer's declaration that the plot was not deforested or degraded after
 * 31 December 2020.
 */
deforestationFree?: boolean, 
/**
 * Reference of the evidence (a satellite analysis, an audit, a certificate).
 */
evidence?: string, 
/**
 * The date deforestation or degradation was recorded on the plot (YYYY-MM-DD).
 */
deforestedOn?: string, };

export type Dossier = { 
/**
 * `tradeseal-dossier/1`.
 */
format: string, 
/**
 * Stable across versions: `D` and 16 lowercase hex digits.
 */
id: string, 
/**
 * 1 for the first sealed version; a correction is the next number.
 */
version: number, supersedes?: Supersedes, header: Header, parties: Parties, transport: Transport, valuation: Valuation, lines: Array<GoodsLine>, documents: Array<Document>, };

export type Supersedes = { version: number, root: string, };

export type Header = { 
/**
 * Declaration type: EU box 1 (`EX`, `IM`, `CO`, `EU`, with an optional second
 * letter `A`..`Z`) or a CBP entry type (two digits, e.g. `01`).
 */
declaration_type?: string, 
/**
 * Procedure: EU requested and previous procedure (4 digits, e.g. `1000`).
 */
procedure?: string, 
/**
 * EU additional procedure codes (3 characters each).
 */
additional_procedures: Array<string>, 
/**
 * Local reference number: up to 22 characters, A-Z 0-9 and `-`.
 */
lrn?: string, 
/**
 * CBP entry number (filer code, 7 digits, check digit: `ABC-1234567-8`).
 */
entry_number?: string, 
/**
 * YYYY-MM-DD.
 */
declaration_date?: string, offices: Offices, 
/**
 * Total number of packages declared (EU 18 06, SAD box 6).
 */
total_packages?: number, 
/**
 * Total gross mass in kg.
 */
total_gross_mass_kg?: string, };

export type Offices = { declaration?: string, exit?: string, entry?: string, destination?: string, };

export type Parties = { exporter?: DossierParty, consignee?: DossierParty, declarant?: DossierParty, representative?: DossierParty, };

export type DossierParty = { name: string, street?: string, city?: string, postcode?: string, 
/**
 * ISO 3166-1 alpha-2.
 */
country?: string, eori?: string, gln?: string, 
/**
 * Other identifiers (`scheme`: e.g. `IRS`, `CBP-importer`, `VAT`).
 */
ids: Array<PartyId>, };

export type PartyId = { scheme: string, id: string, };

export type Transport = { 
/**
 * UN/ECE Recommendation 19 mode code (`1` sea .. `9`), at the border.
 */
mode_at_border?: string, mode_inland?: string, 
/**
 * The means of transport (vessel name or IMO number, flight number, plate).
 */
means?: string, 
/**
 * ISO 3166-1 alpha-2 nationality of the means at the border.
 */
means_nationality?: string, 
/**
 * Bill of lading or air waybill number.
 */
transport_document?: string, containers: Array<Container>, 
/**
 * UN/LOCODE (`DEHAM`).
 */
loading_place?: string, unloading_place?: string, dispatch_country?: string, destination_country?: string, };

export type Container = { 
/**
 * ISO 6346: owner code, category, serial, check digit (`CSQU3054383`).
 */
number: string, seals: Array<string>, };

export type Valuation = { 
/**
 * Incoterms 2020 rule (`FOB`).
 */
incoterm?: string, 
/**
 * The named place or port of the rule.
 */
incoterm_place?: string, 
/**
 * ISO 4217 invoice currency.
 */
currency?: string, 
/**
 * Units of the declaration currency per unit of the invoice currency.
 */
exchange_rate?: string, exchange_rate_date?: string, 
/**
 * Total amount invoiced, in the invoice currency: the sum of the lines' values,
 * each rounded to the currency's minor unit (half away from zero).
 */
total_invoiced?: string, freight?: string, insurance?: string, };

export type GoodsLine = { description: string, commodity: Commodity, 
/**
 * ISO 3166-1 alpha-2 (non-preferential) country of origin.
 */
origin_country?: string, preferential_origin?: PreferentialOrigin, net_mass_kg?: string, gross_mass_kg?: string, packages: Array<Packages>, 
/**
 * Value in the invoice currency.
 */
value?: string, quantity?: Quantity, 
/**
 * What the line ships from the ledger: lots, serials, SSCCs.
 */
items: Array<LineItem>, };

export type Commodity = { 
/**
 * HS 2022 subheading, 6 digits.
 */
hs: string, 
/**
 * EU Combined Nomenclature, 8 digits (extends `hs`).
 */
cn?: string, 
/**
 * EU TARIC, 10 digits (extends `cn`).
 */
taric?: string, 
/**
 * US HTSUS statistical reporting number, 10 digits (extends `hs`).
 */
htsus?: string, };

export type PreferentialOrigin = { country: string, 
/**
 * Proof of origin: e.g. `EUR.1`, `statement-on-origin`, `REX`.
 */
proof: string, reference?: string, };

export type Packages = { 
/**
 * UN/ECE Recommendation 21 package code (`BG` bag, `CT` carton).
 */
kind: string, number: number, marks?: string, };

export type Quantity = { value: string, 
/**
 * UN/ECE Recommendation 20 unit (`KGM`, `NAR`).
 */
unit: string, };

export type LineItem = { id: string, quantity?: string, unit?: string, };

export type Document = { 
/**
 * Document type code: EU TARIC certificate codes (`N380` commercial invoice,
 * `N271` packing list, `N705` bill of lading, `N954` certificate of origin) or
 * `EUDR-DDS` for an EUDR due-diligence statement.
 */
code: string, reference: string, date?: string, 
/**
 * An EUDR due-diligence statement's verification number.
 */
verification?: string, file?: Attachment, };

export type Attachment = { name: string, 
/**
 * Lowercase hex SHA-256 of the bytes.
 */
sha256: string, size: number, media_type?: string, };

export type Check = { code: string, severity: FindingSeverity, rules: string, path: string, value?: string, message: string, action: string, };

export type Status = "draft" | "sealed" | "superseded";

export type Stored = { dossier: Dossier, status: Status, 
/**
 * The Merkle root, hex (sealed versions).
 */
root?: string, 
/**
 * The seal entry's number (sealed versions).
 */
seq?: number, created: string, updated: string, 
/**
 * The stored text's revision (16 hex digits of its SHA-256): a save names the
 * revision it edited, and is refused if the draft was saved since.
 */
revision: string, };

export type Summary = { id: string, version: number, status: Status, lrn?: string, declaration_type?: string, exporter?: string, consignee?: string, declaration_date?: string, lines: number, updated: string, 
/**
 * Who sealed it, on a team ledger: the officer's name.
 */
sealed_by?: string, };

export type SealOutcome = { id: string, version: number, root: string, seq: number, fields: number, 
/**
 * Warnings that did not stop the seal.
 */
warnings: Array<Check>, };

export type Review = { 
/**
 * Findings of every rule set, errors first.
 */
checks: Array<Check>, lines: Array<LineProvenance>, };

export type Origin = { id: string, label: string, 
/**
 * The item of the line whose chain leads here (index in `items`).
 */
item: number, 
/**
 * No event in the ledger records how it was made.
 */
unknown: boolean, place?: string, country?: string, region?: string, 
/**
 * When it was made (the creating event's time).
 */
produced?: string, 
/**
 * Who signed the creating event: `own`, `trusted`, `unknown`, `distrusted`, `revoked`.
 */
signer: string, signer_name?: string, quantity?: number, unit?: string, };

export type LineProvenance = { line: number, 
/**
 * `verified`, `warnings`, `failed`, or `none` (the line ships nothing from the ledger).
 */
verdict: string, 
/**
 * Share of the origins' quantity made by events signed by this organisation or a
 * trusted partner (by count where quantities are not comparable).
 */
verified_ratio?: number, 
/**
 * The EUDR commodity of the line's HS code, if in scope.
 */
eudr?: string, origins: Array<Origin>, };

export type SealReport = { verdict: BundleVerdict, id?: string, version?: number, root?: string, 
/**
 * The signer's organisation and fingerprint, from its card.
 */
signer?: string, fingerprint?: string, sealed_at?: string, seq?: number, fields: number, 
/**
 * JSON Pointers of the hidden fields.
 */
hidden: Array<string>, 
/**
 * Attached files present and matching their SHA-256.
 */
attachments: number, 
/**
 * Problems with the seal (rules `seal`), most severe first.
 */
findings: Array<Check>, 
/**
 * Field checks of the disclosed dossier (rules `dossier`); only for a dossier
 * with nothing hidden.
 */
checks: Array<Check>, 
/**
 * The disclosed dossier.
 */
dossier: unknown, 
/**
 * For a Verifiable Credential (vc+jwt): its issuer's `did:key`, the JWS verified.
 */
credential_issuer?: string, };

export type ColumnMap = { [key in string]?: string };

export type LinesImport = { lines: Array<GoodsLine>, mapping: ColumnMap, 
/**
 * Header names no field took.
 */
ignored: Array<string>, 
/**
 * The mapping came from an earlier import of a file with this header.
 */
remembered: boolean, 
/**
 * How each numeric column's numbers were read (its decimal mark and why).
 */
numbers: Array<NumberReading>, };

export type DecimalMark = "point" | "comma";

export type NumberReading = { 
/**
 * The column's header.
 */
column: string, 
/**
 * The mark taken; none when every number of the column is whole.
 */
mark: DecimalMark | null, 
/**
 * Why: the cell that decided, or the file's other columns, or the user's choice.
 */
reason: string, };

export type ListMatch = { list: string, 
/**
 * The entity as the list publishes it.
 */
entity: string, 
/**
 * The name screened.
 */
name: string, 
/**
 * Both names as compared.
 */
entity_normalised: string, name_normalised: string, };

export type QrSeal = { id: string, version: number, fields: number, seq: number, sealed_at: string, root: string, 
/**
 * The signer's public key (hex) and its fingerprint.
 */
key: string, fingerprint: string, supersedes?: string, 
/**
 * The seal entry's signature verifies under `key`.
 */
signature_valid: boolean, };

export type PreviewPage = { width: number, height: number, items: Array<PreviewItem>, };

export type PreviewItem = { "kind": "text", x: number, y: number, size: number, bold: boolean, colour: string, text: string, } | { "kind": "rect", x: number, y: number, w: number, h: number, colour: string, } | { "kind": "line", x1: number, y1: number, x2: number, y2: number, colour: string, };

export type LabelReport = { verdict: BundleVerdict, uri: string, gtin: string | null, lot: string | null, serial: string | null, 
/**
 * The issuer as the trust store knows it.
 */
issuer: string | null, fingerprint: string | null, batch: number | null, 
/**
 * When the batch was issued (RFC 3339), where its entry is at hand.
 */
issued: string | null, product: string | null, findings: Array<Check>, };

export type Scanned = { 
/**
 * The PDF page it was on (1-based); none for an image.
 */
page: number | null, text: string, 
/**
 * `label`, `certificate`, `dossier-seal`, `identity-card` or `other`.
 */
kind: string, verdict: BundleVerdict, 
/**
 * What the code says, in one line.
 */
summary: string, label: LabelReport | null, seal: QrSeal | null, certificate: CertificateReport | null, };

export type SheetPreview = { width: number, height: number, labels: Array<LabelPreview>, 
/**
 * Labels in all, and pages.
 */
count: number, pages: number, };

export type LabelPreview = { 
/**
 * The label's outline.
 */
x: number, y: number, w: number, h: number, 
/**
 * The code: top-left of its first module, module size, modules a side, rows.
 */
qr_x: number, qr_y: number, module: number, modules: number, rows: Array<string>, 
/**
 * Text lines: baseline, size (pt), text as fitted.
 */
lines: Array<PreviewLine>, };

export type PreviewLine = { x: number, y: number, size: number, text: string, };

export type SightingRow = { time: string, gtin: string, lot: string, serial: string, place: string, source: string, verdict: string, };

export type CertificateReport = { verdict: BundleVerdict, 
/**
 * The statement, once its signatures hold.
 */
statement: Statement | null, 
/**
 * The issuer: the name the verifier's trust store records for the key, else the
 * organisation the certificate names.
 */
issuer: string | null, fingerprint: string | null, issued: string | null, 
/**
 * The `certificate.issue` entry in the issuer's ledger, and the ledger's origin.
 */
seq: number | null, origin: string | null, 
/**
 * Entries the checkpoint signs.
 */
checkpoint_size: number | null, findings: Array<Check>, };

export type CertificateType = "origin" | "authenticity" | "existence";

export type Statement = { type: CertificateType, subject: CertificateSubject, 
/**
 * The chain's origins, for goods; none for a file (`existence`).
 */
origin?: OriginSummary, };

export type CertificateSubject = { "lot": LotSubject } | { "dossier": DossierSubject } | { "file": FileSubject };

export type LotSubject = { gtin: string, lot: string, product?: string, };

export type DossierSubject = { id: string, version: number, 
/**
 * The seal's Merkle root, hex.
 */
root: string, 
/**
 * The `dossier.seal` entry's seq.
 */
seal: number, exporter?: string, goods: Array<Goods>, };

export type FileSubject = { 
/**
 * SHA-256 of the file's bytes, lowercase hex.
 */
sha256: string, 
/**
 * Its length in bytes.
 */
size: number, 
/**
 * The file's name when attested (without its folder).
 */
name: string, title?: string, owner?: string, };

export type HashedFile = { sha256: string, size: number, };

export type AttestCheck = { 
/**
 * The certificate's own verification (signatures, proof, the issuer's standing).
 */
certificate: CertificateReport, 
/**
 * The file checked.
 */
file: HashedFile, 
/**
 * What the certificate attests, when it is a readable proof of existence.
 */
attested: FileSubject | null, 
/**
 * The file's hash and length are the attested ones.
 */
matches: boolean, 
/**
 * When the issuer recorded it (RFC 3339), from the certificate.
 */
since: string | null, };

export type PassportStep = { 
/**
 * The event's time as recorded (RFC 3339 with its offset).
 */
time: string, 
/**
 * The CBV business step (`shipping`), else the event type.
 */
what: string, 
/**
 * The place's name; empty when unknown or withheld.
 */
place: string, quantity: string | null, };

export type PassportView = { gtin: string, lot: string, product: string | null, issuer: string, fingerprint: string, places: Array<MapPlace>, steps: Array<PassportStep>, certifications: Array<string>, 
/**
 * The signed chain is published (not when partners are withheld).
 */
bundle: boolean, 
/**
 * Serials issued for the lot (their pages with --serials).
 */
serials: number, };

export type UntpReport = { verdict: BundleVerdict, 
/**
 * `DigitalProductPassport` or `DigitalTraceabilityEvent`, once readable.
 */
kind: string | null, 
/**
 * The issuer: the name the trust store records for the key, else the credential's.
 */
issuer: string | null, did: string | null, fingerprint: string | null, 
/**
 * The credential (its JSON), once its signature holds.
 */
credential: unknown, findings: Array<Check>, };

export type Goods = { hs: string, description: string, };

export type OriginSummary = { 
/**
 * Origins of the chain (where it was made), and how many of them were made by
 * events signed by the issuer or a partner it trusts.
 */
origins: number, verified: number, 
/**
 * ISO 3166-1 alpha-2, sorted.
 */
countries: Array<string>, places: Array<Place>, 
/**
 * Organisations of the chain: signers of the origins and parties of its events.
 */
parties: Array<string>, };

export type Place = { name: string, country?: string, 
/**
 * When it was made there (a date).
 */
produced?: string, };

export type Candidate = { 
/**
 * `lot` or `dossier`.
 */
kind: string, 
/**
 * What `--lot` or `--dossier` takes: `GTIN/LOT`, or the dossier's LRN (else its id).
 */
value: string, 
/**
 * For people: the product, or the dossier's exporter and version.
 */
label: string, };
