// Generated from the Rust types by tradeseal-core (src/bindings.rs). Do not edit:
// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-core bindings` to regenerate.

export type ErrorCode = "home-missing" | "home-exists" | "not-a-home" | "wrong-passphrase" | "invalid-input" | "invalid-document" | "busy" | "read-only" | "not-found" | "bad-checkpoint" | "storage" | "io" | "cancelled";

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
summary: string, };

export type SessionView = { 
/**
 * The home folder in use.
 */
home: string, 
/**
 * A home exists there (else the app offers to create one).
 */
exists: boolean, unlocked: boolean, card: IdentityCard | null, };

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
geometry?: unknown, };

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

export type BundleVerdict = "verified" | "verified-with-warnings" | "failed";

export type FindingSeverity = "error" | "warning" | "info";

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
 * failed: an error was found about it; verified-with-warnings: a warning; else verified.
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
objects: Array<string>, moreObjects: number, };

export type EventObject = { id: string, label: string, 
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
objects: Array<string>, moreObjects: number, };

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
