// End to end in the real desktop window: a design file attested on the Attest screen
// (its hash recorded, the certificate saved and previewed); zbar (independent) reads the
// saved PDF's code; the same file checked against the certificate is proven, a copy
// changed by one byte is not; the Scan screen shows what the certificate attests and,
// dropped with it, checks the file and the copy against it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PASS, ROOT, launch, useDriver } from "./webdriver.mjs";

const e2e = useDriver({
  before,
  after,
  name: "attest",
  setup: (cli) => cli("init", "--org", "Atelier Lumen"),
});
const work = e2e.work;

test("attest a design file, prove it, refuse a changed copy", async () => {
  const design = path.join(work, "jacket-12.svg");
  writeFileSync(design, "<svg><path d='M0 0L10 10'/></svg>\n");
  const sha = createHash("sha256").update(readFileSync(design)).digest("hex");
  const app = await launch(e2e.driver);
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.click(await app.waitFor('[data-testid="tab-attest"]'));
    await app.type(await app.waitFor('[data-testid="attest-file"]'), design);
    await app.type(await app.find('[data-testid="attest-title"]'), "Jacket 12, spring collection");
    await app.type(await app.find('[data-testid="attest-owner"]'), "Atelier Lumen");
    // The certificate's file is offered beside the design.
    const pdf = `${design}.attest.pdf`;
    assert.equal(await app.script("return document.getElementById('attest-path').value"), pdf);
    await app.click(await app.find('[data-testid="attest-run"]'));
    await app.waitFor('[data-testid="attest-result"]', (t) => t.includes(pdf), 30000);
    assert.equal(await app.text(await app.find('[data-testid="attest-sha256"]')), sha);
    await app.waitFor('[data-testid="pdf-preview"]');
    e2e.shot("attest-issued.png");
    assert.ok(existsSync(pdf));

    // The saved certificate's code, read by zbar: a TradeSeal certificate payload.
    execFileSync("pdftoppm", ["-r", "300", "-gray", "-png", "-singlefile", pdf, path.join(work, "attest")]);
    const code = execFileSync("zbarimg", ["-q", "--raw", path.join(work, "attest.png")], { encoding: "utf8" }).trim();
    assert.match(code, /^TSC1:/);
    const checked = execFileSync("python3", [path.join(ROOT, "tests/vectors/certificate/check.py"), "--text", code], { encoding: "utf8" }).trim();
    assert.equal(checked, "ok");

    // The file against its certificate: proven; a copy changed by one byte: not.
    await app.type(await app.find('[data-testid="attest-check-file"]'), design);
    await app.type(await app.find('[data-testid="attest-check-cert"]'), pdf);
    await app.click(await app.find('[data-testid="attest-check-run"]'));
    let verdict = await app.waitFor('[data-testid="attest-verdict"]', () => true, 30000);
    assert.equal(await app.script("return document.querySelector('[data-testid=attest-verdict]').dataset.proven"), "true");
    assert.match(await app.text(verdict), /^PROVEN: this is the file Atelier Lumen attested on /);
    const copy = path.join(work, "copy.svg");
    const bytes = readFileSync(design);
    bytes[5] ^= 1;
    writeFileSync(copy, bytes);
    await app.script("const i = document.getElementById('check-file'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
    await app.type(await app.find('[data-testid="attest-check-file"]'), copy);
    await app.click(await app.find('[data-testid="attest-check-run"]'));
    verdict = await app.waitFor('[data-testid="attest-verdict"]', (t) => t.startsWith("NOT THE FILE"), 30000);
    assert.equal(await app.script("return document.querySelector('[data-testid=attest-verdict]').dataset.proven"), "false");
    e2e.shot("attest-refused.png");

    // The Scan screen reads the certificate and says what it attests.
    await app.click(await app.find('[data-testid="tab-scan"]'));
    await app.type(await app.waitFor('[data-testid="scan-paths"]'), pdf);
    await app.click(await app.find('[data-testid="scan-go"]'));
    const attested = await app.waitFor('[data-testid="scan-attested"]', () => true, 30000);
    assert.match(await app.text(attested), /Jacket 12, spring collection · jacket-12\.svg · Atelier Lumen · 34 bytes/);
    // The file and the changed copy dropped with the certificate: each checked against it.
    await app.script("const a = document.querySelector('[data-testid=scan-paths]'); a.value = ''; a.dispatchEvent(new Event('input', { bubbles: true }));");
    await app.script("const a = document.querySelector('[data-testid=scan-paths]'); a.value = arguments[0]; a.dispatchEvent(new Event('input', { bubbles: true }));", [`${design}\n${copy}\n${pdf}`]);
    await app.click(await app.find('[data-testid="scan-go"]'));
    await app.waitFor('[data-testid="scan-proof"]', () => true, 30000).catch(async (e) => {
      throw new Error(`${e.message}: ${await app.script("return document.querySelector('.section').innerText")}`);
    });
    const end = Date.now() + 10000;
    let proofs = [];
    while (proofs.length < 2 && Date.now() < end) {
      proofs = await app.script("return [...document.querySelectorAll('[data-testid=scan-file]')].map(s => [s.querySelector('h3').textContent, s.querySelector('[data-testid=scan-proof]')?.dataset.proven]).filter(p => p[1])");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(proofs, [[design, "true"], [copy, "false"]]);
    e2e.shot("attest-scan.png");
  } finally {
    await app.quit();
  }
});
