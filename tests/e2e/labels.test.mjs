// End to end in the real desktop window: a home with a product (set up with the CLI);
// in the app, a sheet of six labels is previewed, issued and saved as a PDF; zbar
// (independent) reads every code of the printed page; the page is rendered to an image,
// and the Scan screen reads that image and verifies each label; scanned again at another
// place the same day, every label is flagged as a probable copy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PASS, launch, useDriver } from "./webdriver.mjs";

const e2e = useDriver({
  before,
  after,
  name: "labels",
  setup: (cli) => {
    cli("init", "--org", "Acme Coffee Importers", "--gln", "4012345000009");
    cli("masterdata", "product", "--gtin", "07701234000011", "--name", "Café de Huila, 500 g", "--unit", "H87");
  },
});
const work = e2e.work;

test("print a label sheet, then scan an image of it", async () => {
  const app = await launch(e2e.driver);
  const shot = e2e.shot;
  const CLEAR = "\uE009a\uE009\uE003";
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.click(await app.waitFor('[data-testid="tab-labels"]'));
    await app.type(await app.waitFor('[data-testid="labels-gtin"]'), "07701234000011");
    await app.type(await app.find('[data-testid="labels-lot"]'), "L2026-117");
    await app.type(await app.find('[data-testid="labels-count"]'), CLEAR + "6");
    await app.type(await app.find('[data-testid="labels-resolver"]'), CLEAR + "https://id.acme-coffee.example");
    await app.click(await app.find('[data-testid="labels-preview"]'));
    await app.waitFor('[data-testid="labels-summary"]', (t) => t.includes("6 labels on 1 page"));
    // The product's name comes from master data; six codes are drawn.
    const sheet = await app.find('[data-testid="labels-sheet"]');
    assert.match(await app.text(sheet), /Café de Huila, 500 g/);
    assert.equal(await app.script("return arguments[0].querySelectorAll('path').length", [{ "element-6066-11e4-a52e-4f735466cecf": sheet }]), 6);
    shot("labels-preview.png");

    const pdf = path.join(work, "labels.pdf");
    await app.type(await app.find('[data-testid="labels-path"]'), pdf);
    await app.click(await app.find('[data-testid="labels-issue"]'));
    await app.waitFor('[data-testid="labels-result"]', (t) => t.includes("Issued 6 labels, serials 000001 to 000006"));
    assert.ok(existsSync(pdf));
    const seq = (await app.text(await app.find('[data-testid="labels-result"]'))).match(/ledger entry (\d+)/)[1];
    // Printing through the platform's print dialog: the sheet's page as a picture in the
    // print-only sheet (GTK's dialog is stood in for by a function that notes what the
    // page held when it was called).
    await app.script("window.__printed = null; window.print = () => { window.__printed = [...document.querySelectorAll('#print-sheet img')].map((i) => [i.naturalWidth, i.naturalHeight]); };");
    await app.click(await app.find('[data-testid="labels-print"]'));
    await app.waitFor('[data-testid="labels-result"]', (t) => t.includes("The print dialog has the page."));
    const printed = await app.script("return window.__printed");
    assert.equal(printed.length, 1);
    assert.ok(Math.abs(printed[0][0] - 1653) <= 2 && Math.abs(printed[0][1] - 2338) <= 2, JSON.stringify(printed));
    // CUPS on a machine with no printer says what to do instead.
    await app.click(await app.find('[data-testid="labels-print-lp"]'));
    await app.waitFor('[data-testid="labels-error"]', (t) => t.includes("print it from your PDF viewer"));
    // zbar reads every code of the printed page.
    execFileSync("pdftoppm", ["-r", "200", "-gray", "-png", "-singlefile", pdf, path.join(work, "page")]);
    const page = path.join(work, "page.png");
    const codes = execFileSync("zbarimg", ["-q", "--raw", page], { encoding: "utf8" }).trim().split("\n").sort();
    assert.equal(codes.length, 6);
    for (const [i, c] of codes.entries()) assert.match(c, new RegExp(`^https://id\\.acme-coffee\\.example/01/07701234000011/10/L2026-117/21/00000${i + 1}\\?k=`));
    // The batch printed again from its ledger entry: the same codes, nothing new issued.
    await app.click(await app.find("details.again summary"));
    await app.type(await app.waitFor('[data-testid="labels-again-entry"]'), seq);
    const againPdf = path.join(work, "labels-again.pdf");
    await app.type(await app.find('[data-testid="labels-again-path"]'), againPdf);
    await app.click(await app.find('[data-testid="labels-reprint"]'));
    await app.waitFor('[data-testid="labels-result"]', (t) => t.includes("Printed again 6 labels, serials 000001 to 000006") && t.includes("nothing new issued"));
    execFileSync("pdftoppm", ["-r", "200", "-gray", "-png", "-singlefile", againPdf, path.join(work, "page-again")]);
    const againCodes = execFileSync("zbarimg", ["-q", "--raw", path.join(work, "page-again.png")], { encoding: "utf8" }).trim().split("\n").sort();
    assert.deepEqual(againCodes, codes, "the same labels");

    // The Scan screen reads the image of the page and verifies each label.
    await app.click(await app.find('[data-testid="tab-scan"]'));
    await app.type(await app.waitFor('[data-testid="scan-paths"]'), page);
    await app.click(await app.find('[data-testid="scan-go"]'));
    await app.waitFor('[data-testid="scan-file"]', (t) => t.includes("serial 000006"), 30000);
    const rows = await app.findAll('[data-testid="scan-code"]');
    assert.equal(rows.length, 6);
    for (const [i, r] of rows.entries()) {
      const text = await app.text(r);
      assert.match(text, /^Verified/);
      assert.match(text, new RegExp(`serial 00000${i + 1}, issued by Acme Coffee Importers`));
    }
    shot("labels-scan.png");

    // The same labels turn up at another place the same day: each is flagged as a copy.
    await app.type(await app.find('[data-testid="scan-place"]'), "Rotterdam shop");
    await app.click(await app.find('[data-testid="scan-go"]'));
    await app.waitFor('[data-testid="scan-file"]', (t) => t.includes("Rotterdam shop") || t.includes("also scanned at"), 30000);
    const again = await app.findAll('[data-testid="scan-code"]');
    assert.equal(again.length, 6);
    for (const r of again) {
      const text = await app.text(r);
      assert.match(text, /^Failed/);
      assert.match(text, /also scanned at "Acme Coffee Importers" on .*: two labels carry it\. treat the item as a probable copy/);
    }
    // The first label's history: seen here, and at the organisation before.
    await app.click(await app.find('[data-testid="scan-history"]'));
    const seen = await app.waitFor('[data-testid="scan-sightings"]');
    const places = await app.script("return [...arguments[0].querySelectorAll('li')].map((li) => li.textContent.trim())", [{ "element-6066-11e4-a52e-4f735466cecf": seen }]);
    assert.equal(places.length, 2, JSON.stringify(places));
    assert.match(places[0], /· Rotterdam shop · Failed$/);
    assert.match(places[1], /· Acme Coffee Importers · Verified$/);
    shot("labels-clone.png");
  } finally {
    await app.quit();
  }
});
