// Six languages: the first screen switched to Spanish, the demo home and every section
// in Spanish, a bundle's finding and its saved PDF report in Spanish; then Chinese from
// Settings. "No English" is checked against the key catalogues: no visible text (or
// placeholder, label, title) is an English message the language words differently.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { launch, useDriver, ROOT } from "./webdriver.mjs";

const e2e = useDriver({ before, after, name: "language" });
const VECTORS = path.join(ROOT, "tests/vectors/bundle");

function catalogue(lang) {
  const read = (p) => JSON.parse(readFileSync(path.join(ROOT, p), "utf8"));
  return { ...read(`assets/locales/${lang}.json`), ...read(`ui/src/locales/${lang}.json`) };
}
const EN = catalogue("en");

/** The English messages `lang` words differently, as patterns matching a whole text
 * (placeholders match anything), for the page to test its texts against. */
function englishOnly(lang) {
  const other = catalogue(lang);
  const out = [];
  for (const [key, en] of Object.entries(EN)) {
    if (other[key] === en) continue;
    const literal = en.replace(/\{\w+\}/g, "");
    if (literal.replace(/[^A-Za-z]/g, "").length < 4) continue;
    const escaped = en.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, ".+");
    out.push([key, `^${escaped}$`]);
  }
  return out;
}

/** Every visible text node and text attribute that is a whole English message. */
const FIND_ENGLISH = `
  const patterns = arguments[0].map(([k, p]) => [k, new RegExp(p, "s")]);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest("script,style,details:not([open]) > :not(summary)")) continue;
    if (!el.getClientRects().length) continue;
    const t = n.textContent.trim();
    if (t) texts.push(t);
  }
  for (const el of document.querySelectorAll("[placeholder],[aria-label],[title]")) {
    if (!el.getClientRects().length) continue;
    for (const a of ["placeholder", "aria-label", "title"]) { const v = el.getAttribute(a); if (v) texts.push(v.trim()); }
  }
  const hits = [];
  for (const t of texts) for (const [k, re] of patterns) if (re.test(t)) hits.push(k + ": " + t);
  return hits;`;

async function noEnglish(app, lang, where) {
  const hits = await app.script(FIND_ENGLISH, [englishOnly(lang)]);
  assert.deepEqual(hits, [], `English left on ${where} in ${lang}`);
}

async function choose(app, css, value) {
  await app.script(`const s = document.querySelector(${JSON.stringify(css)}); s.value = ${JSON.stringify(value)}; s.dispatchEvent(new Event("change", { bubbles: true }));`);
}

const SECTIONS = ["home", "ledger", "events", "trace", "masterdata", "verify", "partners", "dossiers", "labels", "scan", "certificates", "team"];

test("the app in Spanish and Chinese: every section, a finding and the PDF report", async () => {
  const app = await launch(e2e.driver);
  try {
    // The first screen offers the language before anything else; the window reloads in it.
    await app.waitFor('[data-testid="open-demo"]');
    await choose(app, '[data-testid="first-language"]', "es");
    await app.waitFor('[data-testid="open-demo"]', (t) => t === "Abrir la demostración", 20000);
    assert.equal(await app.script("return document.documentElement.lang"), "es");
    await noEnglish(app, "es", "the first run");
    e2e.shot("language-es-welcome.png");

    await app.click(await app.find('[data-testid="open-demo"]'));
    await app.waitFor('[data-testid="tab-home"]', (t) => t === "Inicio", 60000);
    e2e.shot("language-es-home.png");
    for (const s of SECTIONS) {
      await app.click(await app.find(`[data-testid="tab-${s}"]`));
      await new Promise((r) => setTimeout(r, 400));
      await noEnglish(app, "es", s);
    }
    await app.click(await app.find('[data-testid="open-settings"]'));
    await app.waitFor('[data-testid="settings"]');
    await noEnglish(app, "es", "settings");

    // A damaged bundle: the finding in Spanish, by its code.
    await app.click(await app.find('[data-testid="tab-verify"]'));
    await app.type(await app.waitFor('[data-testid="bundle-path"]'), path.join(VECTORS, "entry-signature.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.startsWith("FALLIDO"));
    const finding = await app.text(await app.waitFor('[data-testid="finding-text"]'));
    assert.equal(finding, catalogue("es")["finding.entry-signature"]);
    await noEnglish(app, "es", "a bundle's findings");
    e2e.shot("language-es-finding.png");
    // The report the broker files, in Spanish too.
    const out = path.join(mkdtempSync(path.join(tmpdir(), "tradeseal-lang-")), "informe.pdf");
    const rp = await app.find('[data-testid="report-path"]');
    await app.clear(rp);
    await app.type(rp, out);
    await app.click(await app.find('[data-testid="report-save"]'));
    await app.waitFor('[data-testid="report-saved"]', (t) => t.length > 0);
    assert.ok(existsSync(out));
    const pdf = execFileSync("pdftotext", [out, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    assert.match(pdf, /Informe de verificación de procedencia/);
    assert.match(pdf, /FALLIDO: el archivo de/);
    assert.ok(pdf.includes(catalogue("es")["finding.entry-signature"]), pdf);

    // Chinese, chosen in Settings.
    await app.click(await app.find('[data-testid="open-settings"]'));
    await choose(app, '[data-testid="settings-language"]', "zh");
    await app.waitFor('[data-testid="tab-home"]', (t) => t === "首页", 20000);
    assert.equal(await app.script("return document.documentElement.lang"), "zh-CN");
    for (const s of SECTIONS) {
      await app.click(await app.find(`[data-testid="tab-${s}"]`));
      await new Promise((r) => setTimeout(r, 400));
      await noEnglish(app, "zh", s);
    }
    await app.click(await app.find('[data-testid="tab-verify"]'));
    await app.type(await app.waitFor('[data-testid="bundle-path"]'), path.join(VECTORS, "entry-signature.tsbundle"));
    await app.click(await app.find('[data-testid="bundle-verify"]'));
    await app.waitFor('[data-testid="bundle-verdict"]', (t) => t.startsWith("失败"));
    assert.equal(await app.text(await app.waitFor('[data-testid="finding-text"]')), catalogue("zh")["finding.entry-signature"]);
    await noEnglish(app, "zh", "a bundle's findings");
    e2e.shot("language-zh-finding.png");
  } finally {
    await app.quit().catch(() => {});
  }
});
