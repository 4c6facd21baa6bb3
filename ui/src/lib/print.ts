// Printing through the platform's print dialog (the webview's), on every platform: the
// saved PDF's pages, rendered as pictures by the backend, go into a sheet only the
// printer sees, and the webview's print dialog opens. (CUPS `lp` stays an option.)
import { api } from "./api";

/** The sheet only the printer sees (made once). */
function printSheet(): HTMLElement {
  let sheet = document.getElementById("print-sheet");
  if (!sheet) {
    sheet = document.createElement("div");
    sheet.id = "print-sheet";
    document.body.append(sheet);
  }
  return sheet;
}

/** Prints the PDF saved at `path`; returns how many pages went to the dialog. */
export async function printPdf(path: string): Promise<number> {
  const pages = await api.printPages(path);
  const sheet = printSheet();
  const images = pages.map((src) => {
    const img = document.createElement("img");
    img.alt = "";
    img.src = src;
    return img;
  });
  sheet.replaceChildren(...images);
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  window.print();
  return pages.length;
}

/** Prints a sheet of text (the recovery sheet): a title, then label–value pairs and
 *  paragraphs, set as text (never markup) in the sheet only the printer sees. */
export function printText(title: string, rows: [string, string][], paragraphs: string[], blankLines = 0): void {
  const sheet = printSheet();
  const el = (tag: string, text: string, cls?: string) => {
    const e = document.createElement(tag);
    e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const parts: HTMLElement[] = [el("h1", title)];
  const dl = document.createElement("dl");
  for (const [k, v] of rows) dl.append(el("dt", k), el("dd", v));
  parts.push(dl);
  for (const [i, p] of paragraphs.entries()) {
    parts.push(el("p", p));
    if (i === 0) for (let j = 0; j < blankLines; j++) parts.push(el("div", "", "write-here"));
  }
  sheet.replaceChildren(...parts);
  window.print();
}
