// One typed wrapper per backend command (src-tauri/src/commands.rs), over generated types.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { EntryDetail, EntryView, IdentityCard, LedgerView, ProgressView, Report, SessionView, UiError } from "./bindings";

export type { EntryDetail, EntryView, IdentityCard, LedgerView, ProgressView, Report, SessionView, UiError };

/** Every failed command rejects with a UiError; anything else is wrapped into one. */
export function asUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as UiError;
  return { code: "io", message: String(e), field: null };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asUiError(e);
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
  verifyLedger: () => call<Report>("verify_ledger"),
  onVerifyProgress: (f: (p: ProgressView) => void): Promise<UnlistenFn> => listen<ProgressView>("verify-progress", (e) => f(e.payload)),
};
