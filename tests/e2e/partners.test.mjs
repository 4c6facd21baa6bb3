// End to end in the real desktop window: verify a partner's bundle (a tampered one
// fails, naming the finding), add and trust the partner's card, verify again, import.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, launch, useDriver } from "./webdriver.mjs";

const VECTORS = path.join(ROOT, "tests/vectors/bundle");
const PASS = "correct horse battery";
const e2e = useDriver({ before, after });

test("verify bundles, trust the partner, import the chain", async () => {
  // The partner's card, as the partner would hand it over: the card inside its bundle.
  const cardLine = readFileSync(path.join(VECTORS, "valid.tsbundle"), "utf8").split("\n")[1];
  const cardFile = path.join(mkdtempSync(path.join(tmpdir(), "tradeseal-card-")), "partner.card");
  writeFileSync(cardFile, JSON.stringify(JSON.parse(cardLine).card, null, 2));

  const app = await launch(e2e.driver);
  try {
    await app.type(await app.waitFor('[data-testid="field-org"]'), "Roastery Berlin");
    await app.type(await app.find('[data-testid="field-passphrase"]'), PASS);
    await app.type(await app.find('[data-testid="field-passphrase2"]'), PASS);
    await app.click(await app.find('[data-testid="create-identity"]'));
    await app.click(await app.waitFor('[data-testid="tab-ledger"]'));
    await app.waitFor('[data-testid="note-text"]');

    await app.click(await app.find('[data-testid="tab-verify"]'));
    const field = await app.waitFor('[data-testid="bundle-path"]');
    // A forged signature: failed, and the finding says which.
    await app.type(field, path.join(VECTORS, "entry-signature.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.length > 0)), /^FAILED/);
    assert.match(await app.text(await app.find('[data-testid="findings"]')), /entry-signature/);
    assert.equal((await app.findAll('[data-testid="bundle-import"]')).length, 0, "a failed chain cannot be imported");
    // The graph marks the signer of the forged entry as failed.
    const hop = await app.waitFor('[data-testid="graph-hop"]');
    assert.equal(await app.script("return arguments[0].getAttribute('data-verdict')", [{ "element-6066-11e4-a52e-4f735466cecf": hop }]), "failed");
    // Save the report as a PDF; poppler reads the verdict back from it.
    const out = path.join(mkdtempSync(path.join(tmpdir(), "tradeseal-report-")), "forged-report.pdf");
    const rp = await app.find('[data-testid="report-path"]');
    await app.clear(rp);
    await app.type(rp, out);
    await app.click(await app.find('[data-testid="report-save"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="report-saved"]', (t) => t.length > 0)), /Saved the report/);
    assert.ok(existsSync(out));
    const pdfText = execFileSync("pdftotext", [out, "-"], { encoding: "utf8" });
    assert.match(pdfText, /FAILED: the file of/);
    assert.match(pdfText, /entry-signature/);
    assert.match(pdfText, /Roastery Berlin/, "the verifier is named");

    // Intact but with a custody gap (the shipment is of another unit): its own verdict,
    // not "failed"; the signer is not marked failed; it cannot be imported.
    await app.clear(field);
    await app.type(field, path.join(VECTORS, "custody-gap.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    const gapVerdict = await app.waitFor('[data-testid="bundle-verdict"]', (t) => /^INCOMPLETE/.test(t));
    assert.match(await app.text(gapVerdict), /intact and its signatures hold/);
    assert.equal(await app.script("return arguments[0].getAttribute('data-verdict')", [{ "element-6066-11e4-a52e-4f735466cecf": gapVerdict }]), "incomplete");
    assert.match(await app.text(await app.find('[data-testid="findings"]')), /custody-gap/);
    assert.match(await app.text(await app.find('[data-testid="bundle-incomplete-hint"]')), /Not a forgery/);
    assert.equal((await app.findAll('[data-testid="bundle-import"]')).length, 0, "an incomplete chain is not imported");
    const verdicts = await app.script("return [...document.querySelectorAll('[data-testid=\"graph-hop\"]')].map((h) => h.getAttribute('data-verdict'))");
    assert.ok(verdicts.includes("incomplete") && !verdicts.includes("failed"), String(verdicts));
    e2e.shot("verify-incomplete.png");

    // The intact one, from a partner not yet trusted: warnings.
    await app.clear(field);
    await app.type(field, path.join(VECTORS, "valid.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="bundle-verdict"]', (t) => /WARNINGS/.test(t))), /VERIFIED WITH WARNINGS/);
    assert.match(await app.text(await app.find('[data-testid="findings"]')), /signer-unknown/);

    // Add and trust the partner, after comparing the fingerprint.
    await app.click(await app.find('[data-testid="tab-partners"]'));
    await app.type(await app.waitFor('[data-testid="card-path"]'), cardFile);
    await app.click(await app.find('[data-testid="card-add"]'));
    const fp = await app.waitFor('[data-testid="partner-fingerprint"]', (t) => t.length > 0);
    assert.match(await app.text(fp), /^\d{5}( \d{5}){5}$/);
    await app.click(await app.find('[data-testid="partner-trust"]'));
    await app.waitFor('[data-testid="partner-history"]', (t) => t.includes("party.trust"));
    // Our own card as a QR code on screen: zbar reads it from a screenshot of the window.
    await app.click(await app.find('[data-testid="my-qr"]'));
    await app.waitFor('[data-testid="qr-code"]');
    e2e.shot("partners.png");
    const scanned = execFileSync("zbarimg", ["-q", "--raw", path.join(ROOT, "target/e2e/partners.png")], { encoding: "utf8" });
    const card = JSON.parse(scanned.trim());
    assert.equal(card.org, "Roastery Berlin");
    assert.equal(card.format, "tradeseal-identity-card/v1");

    await app.click(await app.find('[data-testid="tab-verify"]'));
    await app.type(await app.waitFor('[data-testid="bundle-path"]'), path.join(VECTORS, "valid.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="bundle-verdict"]', (t) => /^VERIFIED:/.test(t))), /intact and signed by parties you trust/);
    await app.click(await app.find('[data-testid="bundle-import"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="bundle-imported"]', (t) => t.length > 0)), /Imported 7 new entries/);
    e2e.shot("verify.png");
  } catch (e) {
    try {
      e2e.shot("failed-partners.png");
    } catch {}
    throw e;
  } finally {
    await app.quit();
  }
});
