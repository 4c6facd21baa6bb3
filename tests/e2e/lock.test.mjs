// End to end in the real desktop window: the key is locked after the idle time (set to
// 4 seconds here by TRADESEAL_IDLE_LOCK_SECONDS; 15 minutes by default, set by the
// user in minutes), and by the Lock button; the setting is kept in the home.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PASS, launch, useDriver } from "./webdriver.mjs";

const e2e = useDriver({
  before,
  after,
  name: "lock",
  setup: (cli) => cli("init", "--org", "Acme Coffee Importers"),
  env: { TRADESEAL_IDLE_LOCK_SECONDS: "4" },
});

test("the key locks when idle, on request, and the idle time is kept", async () => {
  const app = await launch(e2e.driver);
  try {
    const unlock = async () => {
      await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
      await app.waitFor('[data-testid="tab-ledger"]');
    };
    await unlock();
    // Nothing done for longer than the idle time: the unlock screen, saying why.
    const why = await app.waitFor('[data-testid="locked-reason"]', (t) => t.length > 0, 20000);
    assert.match(await app.text(why), /without activity/);
    assert.equal((await app.findAll('[data-testid="tab-ledger"]')).length, 0, "the app's sections are gone");
    e2e.shot("locked-idle.png");
    await unlock();
    // The Lock button locks at once.
    await app.click(await app.find('[data-testid="lock-now"]'));
    assert.match(await app.text(await app.waitFor('[data-testid="locked-reason"]', (t) => t.length > 0)), /^Locked\.$/);
    await unlock();
    // The idle time, in minutes, set in Settings, is kept in the home's settings.
    await app.click(await app.find('[data-testid="open-settings"]'));
    const minutes = await app.waitFor('[data-testid="idle-minutes"]');
    await app.type(minutes, "\uE009a\uE009\uE003" + "30\uE004");
    const settings = path.join(e2e.home, "settings.json");
    let kept = null;
    for (let i = 0; i < 50 && kept === null; i++) {
      try {
        kept = JSON.parse(readFileSync(settings, "utf8"));
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(kept?.idle_lock_minutes, 30);
  } catch (e) {
    try {
      e2e.shot("failed-lock.png");
    } catch {}
    throw e;
  } finally {
    await app.quit();
  }
});
