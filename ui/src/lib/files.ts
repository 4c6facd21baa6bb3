// Files chosen through the platform's open and save dialogs (Tauri's dialog plugin; the
// capability file grants open and save only). The folder of the last file chosen is
// remembered on this computer and offered first next time.
import { open, save } from "@tauri-apps/plugin-dialog";

export type Filter = { name: string; extensions: string[] };

const LAST_FOLDER = "tradeseal.lastFolder";

function lastFolder(): string | undefined {
  try {
    return localStorage.getItem(LAST_FOLDER) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(file: string) {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  if (cut <= 0) return;
  try {
    localStorage.setItem(LAST_FOLDER, file.slice(0, cut));
  } catch {
    // Storage refused: nothing remembered, nothing lost.
  }
}

/** A file to read, chosen by the user; `null` when the dialog was closed. */
export async function chooseFile(filters: Filter[] = []): Promise<string | null> {
  const picked = await open({ multiple: false, directory: false, defaultPath: lastFolder(), filters });
  if (typeof picked !== "string") return null;
  remember(picked);
  return picked;
}

/** A folder, chosen by the user (to write a site into); `null` when the dialog was closed. */
export async function chooseFolder(): Promise<string | null> {
  const picked = await open({ multiple: false, directory: true, defaultPath: lastFolder() });
  if (typeof picked !== "string") return null;
  try {
    localStorage.setItem(LAST_FOLDER, picked);
  } catch {
    // Storage refused: nothing remembered, nothing lost.
  }
  return picked;
}

/** Where to write a file, chosen by the user (`suggested`: its name); `null` when closed. */
export async function chooseSaveAs(suggested: string, filters: Filter[] = []): Promise<string | null> {
  const folder = lastFolder();
  const picked = await save({ defaultPath: folder ? `${folder}/${suggested}` : suggested, filters });
  if (!picked) return null;
  remember(picked);
  return picked;
}
