// The published passport site in a real browser engine (WebKitGTK's MiniBrowser, driven
// by WebKitWebDriver), served over HTTP by a server that logs every request: the lot
// page renders its map and timeline; a serial page with the label's genuine signature
// says genuine; one character of the signature changed says not issued; without a
// signature it says so; the page switches to Spanish; no request leaves the site; and
// a few accessibility checks of our choice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { existsSync } from "node:fs";
import { PASS, ROOT, launch, openPage, useDriver } from "./webdriver.mjs";

const DEMO = path.join(ROOT, "assets/demo");
const e2e = useDriver({
  before,
  after,
  name: "passport",
  setup: (cli) => {
    cli("init", "--org", "Acme Coffee Importers", "--gln", "4012345000009");
    cli("party", "add", path.join(DEMO, "farm.card"));
    cli("party", "trust", "7701234000011");
    cli("party", "add", path.join(DEMO, "coop.card"));
    cli("party", "trust", "7701234000004");
    cli("bundle", "import", path.join(DEMO, "sscc.tsbundle"));
    cli("epcis", "import", path.join(DEMO, "importer.jsonld"));
    cli("masterdata", "product", "--gtin", "04012345123456", "--name", "Roasted coffee, Huila, 500 g");
    cli("masterdata", "location", "--gln", "7701234000011", "--name", "Finca El Mirador", "--country", "CO", "--region", "HUI", "--geometry", '{"type":"Point","coordinates":[-75.934512,2.154873]}', "--area-ha", "3.2", "--deforestation-free");
  },
});

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".tsbundle": "application/octet-stream" };

test("the passport site: lot page, a genuine label, a forged one, no request leaves it", async () => {
  const work = e2e.work;
  const site = path.join(work, "site");
  e2e.cli("labels", "--gtin", "04012345123456", "--lot", "R-2026-031", "--count", "3", "--resolver", "https://id.example.com", "-o", path.join(work, "labels.pdf"));
  const out = e2e.cli("publish", "--lot", "04012345123456/R-2026-031", "--serials", "-o", site);
  assert.match(out, /serial pages {2}3/);
  // The label's own address, read from the printed sheet by zbar.
  execFileSync("pdftoppm", ["-r", "300", "-gray", "-png", "-singlefile", path.join(work, "labels.pdf"), path.join(work, "labels")]);
  const uri = execFileSync("zbarimg", ["-q", "--raw", path.join(work, "labels.png")], { encoding: "utf8" }).trim().split("\n").find((u) => u.includes("/21/000001?"));
  assert.ok(uri, "the first label's code");
  const query = uri.slice(uri.indexOf("?"));

  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(site, path.normalize(rel));
    try {
      if (!file.startsWith(site) || !statSync(file).isFile()) throw new Error("no");
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const lotPath = "/01/04012345123456/10/R-2026-031/";
  const page = await openPage(e2e.driver, `${base}${lotPath}`);
  try {
    // The lot page: the product, the map with the farm, the journey.
    await page.waitFor('[data-testid="product"]', (t) => t === "Roasted coffee, Huila, 500 g");
    assert.ok((await page.findAll('[data-testid="map-land"]')).length > 3, "countries drawn");
    assert.equal((await page.findAll('[data-testid="map-place"]')).length, 1);
    const steps = await page.script("return [...document.querySelectorAll('[data-testid=timeline] li')].map(l => l.textContent)");
    assert.ok(steps.length >= 4 && steps.some((s) => s.includes("Finca El Mirador")), JSON.stringify(steps));
    execFileSync("import", ["-display", e2e.driver.display, "-window", "root", path.join(ROOT, "target/e2e/passport-lot.png")]);
    // Accessibility (our checks): a language, one h1, headings in order, the map named,
    // the language picker labelled and big enough to tap, the viewport set.
    const a11y = await page.script(`
      const h = [...document.querySelectorAll("h1, h2, h3")].map(e => Number(e.tagName[1]));
      const sel = document.getElementById("lang");
      return {
        lang: document.documentElement.lang,
        h1: document.querySelectorAll("h1").length,
        order: h.every((n, i) => i === 0 || n <= h[i - 1] + 1),
        map: document.querySelector("svg.map").getAttribute("role") === "img" && !!document.querySelector("svg.map").getAttribute("aria-label"),
        label: !!sel.closest("label"),
        tap: sel.getBoundingClientRect().height >= 44,
        viewport: !!document.querySelector('meta[name=viewport]'),
      };`);
    assert.deepEqual(a11y, { lang: "en", h1: 1, order: true, map: true, label: true, tap: true, viewport: true });
    // In Spanish.
    await page.script("const s = document.getElementById('lang'); s.value = 'es'; s.dispatchEvent(new Event('change'));");
    assert.equal(await page.script("return document.querySelector('[data-t=journey]').textContent"), "Cómo viajó");
    assert.equal(await page.script("return document.documentElement.lang"), "es");
    assert.equal(await page.script("return document.querySelector('.step[data-step=packing]').textContent"), "embalaje");

    // A serial page: genuine with the label's own signature…
    const serialPath = `${lotPath}21/000001/`;
    await page.go(`${base}${serialPath}${query}`);
    await page.waitFor('[data-testid="verdict"]', (t) => !t.startsWith("Checking"));
    assert.equal(await page.script("return document.getElementById('verdict').dataset.state"), "genuine");
    assert.equal(await page.text(await page.find('[data-testid="verdict"]')), "Genuine label of Acme Coffee Importers.");
    execFileSync("import", ["-display", e2e.driver.display, "-window", "root", path.join(ROOT, "target/e2e/passport-genuine.png")]);
    // …not issued with one character of the signature changed…
    const s = new URLSearchParams(query.slice(1)).get("s");
    const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
    await page.go(`${base}${serialPath}${query.replace(s, flipped)}`);
    await page.waitFor('[data-testid="verdict"]', (t) => !t.startsWith("Checking"));
    assert.equal(await page.script("return document.getElementById('verdict').dataset.state"), "forged");
    assert.equal(await page.text(await page.find('[data-testid="verdict"]')), "This label was not issued by Acme Coffee Importers.");
    // …and the genuine signature on another serial's page is not that serial's.
    await page.go(`${base}${lotPath}21/000002/${query}`);
    await page.waitFor('[data-testid="verdict"]', (t) => !t.startsWith("Checking"));
    assert.equal(await page.script("return document.getElementById('verdict').dataset.state"), "forged");
    // Without a signature in the address.
    await page.go(`${base}${serialPath}`);
    await page.waitFor('[data-testid="verdict"]', (t) => !t.startsWith("Checking"));
    assert.equal(await page.script("return document.getElementById('verdict').dataset.state"), "unsigned");

    // No request left the site: the browser fetched only the site's own files, all of
    // them from this server.
    const resources = await page.script("return performance.getEntriesByType('resource').map(e => e.name)");
    assert.ok(resources.every((r) => r.startsWith(base)), JSON.stringify(resources));
    const paths = requests.map((r) => new URL(r, base).pathname);
    assert.ok(paths.every((p) => p.startsWith("/01/04012345123456/10/R-2026-031/") || p.startsWith("/assets/passport.") || p === "/favicon.ico"), JSON.stringify(paths));
    assert.ok(paths.includes("/assets/passport.js") && paths.includes("/assets/passport.css"));
  } finally {
    await page.quit().catch(() => {});
    server.close();
  }
});

test("the Publish screen previews the lot's page, withholds partners and writes the site", async () => {
  const dir = path.join(e2e.work, "from-app");
  const app = await launch(e2e.driver);
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.click(await app.waitFor('[data-testid="tab-publish"]'));
    await app.type(await app.waitFor('[data-testid="publish-lot"]'), "04012345123456/R-2026-031");
    await app.waitFor('[data-testid="publish-product"]', (t) => t === "Roasted coffee, Huila, 500 g", 20000);
    await app.waitFor('[data-testid="map-land"]', () => true, 20000);
    const steps = () => app.script("return [...document.querySelectorAll('[data-testid=publish-steps] li')].map(l => l.textContent)");
    const shown = await steps();
    assert.ok(shown.some((s) => s.includes("Finca El Mirador")), JSON.stringify(shown));
    // Partners withheld: the preview drops their places at once.
    await app.click(await app.find('[data-testid="publish-hide-partners"]'));
    await app.waitFor('[data-testid="publish-preview"]', (t) => t.includes("left out"), 10000);
    await app.type(await app.find('[data-testid="publish-dir"]'), dir);
    await app.click(await app.find('[data-testid="publish-write"]'));
    await app.waitFor('[data-testid="publish-result"]', (t) => t.includes("label pages"), 30000);
    e2e.shot("publish-screen.png");
    const lot = path.join(dir, "01/04012345123456/10/R-2026-031");
    assert.ok(existsSync(path.join(lot, "index.html")));
    assert.ok(existsSync(path.join(lot, "21/000001/index.html")), "a page per label");
    assert.ok(!existsSync(path.join(lot, "chain.tsbundle")), "the chain withheld with the partners");
  } finally {
    await app.quit();
  }
});

test("the Verify screen checks UNTP credentials: verified, and a changed one refused", async () => {
  const dir = path.join(e2e.work, "untp");
  e2e.cli("untp", "--lot", "04012345123456/R-2026-031", "-o", dir);
  const dpp = path.join(dir, "04012345123456-R-2026-031-dpp.jwt");
  const bad = path.join(e2e.work, "changed.jwt");
  const jwt = readFileSync(dpp, "utf8");
  writeFileSync(bad, jwt.slice(0, -1) + (jwt.endsWith("A") ? "B" : "A"));
  const app = await launch(e2e.driver);
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.click(await app.waitFor('[data-testid="tab-verify"]'));
    await app.type(await app.waitFor('[data-testid="bundle-path"]'), dpp);
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    const v = await app.waitFor('[data-testid="untp-verdict"]', () => true, 20000);
    assert.equal(await app.script("return document.querySelector('[data-testid=untp-verdict]').dataset.verdict"), "verified");
    assert.match(await app.text(v), /^VERIFIED: a UNTP 0\.6\.0 DigitalProductPassport issued by Acme Coffee Importers/);
    assert.match(await app.text(await app.find('[data-testid="untp-product"]')), /Roasted coffee, Huila, 500 g · R-2026-031/);
    e2e.shot("untp-verified.png");
    await app.script("const i = document.getElementById('bundle-path'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));");
    await app.type(await app.find('[data-testid="bundle-path"]'), bad);
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    await app.waitFor('[data-testid="untp-verdict"]', (t) => t.startsWith("FAILED"), 20000);
    const codes = await app.script("return [...document.querySelectorAll('[data-testid=untp-finding]')].map(n => n.textContent)");
    assert.equal(codes.length, 1, JSON.stringify(codes));
  } finally {
    await app.quit();
  }
});
