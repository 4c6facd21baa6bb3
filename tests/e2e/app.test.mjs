// End to end in the real desktop window: first run -> create identity -> add a note ->
// see it in the list -> verify says the ledger is intact; then a second launch unlocks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { launch, useDriver } from "./webdriver.mjs";

const PASS = "correct horse battery";
const e2e = useDriver({ before, after });
const shot = e2e.shot;

test("first run: create the identity, add a note, see it, verify the ledger", async () => {
  const app = await launch(e2e.driver);
  try {
    const org = await app.waitFor('[data-testid="field-org"]');
    await app.type(org, "Acme Coffee Importers");
    // A GLN with a wrong check digit is refused beside the field, and nothing is created.
    await app.type(await app.find('[data-testid="field-gln"]'), "4012345000008");
    await app.type(await app.find('[data-testid="field-passphrase"]'), PASS);
    await app.type(await app.find('[data-testid="field-passphrase2"]'), PASS);
    // What the passphrase protects and where the key will live, and how strong it is.
    assert.equal(await app.script("return document.querySelector('[data-testid=passphrase-strength]').dataset.level"), "3");
    assert.ok((await app.text(await app.find('[data-testid="key-location"]'))).includes(`${e2e.driver.home}/identity.age`));
    await app.click(await app.find('[data-testid="create-identity"]'));
    const glnError = await app.waitFor('[data-testid="error-gln"]', (t) => t.length > 0);
    assert.match(await app.text(glnError), /check digit/);
    assert.equal(existsSync(e2e.driver.home), false, "a refused identity must create nothing");

    const gln = await app.find('[data-testid="field-gln"]');
    await app.clear(gln);
    await app.type(gln, "4012345000009");
    await app.click(await app.find('[data-testid="create-identity"]'));

    // The Home screen first: nothing needs attention in a new home.
    await app.waitFor('[data-testid="home-drafts"]', (t) => t.includes("No draft dossier has errors"));
    await app.waitFor('[data-testid="home-checkpoint"]', (t) => t.includes("0 entries"));
    await app.click(await app.find('[data-testid="tab-ledger"]'));
    const note = await app.waitFor('[data-testid="note-text"]');
    const fp = await app.text(await app.find('[data-testid="fingerprint"]'));
    assert.match(fp, /^\d{5}( \d{5}){5}$/);

    // User data is shown as text, never interpreted as markup.
    const text = 'Received 20 bags, lot L-117 <img src=x onerror="document.title=\'pwned\'">';
    await app.type(note, text);
    await app.click(await app.find('[data-testid="add-note"]'));
    const row = await app.waitFor('[data-testid="entry-row"]', (t) => t.includes("Received 20 bags"));
    assert.ok((await app.text(row)).includes('<img src=x onerror="document.title=\'pwned\'">'));
    assert.equal(await app.script("return document.querySelectorAll('.entries img').length"), 0);
    assert.match(await app.text(await app.find('[data-testid="entry-count"]')), /^1 entry$/);

    // The details pane shows the entry with its proof.
    const detail = await app.waitFor('[data-testid="detail-text"]', (t) => t.includes("Received 20 bags"));
    assert.ok(detail);

    await app.click(await app.find('[data-testid="verify"]'));
    const result = await app.waitFor('[data-testid="verify-result"]', (t) => t.length > 0);
    assert.match(await app.text(result), /Ledger intact: 1 entry,/);
    shot("ledger.png");
  } finally {
    await app.quit();
  }
});

test("later runs: a wrong passphrase is refused beside the field, the right one unlocks", async () => {
  const app = await launch(e2e.driver);
  try {
    const pass = await app.waitFor('[data-testid="field-passphrase"]');
    await app.type(pass, "not the passphrase");
    await app.click(await app.find('[data-testid="unlock"]'));
    const err = await app.waitFor('[data-testid="error-passphrase"]', (t) => t.length > 0);
    assert.match(await app.text(err), /wrong passphrase/);
    shot("unlock-error.png");

    const field = await app.find('[data-testid="field-passphrase"]');
    await app.clear(field);
    await app.type(field, PASS + "\uE007");
    await app.waitFor('[data-testid="home-checkpoint"]', (t) => t.includes("1 entry"));
    await app.click(await app.find('[data-testid="tab-ledger"]'));
    const row = await app.waitFor('[data-testid="entry-row"]', (t) => t.includes("Received 20 bags"));
    assert.ok(row);

    // Keyboard only: Alt+N focuses the note field, Ctrl+Enter adds the note.
    const body = await app.find("body");
    await app.type(body, "\uE00Anote");
    await app.type(await app.active(), "Second note by keyboard\uE009\uE007");
    await app.waitFor('[data-testid="entry-count"]', (t) => t === "2 entries");
    shot("unlocked.png");
  } catch (e) {
    try {
      shot("failed-later-run.png");
    } catch {}
    throw e;
  } finally {
    await app.quit();
  }
});
