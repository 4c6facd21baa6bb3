// End to end in the real desktop window: a home holding the coffee chain (set up with
// the CLI); in the app, an origin certificate for a roasted lot is previewed as a draft,
// issued and saved; zbar (independent) reads its QR code from the rendered PDF; the
// Scan screen verifies the PDF; printing without a printer says what to do; the Scan
// screen's camera streams frames and reads each one (WebKit's test camera: no code).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PASS, ROOT, launch, useDriver } from "./webdriver.mjs";

const e2e = useDriver({
  before,
  after,
  name: "certificates",
  // WebKit's test camera stands in for a device on machines without one.
  env: { TRADESEAL_MOCK_CAMERA: "1" },
  setup: (cli) => {
    cli("init", "--org", "Acme Coffee Importers", "--gln", "4012345000009");
    cli("epcis", "import", path.join(ROOT, "tests/fixtures/epcis/coffee-chain.jsonld"));
    cli("masterdata", "product", "--gtin", "04012345123456", "--name", "Espresso roast, 1 kg", "--unit", "H87");
    cli("masterdata", "location", "--gln", "7701234000011", "--name", "Finca El Mirador", "--country", "CO", "--region", "HUI");
  },
});
const work = e2e.work;

test("issue an origin certificate, read its code, verify it on the Scan screen", async () => {
  const app = await launch(e2e.driver);
  const shot = e2e.shot;
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.click(await app.waitFor('[data-testid="tab-certificates"]'));
    // The form offers the recorded lots (with their products) to choose from.
    await app.waitFor('[data-testid="cert-lot"]');
    const offered = await app.script("return [...document.querySelectorAll('#cert-lots option')].map((o) => o.value + ' ' + o.textContent)");
    assert.ok(offered.includes("04012345123456/R-2026-031 Espresso roast, 1 kg"), JSON.stringify(offered));
    // The preview follows the form. A lot that is not recorded: the error names it and
    // what to do.
    await app.type(await app.waitFor('[data-testid="cert-lot"]'), "04012345123456/NOPE");
    await app.waitFor('[data-testid="cert-error"]', (t) => t.includes("no recorded event names it"));

    await app.type(await app.find('[data-testid="cert-lot"]'), "\uE009a\uE009\uE003" + "04012345123456/R-2026-031");
    await app.waitFor('[data-testid="cert-summary"]', (t) => t.includes("2 of 2 origins verified; countries: CO") && t.includes("Draft"));
    let preview = await app.text(await app.find('[data-testid="pdf-preview"]'));
    assert.match(preview, /Certificate of Origin/);
    assert.match(preview, /DRAFT/);
    assert.match(preview, /Espresso roast, 1 kg/);
    assert.match(preview, /Finca El Mirador/);
    shot("certificate-draft.png");

    const pdf = path.join(work, "origin.pdf");
    await app.type(await app.find('[data-testid="cert-path"]'), pdf);
    await app.click(await app.find('[data-testid="cert-issue"]'));
    await app.waitFor('[data-testid="cert-result"]', (t) => /Issued certificate no\. tradeseal\/[0-9a-f]{16}\/\d+; saved to /.test(t));
    preview = await app.text(await app.find('[data-testid="pdf-preview"]'));
    assert.match(preview, /Scan with TradeSeal to verify offline/);
    assert.doesNotMatch(preview, /DRAFT/);
    assert.ok(existsSync(pdf));
    shot("certificate-issued.png");

    // zbar reads the certificate's code: the TSC1 payload.
    execFileSync("pdftoppm", ["-r", "300", "-gray", "-png", "-singlefile", pdf, path.join(work, "cert")]);
    const codes = execFileSync("zbarimg", ["-q", "--raw", path.join(work, "cert.png")], { encoding: "utf8" }).trim().split("\n");
    assert.equal(codes.length, 1);
    assert.match(codes[0], /^TSC1:[0-9A-Z $%*+\-./:]+$/);

    // Printed again from its ledger entry: the same certificate, a code that reads.
    const issuedText = await app.text(await app.find('[data-testid="cert-result"]'));
    const seq = issuedText.match(/no\. tradeseal\/[0-9a-f]{16}\/(\d+)/)[1];
    await app.click(await app.find("details.again summary"));
    await app.type(await app.waitFor('[data-testid="cert-again-entry"]'), seq);
    const again = path.join(work, "origin-again.pdf");
    await app.type(await app.find('[data-testid="cert-again-path"]'), again);
    await app.click(await app.find('[data-testid="cert-reprint"]'));
    await app.waitFor('[data-testid="cert-result"]', (t) => t.includes(`Printed again certificate no. `) && t.includes(`/${seq} (nothing new issued)`));
    execFileSync("pdftoppm", ["-r", "300", "-gray", "-png", "-singlefile", again, path.join(work, "cert-again")]);
    const againCodes = execFileSync("zbarimg", ["-q", "--raw", path.join(work, "cert-again.png")], { encoding: "utf8" }).trim().split("\n");
    assert.equal(againCodes.length, 1);
    assert.match(againCodes[0], /^TSC1:/);

    // Printed through the platform's print dialog (stood in for, as in the labels test);
    // by CUPS on a machine with no printer, what to do instead.
    await app.script("window.__printed = null; window.print = () => { window.__printed = document.querySelectorAll('#print-sheet img').length; };");
    await app.click(await app.find('[data-testid="cert-print"]'));
    await app.waitFor('[data-testid="cert-result"]', (t) => t.includes("The print dialog has the page."));
    assert.equal(await app.script("return window.__printed"), 1);
    await app.click(await app.find('[data-testid="cert-print-lp"]'));
    await app.waitFor('[data-testid="cert-error"]', (t) => t.includes("print it from your PDF viewer"));

    // The Scan screen verifies the saved PDF.
    await app.click(await app.find('[data-testid="tab-scan"]'));
    await app.type(await app.waitFor('[data-testid="scan-paths"]'), pdf);
    await app.click(await app.find('[data-testid="scan-go"]'));
    const row = await app.waitFor('[data-testid="scan-code"]', (t) => t.includes("Certificate of Origin"), 30000);
    const text = await app.text(row);
    assert.match(text, /^Verified/);
    assert.match(text, /for GTIN 04012345123456 lot R-2026-031 \(Espresso roast, 1 kg\), issued .* by Acme Coffee Importers/);
    // What the certificate states is shown from its signed payload.
    const certified = await app.text(await app.find('[data-testid="scan-certified"]'));
    assert.match(certified, /2 of 2 origins verified; countries: CO/);
    assert.match(certified, /Finca El Mirador, CO, 2026-01-15/);
    shot("certificate-scan.png");

    // The camera: frames are captured and read until a code turns up (the test camera
    // shows none), then stopped.
    await app.click(await app.find('[data-testid="scan-camera"]'));
    await app.waitFor('[data-testid="scan-camera-status"]', (t) => /\b([3-9]|\d\d+) frame\(s\) read/.test(t), 30000);
    const playing = await app.script("const v = document.querySelector('[data-testid=\"scan-video\"]'); return [v.videoWidth, v.paused];");
    assert.ok(playing[0] > 0 && playing[1] === false, JSON.stringify(playing));
    shot("scan-camera.png");
    await app.click(await app.find('[data-testid="scan-camera-stop"]'));
    await app.waitFor('[data-testid="scan-camera"]');
  } finally {
    await app.quit();
  }
});
