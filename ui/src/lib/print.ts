// Printing through the platform's print dialog (the webview's), on every platform: the
// saved PDF's pages, rendered as pictures by the backend, go into a sheet only the
// printer sees, and the webview's print dialog opens. (CUPS `lp` stays an option.)
import { api } from "./api";

/** Prints the PDF saved at `path`; returns how many pages went to the dialog. */
export async function printPdf(path: string): Promise<number> {
  const pages = await api.printPages(path);
  let sheet = document.getElementById("print-sheet");
  if (!sheet) {
    sheet = document.createElement("div");
    sheet.id = "print-sheet";
    document.body.append(sheet);
  }
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
