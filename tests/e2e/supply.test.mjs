// End to end in the real desktop window: import the coffee-chain EPCIS document, see and
// filter the timeline, refuse a bad document (nothing changes), record an event with an
// inline GS1 check, add master data, and draw the trace of a roasted lot and a farm lot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ROOT, answerFileDialog, launch, useDriver } from "./webdriver.mjs";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

const FIXTURES = path.join(ROOT, "tests/fixtures/epcis");
const PASS = "correct horse battery";
const e2e = useDriver({ before, after });
const shot = e2e.shot;

async function rows(app, css) {
  return (await app.findAll(css)).length;
}

async function waitRows(app, css, n) {
  const end = Date.now() + 15000;
  let have = -1;
  while (Date.now() < end) {
    have = await rows(app, css);
    if (have === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${n} of ${css}, have ${have}`);
}

test("import, timeline, bad input, record an event, master data, trace graph", async () => {
  const app = await launch(e2e.driver);
  try {
    await app.type(await app.waitFor('[data-testid="field-org"]'), "Acme Coffee Importers");
    await app.type(await app.find('[data-testid="field-gln"]'), "4012345000009");
    await app.type(await app.find('[data-testid="field-passphrase"]'), PASS);
    await app.type(await app.find('[data-testid="field-passphrase2"]'), PASS);
    await app.click(await app.find('[data-testid="create-identity"]'));
    await app.click(await app.waitFor('[data-testid="tab-ledger"]'));
    await app.waitFor('[data-testid="note-text"]');

    // Import the fixture document chosen through the platform's open dialog (a path
    // typed or a file dropped on the window do the same).
    await app.click(await app.find('[data-testid="tab-events"]'));
    const pathField = await app.waitFor('[data-testid="import-path"]');
    await app.click(await app.find('[data-testid="import-browse"]'));
    const chosen = path.join(FIXTURES, "coffee-chain.jsonld");
    await answerFileDialog(e2e.driver.display, "Open File", chosen);
    for (let i = 0; i < 100 && (await app.script("return arguments[0].value", [{ [ELEMENT]: pathField }])) !== chosen; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await app.script("return arguments[0].value", [{ [ELEMENT]: pathField }]), chosen);
    // Its folder is offered first the next time a file is chosen.
    assert.equal(await app.script("return localStorage.getItem('tradeseal.lastFolder')"), FIXTURES);
    await app.click(await app.find('[data-testid="import-run"]'));
    const result = await app.waitFor('[data-testid="import-result"]', (t) => t.length > 0, 30000);
    assert.match(await app.text(result), /Imported 10 events from the EPCISDocument: 10 new, 0 already recorded/);
    await waitRows(app, '[data-testid="timeline-row"]', 10);

    // A document with a bad check digit is refused, naming the event and field; nothing changes.
    await app.clear(pathField);
    await app.type(pathField, path.join(FIXTURES, "bad/bad-check-digit.jsonld"));
    await app.click(await app.find('[data-testid="import-run"]'));
    const err = await app.waitFor('[data-testid="import-error"]', (t) => t.length > 0, 30000);
    assert.match(await app.text(err), /event 4 .*field epcList\[0\].*check digit/);
    await waitRows(app, '[data-testid="timeline-row"]', 10);

    // An EPCIS 2.0 XML document (GS1's sensor-data examples), told from its content: GS1's
    // misspelt business step is accepted with a warning the panel shows.
    await app.clear(pathField);
    await app.type(pathField, path.join(FIXTURES, "gs1-examples/XML/WithSensorData/SensorDataExamples.xml"));
    await app.click(await app.find('[data-testid="import-run"]'));
    await app.waitFor('[data-testid="import-result"]', (t) => /Imported 14 events/.test(t), 30000);
    assert.match(await app.text(await app.find('[data-testid="import-result"]')), /14 new, 0 already recorded\. Read as EPCIS 2\.0 XML\./);
    assert.match(await app.text(await app.find('[data-testid="import-warnings"]')), /2 warnings:.*Event 12: bizStep: "https:\/\/ref\.gs1\.org\/cbv\/Bizstep-sensor_reporting"/s);
    await waitRows(app, '[data-testid="timeline-row"]', 24);
    shot("import-xml.png");

    // Filter the timeline by lot.
    await app.type(await app.find('[data-testid="filter-lot"]'), "07701234000011/H-2026-018");
    await waitRows(app, '[data-testid="timeline-row"]', 3);
    // Ctrl+A, Backspace: clearing by keys fires the input event the filter listens to.
    await app.type(await app.find('[data-testid="filter-lot"]'), "\uE009a\uE009\uE003");
    await waitRows(app, '[data-testid="timeline-row"]', 24);

    // Open an event: its hash id and goods.
    const firstRow = (await app.findAll('[data-testid="timeline-row"] button'))[0];
    await app.click(firstRow);
    const hash = await app.waitFor('[data-testid="event-hash"]', (t) => t.startsWith("ni:///sha-256;"));
    assert.match(await app.text(hash), /\?ver=CBV2\.0$/);
    shot("events.png");

    // Record an event: a mistyped SSCC is flagged as it is typed; the corrected one records.
    await app.click(await app.find('[data-testid="record-open"]'));
    const epcs = await app.waitFor('[data-testid="record-epcs"]');
    await app.type(epcs, "urn:epc:id:sscc:7701234.0000000017\uE007https://id.gs1.org/00/077012340000000173");
    const inline = await app.waitFor('[data-testid="error-epcs"]', (t) => t.length > 0);
    assert.match(await app.text(inline), /Line 2: .*check digit/);
    await app.clear(epcs);
    await app.type(epcs, "urn:epc:id:sscc:7701234.0000000017");
    await app.script("const s = document.querySelector('[data-testid=record-step]'); s.value = 'inspecting'; s.dispatchEvent(new Event('change'));");
    await app.type(await app.find('[data-testid="record-readpoint"]'), "4012345000016");
    await app.script("document.querySelector('[data-testid=record-submit]').scrollIntoView({ block: 'center' })");
    await app.click(await app.find('[data-testid="record-submit"]'));
    await waitRows(app, '[data-testid="timeline-row"]', 25);
    await app.waitFor('[data-testid="event-detail"]', (t) => t.includes("inspecting"));

    // Master data: a wrong check digit is refused beside the field; the right one is saved.
    await app.click(await app.find('[data-testid="tab-masterdata"]'));
    await app.click(await app.waitFor('[data-testid="md-location"]'));
    await app.type(await app.waitFor('[data-testid="field-gln"]'), "7701234000043");
    await app.type(await app.find('[data-testid="field-name"]'), "Finca El Mirador");
    await app.type(await app.find('[data-testid="field-country"]'), "CO");
    await app.click(await app.find('[data-testid="md-save"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="error-gln"]', (t) => t.length > 0)), /check digit/);
    const gln = await app.find('[data-testid="field-gln"]');
    await app.clear(gln);
    await app.type(gln, "7701234000042");
    await app.click(await app.find('[data-testid="md-save"]'));
    await app.waitFor('[data-testid="md-status"]', (t) => /Saved as ledger entry/.test(t));
    await waitRows(app, '[data-testid="md-row"]', 1);

    // Trace the roasted lot: both farm lots are its origins, drawn left of it.
    await app.click(await app.find('[data-testid="tab-trace"]'));
    await app.type(await app.waitFor('[data-testid="trace-id"]'), "04012345123456/R-2026-031");
    await app.click(await app.find('[data-testid="trace-run"]'));
    await app.waitFor('[data-testid="trace-graph"]');
    const ids = await app.script("return [...document.querySelectorAll('[data-testid=trace-node]')].map(n => n.getAttribute('data-id')).sort()");
    assert.deepEqual(ids, [
      "https://id.gs1.org/01/04012345123456/10/R-2026-031",
      "https://id.gs1.org/01/07701234000011/10/H-2026-017",
      "https://id.gs1.org/01/07701234000011/10/H-2026-018",
    ]);
    const xs = await app.script(
      "const x = id => document.querySelector(`[data-id='${id}']`).getBoundingClientRect().x; return [x('https://id.gs1.org/01/07701234000011/10/H-2026-018'), x('https://id.gs1.org/01/04012345123456/10/R-2026-031')]",
    );
    assert.ok(xs[0] < xs[1], "origins are drawn left of the traced lot");
    assert.match(await app.text(await app.find('[data-testid="mass-balance"]')), /840 kg out from 1,000 kg in/);

    // A farm lot: everything made from it is drawn on the right (the recall list).
    const id = await app.find('[data-testid="trace-id"]');
    await app.clear(id);
    await app.type(id, "07701234000011/H-2026-018");
    await app.click(await app.find('[data-testid="trace-run"]'));
    await app.waitFor('[data-testid="trace-summary"]', (t) => /Recall list: 2 /.test(t));
    // Nodes are keyboard-operable: focus one and press Enter.
    await app.script("document.querySelector(\"[data-id='https://id.gs1.org/01/04012345123456/10/R-2026-031']\").focus()");
    await app.type(await app.active(), "\uE007");
    await app.waitFor('[data-testid="node-events"]', (t) => t.includes("commissioning"));
    shot("trace.png");

    // Names instead of codes: the farm lot's place by its master-data name, the GLN beside
    // it; the roasted lot's place is not in master data and offers to add it.
    await app.script("document.querySelector(\"[data-id='https://id.gs1.org/01/07701234000011/10/H-2026-018']\").focus()");
    await app.type(await app.active(), "\uE007");
    await app.waitFor('[data-testid="node-created-at"]', (t) => t.includes("Finca El Mirador") && t.includes("GLN 7701234000042"));
    await app.script("document.querySelector(\"[data-id='https://id.gs1.org/01/04012345123456/10/R-2026-031']\").focus()");
    await app.type(await app.active(), "\uE007");
    await app.waitFor('[data-testid="node-created-at"]', (t) => t.includes("not in master data") && t.includes("GLN 4012345000023"));
    shot("trace-names.png");
    await app.click(await app.find('[data-testid="node-created-at"] [data-testid="code-add"]'));
    const prefilled = await app.waitFor('[data-testid="field-gln"]');
    assert.equal(await app.script("return arguments[0].value", [{ [ELEMENT]: prefilled }]), "4012345000023");

    // In Events too: the harvest's place by name.
    await app.click(await app.find('[data-testid="tab-events"]'));
    await app.type(await app.waitFor('[data-testid="filter-lot"]'), "07701234000011/H-2026-018");
    await waitRows(app, '[data-testid="timeline-row"]', 3);
    const names = await app.script("return [...document.querySelectorAll('[data-testid=where-name]')].map(n => n.textContent)");
    assert.ok(names.includes("Finca El Mirador"), JSON.stringify(names));
  } catch (e) {
    try {
      shot("failed-supply.png");
    } catch {}
    throw e;
  } finally {
    await app.quit();
  }
});
