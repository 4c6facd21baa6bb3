// Generated from the Rust types by tradeseal-app (src/bindings.rs). Do not edit:
// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-app bindings` to regenerate.

import type { PreviewPage, Review, Scanned, Statement, Stored, TimelineEvent } from "./bindings";

export type ImportProgress = { phase: "checking" | "recording", done: number, total: number | null, };

export type Vocabularies = { bizSteps: Array<string>, dispositions: Array<string>, eventTypes: Array<string>, };

export type EventRecorded = { event: TimelineEvent, 
/**
 * False when the ledger already held this event (same hash id): nothing was written.
 */
new: boolean, };

export type GeoJsonSaved = { path: string, plots: number, warnings: Array<string>, };

export type OpenedDossier = { stored: Stored, review: Review, };

export type CertificateDrawn = { statement: Statement, pages: Array<PreviewPage>, 
/**
 * The issued certificate's number and file; none for a draft.
 */
number: string | null, path: string | null, };

export type HashProgress = { done: number, total: number, };

export type PassportPublished = { lot_page: string, serial_pages: number, files: number, bytes: number, };

export type LabelStock = { name: string, what: string, };

export type LabelsIssued = { count: number, seq: number, first: string, last: string, path: string, };

export type ScannedFile = { file: string, codes: Array<Scanned>, 
/**
 * Why the file could not be read, if it could not.
 */
error: string | null, };
