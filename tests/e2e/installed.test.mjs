// The installed app (scripts/test.sh installs the .deb that scripts/package.sh built and
// points TRADESEAL_APP at it): its desktop entry opens the files it is associated with,
// the system knows a .tsbundle, and the app started with a partner's bundle verifies it.
// Skipped unless the app under test is the installed one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { APP, ROOT, launch, useDriver } from "./webdriver.mjs";

const installed = APP === "/usr/bin/tradeseal-app";
const PASS = "correct horse battery";
const e2e = useDriver({ before, after, name: "installed" });

test("the installed app: desktop entry, file types, opened with a bundle", { skip: !installed && "not the installed app (TRADESEAL_APP=/usr/bin/tradeseal-app)" }, async () => {
  const entry = readFileSync("/usr/share/applications/TradeSeal.desktop", "utf8");
  assert.match(entry, /^Exec=tradeseal-app %f$/m);
  assert.match(entry, /^MimeType=.*application\/vnd\.tradeseal\.bundle\+jsonl/m);
  assert.ok(existsSync("/usr/share/mime/packages/tradeseal.xml"));
  assert.ok(existsSync("/usr/share/icons/hicolor/512x512/apps/tradeseal-app.png"));
  const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "trade-seal"], { encoding: "utf8" });
  assert.equal(version, JSON.parse(readFileSync(path.join(ROOT, "src-tauri/tauri.conf.json"), "utf8")).version);

  // Opened with the demo cooperative's bundle: after the first run's identity, the Verify
  // screen checks it (its signers are not trusted by this new home: verified with
  // warnings, nothing failed).
  const bundle = path.join(ROOT, "assets/demo/sscc.tsbundle");
  const app = await launch(e2e.driver, [bundle]);
  try {
    await app.type(await app.waitFor('[data-testid="field-org"]'), "Acme Coffee Importers");
    await app.type(await app.find('[data-testid="field-passphrase"]'), PASS);
    await app.type(await app.find('[data-testid="field-passphrase2"]'), PASS);
    await app.click(await app.find('[data-testid="create-identity"]'));
    await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.length > 0, 30000);
    assert.equal(await app.script("return document.querySelector('[data-testid=bundle-verdict]').dataset.verdict"), "verified-with-warnings");
    e2e.shot("installed-opened-bundle.png");
  } finally {
    await app.quit().catch(() => {});
  }
});
