// The first run's other door: the demo home, beside the user's (which stays uncreated),
// with the coffee chain named and traceable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { launch, useDriver, ROOT } from "./webdriver.mjs";

const e2e = useDriver({ before, after, name: "demo" });

test("first run: open the demo home and explore the coffee chain by name", async () => {
  const app = await launch(e2e.driver);
  try {
    await app.click(await app.waitFor('[data-testid="open-demo"]'));
    await app.click(await app.waitFor('[data-testid="tab-events"]', () => true, 60000));
    assert.equal(existsSync(e2e.driver.home), false, "the user's own home is not made by the demo");
    assert.ok(existsSync(`${e2e.driver.home}-demo`), "the demo home lives beside it");
    const end = Date.now() + 15000;
    while ((await app.findAll('[data-testid="timeline-row"]')).length < 7 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await app.findAll('[data-testid="timeline-row"]')).length, 7);
    const names = await app.script("return [...document.querySelectorAll('[data-testid=where-name]')].map(n => n.textContent)");
    for (const want of ["Finca El Mirador", "Finca La Esperanza", "Acme Coffee Importers, roastery"]) assert.ok(names.includes(want), `${want} in ${JSON.stringify(names)}`);
    // The goods by their master-data names, the code a hover away.
    const goods = await app.script("return [...document.querySelectorAll('[data-testid=goods-label]')].map(n => [n.textContent, n.title])");
    assert.ok(goods.some(([text, code]) => text === "Roasted coffee, Huila, 500 g lot R-2026-031" && code === "04012345123456 lot R-2026-031"), JSON.stringify(goods));
    assert.ok(!goods.some(([text]) => /\b\d{14}\b/.test(text)), `no GTIN left where master data names the product: ${JSON.stringify(goods)}`);
    e2e.shot("demo-events.png");

    // A dossier from the shipment: its goods and origins by name, its parties' GLNs named
    // by master data, an empty party filled from it by its GLN.
    await app.click(await app.find('[data-testid="tab-dossiers"]'));
    await app.type(await app.waitFor('[data-testid="dossier-shipment"]'), "077012340000000172");
    await app.click(await app.find('[data-testid="dossier-create"]'));
    await app.waitFor('[data-testid="line-items"]', (t) => t.includes("Green coffee"), 20000);
    const items = await app.script("return [...document.querySelectorAll('[data-testid=item-label]')].map(n => n.textContent)");
    assert.deepEqual(items, ["Green coffee, washed, Huila lot H-2026-017 · 1,200 kg", "Green coffee, washed, Huila lot H-2026-018 · 800 kg"]);
    const partyNames = await app.script("return [...document.querySelectorAll('[data-testid=party-md] [data-testid=code-name]')].map(n => n.textContent)");
    assert.deepEqual(partyNames, ["Cooperativa del Huila", "Acme Coffee Importers GmbH"]);
    assert.equal((await app.findAll('[data-testid="party-fill"]')).length, 0, "named parties need no filling");
    await app.type(await app.find('#f-parties-declarant-gln'), "4012345000009");
    await app.click(await app.waitFor('[data-testid="party-fill"]'));
    assert.equal(await app.script("return document.getElementById('f-parties-declarant-name').value"), "Acme Coffee Importers GmbH");
    assert.equal(await app.script("return document.getElementById('f-parties-declarant-country').value"), "DE");
    // Filled is saved and checked again: the declarant's missing name and country are gone.
    await app.waitFor('[data-testid="dossier-field-/parties/declarant/name"]', () => true);
    const end2 = Date.now() + 10000;
    const stale = () => app.script("return [...document.querySelectorAll('[data-testid=field-check]')].some(n => n.closest('.dfield')?.querySelector('#f-parties-declarant-name, #f-parties-declarant-country'))");
    while ((await stale()) && Date.now() < end2) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await stale(), false, "the filled party is checked again");
    e2e.shot("demo-dossier-names.png");

    // The roasted lot traced back to the farm's plots, by name.
    await app.click(await app.find('[data-testid="tab-trace"]'));
    await app.type(await app.waitFor('[data-testid="trace-id"]'), "04012345123456/R-2026-031");
    await app.click(await app.find('[data-testid="trace-run"]'));
    await app.waitFor('[data-testid="trace-graph"]');
    await app.script("document.querySelector(\"[data-id='https://id.gs1.org/01/07701234000011/10/H-2026-017']\").focus()");
    await app.type(await app.active(), "\uE007");
    await app.waitFor('[data-testid="node-created-at"]', (t) => t.includes("Finca El Mirador") && t.includes("GLN 7701234000011"));
    assert.match(await app.text(await app.find('[data-testid="node-product"]')), /Green coffee, washed, Huila/);
    // The origins on the offline map: both farms, one a point, one a polygon with its area.
    await app.waitFor('[data-testid="map-land"]', () => true, 20000);
    const legend = await app.script("return [...document.querySelectorAll('[data-testid=map-place]')].map(n => n.textContent.replace(/\\s+/g, ' ').trim())");
    assert.equal(legend.length, 2, JSON.stringify(legend));
    assert.ok(legend.some((l) => l.startsWith("Finca El Mirador") && l.includes("3.2")), JSON.stringify(legend));
    assert.ok(legend.some((l) => /^Finca La Esperanza · 6\.\d+ ha/.test(l)), JSON.stringify(legend));
    assert.equal((await app.findAll('[data-testid="map-plot"]')).length, 1);
    assert.equal((await app.findAll('[data-testid="map-point"]')).length, 1);
    await app.script("document.querySelector('[data-testid=map]').scrollIntoView()");
    e2e.shot("demo-trace.png");
    e2e.shot("demo-map.png");

    // A plot drawn in master data: four clicks, Finish; the polygon fills the field and
    // its area is computed.
    await app.click(await app.find('[data-testid="tab-masterdata"]'));
    await app.click(await app.waitFor('[data-testid="md-location"]'));
    await app.click(await app.waitFor('[data-testid="map-draw"]'));
    const svg = await app.find('[data-testid="map-svg"]');
    for (const [x, y] of [[-60, -40], [60, -40], [60, 40], [-60, 40]]) {
      await app.script(`const s = arguments[0]; const r = s.getBoundingClientRect(); const cx = r.left + r.width / 2 + ${x}, cy = r.top + r.height / 2 + ${y};
        for (const type of ["pointerdown", "pointerup"]) s.dispatchEvent(new PointerEvent(type, { clientX: cx, clientY: cy, bubbles: true, buttons: type === "pointerdown" ? 1 : 0 }));`, [{ "element-6066-11e4-a52e-4f735466cecf": svg }]);
    }
    assert.match(await app.text(await app.find('[data-testid="map-corners"]')), /^4 /);
    assert.match(await app.text(await app.find('[data-testid="map-computed"]')), /ha$/);
    await app.click(await app.find('[data-testid="map-finish"]'));
    const geometry = JSON.parse(await app.script("return document.getElementById('geometry').value"));
    assert.equal(geometry.type, "Polygon");
    assert.equal(geometry.coordinates[0].length, 5, "closed ring of four corners");
    assert.ok(geometry.coordinates[0].flat().every((n) => Math.abs(n * 1e6 - Math.round(n * 1e6)) < 1e-6), "6 decimals");
    e2e.shot("demo-draw.png");

    // A partner's bundle verified and not imported waits on Home; opened from there and
    // imported, it leaves the list.
    await app.click(await app.find('[data-testid="tab-verify"]'));
    await app.type(await app.waitFor('[data-testid="bundle-path"]'), path.join(ROOT, "tests/vectors/bundle/valid.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.startsWith("VERIFIED"));
    await app.click(await app.find('[data-testid="tab-home"]'));
    const waiting = await app.waitFor('[data-testid="received-bundle"]');
    await app.click(waiting);
    await app.click(await app.waitFor('[data-testid="bundle-import"]', () => true, 20000));
    await app.waitFor('[data-testid="bundle-imported"]', (t) => t.length > 0);
    await app.click(await app.find('[data-testid="tab-home"]'));
    await app.waitFor('[data-testid="home-received"]', (t) => t === "No bundle verified here awaits import.");

    // The recovery sheet: who, the key's fingerprint, where it lives; printed, not saved.
    await app.click(await app.find('[data-testid="open-settings"]'));
    await app.script("window.__printed = null; window.print = () => { window.__printed = document.getElementById('print-sheet').innerText; };");
    await app.click(await app.waitFor('[data-testid="print-recovery"]'));
    const sheet = await app.script("return window.__printed");
    assert.match(sheet, /TradeSeal recovery sheet/);
    assert.match(sheet, /Acme Coffee Importers \(demo\)/);
    assert.ok(sheet.includes(`${e2e.driver.home}-demo`), sheet);
    assert.match(sheet, /identity\.age/);
    assert.match(sheet, /\d{5} \d{5} \d{5}/, "the fingerprint");
  } finally {
    await app.quit().catch(() => {});
  }
});
