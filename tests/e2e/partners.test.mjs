// End to end in the real desktop window: verify a partner's bundle (a tampered one
// fails, naming the finding), add and trust the partner's card, verify again, import.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
    await app.waitFor('[data-testid="note-text"]');

    await app.click(await app.find('[data-testid="tab-verify"]'));
    const field = await app.waitFor('[data-testid="bundle-path"]');
    // A forged signature: failed, and the finding says which.
    await app.type(field, path.join(VECTORS, "entry-signature.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.length > 0)), /^FAILED/);
    assert.match(await app.text(await app.find('[data-testid="findings"]')), /entry-signature/);
    assert.equal((await app.findAll('[data-testid="bundle-import"]')).length, 0, "a failed chain cannot be imported");

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
    e2e.shot("partners.png");

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
