// Generated from the Rust types by tradeseal-core (src/bindings.rs). Do not edit:
// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-core bindings` to regenerate.

export type ErrorCode = "home-missing" | "home-exists" | "not-a-home" | "wrong-passphrase" | "invalid-input" | "busy" | "read-only" | "not-found" | "bad-checkpoint" | "storage" | "io";

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
