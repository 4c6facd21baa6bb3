// End to end in two real windows on one team ledger (PostgreSQL): the organisation's
// desk founded it; a second desk joins from its first-run screen, the administrator
// enrols the officer card it wrote on the Team screen, the officer records a note, and
// the organisation's window shows that note with the officer who made it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PASS, ROOT, cliOn, launch, postgresDatabase, screenshot, startDriver } from "./webdriver.mjs";

const work = mkdtempSync(path.join(tmpdir(), "tradeseal-e2e-team-"));
const orgHome = path.join(work, "org");
const deskHome = path.join(work, "ana");
let pg, a, b;

before(async () => {
  pg = postgresDatabase("e2e_team");
  const cli = cliOn(orgHome);
  cli("init", "--org", "Andes Coffee Export S.A.S.");
  cli("team", "init", pg.url);
  a = await startDriver({ home: orgHome, port: 4444 });
  b = await startDriver({ home: deskHome, port: 4446 });
});
after(() => {
  a?.stop();
  b?.stop();
  pg?.stop();
});

const shot = (d, f) => screenshot(d, path.join(ROOT, "target/e2e", f));

test("two desks on one team ledger: an officer's entry shows in the other window with its officer", async () => {
  const org = await launch(a);
  const ana = await launch(b);
  try {
    // The organisation's window: unlocked, it writes the team ledger.
    await org.type(await org.waitFor('[data-testid="field-passphrase"]'), PASS);
    await org.click(await org.find('[data-testid="unlock"]'));
    await org.click(await org.waitFor('[data-testid="tab-ledger"]'));
    await org.waitFor('[data-testid="note-text"]');
    await org.click(await org.find('[data-testid="tab-team"]'));
    assert.match(await org.text(await org.waitFor('[data-testid="team-store"]')), /team ledger \(database e2e_team/);

    // Ana's desk joins from its first-run screen; her card is written where she says.
    const card = path.join(work, "ana-officer.json");
    await ana.type(await ana.waitFor('[data-testid="field-join-url"]'), pg.url);
    await ana.type(await ana.find('[data-testid="field-join-name"]'), "Ana Ruiz");
    await ana.type(await ana.find('[data-testid="field-join-passphrase"]'), PASS);
    await ana.type(await ana.find('[data-testid="field-join-passphrase2"]'), PASS);
    await ana.type(await ana.find('[data-testid="field-join-card"]'), card);
    await ana.click(await ana.find('[data-testid="join-team"]'));
    const joined = await ana.text(await ana.waitFor('[data-testid="joined"]', (t) => t.length > 0, 30000));
    const written = JSON.parse(readFileSync(card, "utf8"));
    assert.equal(written.format, "tradeseal-officer-card/v1");
    assert.ok(joined.includes(written.fingerprint), joined);
    await ana.click(await ana.find('[data-testid="joined-continue"]'));
    await ana.click(await ana.waitFor('[data-testid="tab-ledger"]'));
    await ana.waitFor('[data-testid="note-text"]');
    // Not enrolled yet: her note is refused, with what to do.
    await ana.type(await ana.find('[data-testid="note-text"]'), "too early");
    await ana.click(await ana.find('[data-testid="add-note"]'));
    assert.match(await ana.text(await ana.waitFor('[data-testid="note-error"]', (t) => t.length > 0)), /not enrolled/);

    // The administrator enrols her card on the Team screen.
    await org.type(await org.waitFor('[data-testid="officer-card"]'), card);
    await org.click(await org.find('[data-testid="officer-add"]'));
    const row = await org.waitFor('[data-testid="officer-row"]', (t) => t.includes("Ana Ruiz"));
    assert.match(await org.text(row), /active since entry 0/);
    shot(a, "team-officers.png");

    // Ana records a note into the team ledger.
    const note = await ana.find('[data-testid="note-text"]');
    await ana.clear(note);
    await ana.type(note, "Bags 1-40 inspected at the warehouse");
    await ana.click(await ana.find('[data-testid="add-note"]'));
    await ana.waitFor('[data-testid="entry-count"]', (t) => /^2 /.test(t));

    // The organisation's window shows it, with her name.
    await org.click(await org.find('[data-testid="tab-ledger"]'));
    await org.waitFor('[data-testid="entry-count"]', (t) => /^2 /.test(t));
    const first = await org.waitFor('[data-testid="entry-row"]', (t) => t.includes("Bags 1-40 inspected"));
    assert.match(await org.text(first), /by Ana Ruiz/);
    shot(a, "team-ledger.png");
    // And her own window says the same of her entry.
    await ana.waitFor('[data-testid="entry-row"]', (t) => t.includes("by Ana Ruiz"));
  } finally {
    await org.quit().catch(() => {});
    await ana.quit().catch(() => {});
  }
});
