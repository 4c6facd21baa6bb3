// The first run's other door: the demo home, beside the user's (which stays uncreated),
// with the coffee chain named and traceable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { launch, useDriver } from "./webdriver.mjs";

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
    e2e.shot("demo-events.png");

    // The roasted lot traced back to the farm's plots, by name.
    await app.click(await app.find('[data-testid="tab-trace"]'));
    await app.type(await app.waitFor('[data-testid="trace-id"]'), "04012345123456/R-2026-031");
    await app.click(await app.find('[data-testid="trace-run"]'));
    await app.waitFor('[data-testid="trace-graph"]');
    await app.script("document.querySelector(\"[data-id='https://id.gs1.org/01/07701234000011/10/H-2026-017']\").focus()");
    await app.type(await app.active(), "\uE007");
    await app.waitFor('[data-testid="node-created-at"]', (t) => t.includes("Finca El Mirador") && t.includes("GLN 7701234000011"));
    assert.match(await app.text(await app.find('[data-testid="node-product"]')), /Green coffee, washed, Huila/);
    e2e.shot("demo-trace.png");
  } finally {
    await app.quit().catch(() => {});
  }
});
