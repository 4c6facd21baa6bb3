// End to end in the real desktop window: a home holding the coffee chain (set up with
// the CLI); in the app, a dossier is built from the recorded shipment, a mistyped
// container number is flagged beside its field and reached from the checks panel,
// corrected, the dossier sealed, previewed and exported as a PDF with prices withheld;
// the PDF's text is read back (pdftotext) and its QR code decoded (zbarimg).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { PASS, ROOT, launch, useDriver } from "./webdriver.mjs";

const e2e = useDriver({
  before,
  after,
  name: "dossier",
  setup: (cli) => {
    cli("init", "--org", "Acme Coffee Importers", "--gln", "4012345000009");
    cli("epcis", "import", path.join(ROOT, "tests/fixtures/epcis/coffee-chain.jsonld"));
    cli("masterdata", "product", "--gtin", "07701234000011", "--name", "Green coffee, washed", "--hs", "0901.11", "--unit", "KGM");
    for (const [gln, name, lon, lat] of [["7701234000011", "Finca El Mirador", "-75.934512", "2.154873"], ["7701234000042", "Finca La Esperanza", "-76.012345", "1.998761"]]) {
      cli("masterdata", "location", "--gln", gln, "--name", name, "--country", "CO", "--region", "HUI", "--geometry", `{"type":"Point","coordinates":[${lon},${lat}]}`, "--area-ha", "3.1", "--deforestation-free");
    }
    cli("masterdata", "party", "--gln", "7701234000004", "--name", "Cooperativa Café do Sul", "--country", "CO");
    cli("masterdata", "party", "--gln", "4012345000009", "--name", "云南咖啡进口有限公司", "--country", "DE");
  },
});
const work = e2e.work;

const field = (p) => `[data-testid="dossier-field-${p}"]`;

test("build a dossier from the shipment, fix an error, seal, preview and export the PDF", async () => {
  const app = await launch(e2e.driver);
  const shot = e2e.shot;
  try {
    await app.type(await app.waitFor('[data-testid="field-passphrase"]'), PASS + "\uE007");
    await app.waitFor('[data-testid="tab-dossiers"]');
    await app.click(await app.find('[data-testid="tab-dossiers"]'));
    await app.type(await app.waitFor('[data-testid="dossier-shipment"]'), "077012340000000172");
    await app.type(await app.find('[data-testid="dossier-lrn"]'), "ACME-2026-0042");
    await app.click(await app.find('[data-testid="dossier-create"]'));

    // Filled from the ledger: the product, its HS code, the lots, the parties.
    await app.waitFor('[data-testid="dossier-title"]', (t) => t.includes("ACME-2026-0042"));
    const desc = await app.find(field("/lines/0/description"));
    assert.equal(await app.script("return arguments[0].value", [{ "element-6066-11e4-a52e-4f735466cecf": desc }]), "Green coffee, washed");
    assert.match(await app.text(await app.find('[data-testid="line-provenance"]')), /provenance verified · 100 % of origin verified · EUDR coffee/);
    const checks = await app.text(await app.find('[data-testid="checks"]'));
    assert.match(checks, /\/header\/declaration_type/);
    assert.match(checks, /eudr-dds-missing/);

    // The EUDR geolocation file of the coffee line's plots, for the due-diligence
    // statement; checked by independent code (shapely).
    const geo = path.join(work, "ACME-2026-0042-plots.geojson");
    await app.type(await app.find('[data-testid="geojson-path"]'), geo);
    await app.click(await app.find('[data-testid="geojson-write"]'));
    await app.waitFor('[data-testid="geojson-written"]', (t) => t.includes("2 plots written"), 30000);
    execFileSync("python3", [path.join(ROOT, "tests/fixtures/eudr/validate_geojson.py"), geo]);
    shot("dossier-eudr.png");

    // Keyboard: Ctrl+A, Backspace, the value, then Tab, which saves and checks the field.
    const CLEAR = "\uE009a\uE009\uE003";
    const fill = async (p, v) => {
      const el = await app.find(field(p));
      await app.type(el, CLEAR + v + "\uE004");
    };
    for (const [p, v] of [
      ["/header/declaration_type", "IMA"], ["/header/procedure", "4000"], ["/header/declaration_date", "2026-03-02"],
      ["/header/offices/declaration", "DE004700"], ["/transport/mode_at_border", "1"], ["/transport/loading_place", "COBUN"],
      ["/transport/unloading_place", "DEHAM"], ["/valuation/incoterm", "FOB"], ["/valuation/incoterm_place", "Buenaventura"],
      ["/valuation/currency", "USD"], ["/valuation/total_invoiced", "9400.00"], ["/lines/0/gross_mass_kg", "2040.5"], ["/lines/0/value", "9400.00"],
    ]) await fill(p, v);
    // Saved elsewhere meanwhile (the CLI on the same home): the app's next save is
    // refused, says so, and keeps what was typed; loading the other version goes on.
    e2e.cli("dossier", "set", "ACME-2026-0042", "/parties/exporter/city=Neiva");
    await fill("/valuation/incoterm_place", "Buenaventura Port");
    await app.waitFor('[data-testid="builder-error"]', (t) => t.includes("changed elsewhere"));
    const place = await app.find(field("/valuation/incoterm_place"));
    assert.equal(await app.script("return arguments[0].value", [{ "element-6066-11e4-a52e-4f735466cecf": place }]), "Buenaventura Port", "the typed text is kept");
    assert.match(e2e.cli("dossier", "show", "ACME-2026-0042"), /Buenaventura(?! Port)/, "the CLI's version was not overwritten");
    await app.click(await app.find('[data-testid="dossier-reload"]'));
    await app.waitFor(field("/parties/exporter/city"), () => true);
    const city = await app.find(field("/parties/exporter/city"));
    assert.equal(await app.script("return arguments[0].value", [{ "element-6066-11e4-a52e-4f735466cecf": city }]), "Neiva");
    await fill("/valuation/incoterm_place", "Buenaventura");
    // The due-diligence statement.
    await app.script("const s = document.getElementById('doc-code'); s.value = 'EUDR-DDS'; s.dispatchEvent(new Event('change', {bubbles: true}));");
    await app.click(await app.find('[data-testid="add-document"]'));
    const code = await app.waitFor(field("/documents/0/code"));
    const E = "element-6066-11e4-a52e-4f735466cecf";
    assert.equal(await app.script("return arguments[0].value", [{ [E]: code }]), "EUDR-DDS");
    await fill("/documents/0/reference", "26DEABCD1234567");
    await fill("/documents/0/verification", "KX8Q2P7R");
    // A container number with a wrong check digit: flagged beside the field.
    await app.click(await app.find('[data-testid="add-container"]'));
    await app.waitFor(field("/transport/containers/0/number"));
    await fill("/transport/containers/0/number", "CSQU3054384");
    const msg = await app.waitFor(`${field("/transport/containers/0/number")} ~ div [data-testid="field-check"]`, (t) => t.includes("check digit is 3"));
    assert.ok(msg);
    shot("dossier-error.png");
    // The checks panel lists only it; choosing it goes to the field.
    const only = await app.waitFor('[data-testid="checks"]', (t) => t.includes("container-check-digit") && !t.includes("required"));
    assert.equal((await app.findAll('[data-testid="check"]')).length, 1, await app.text(only));
    await app.click(await app.find('[data-testid="check"]'));
    const active = await app.active();
    assert.equal(await app.script("return arguments[0].id", [{ "element-6066-11e4-a52e-4f735466cecf": active }]), "f-transport-containers-0-number");
    await app.type(active, CLEAR + "CSQU3054383\uE004");
    await app.waitFor('[data-testid="checks-clear"]');

    // Seal: fixed, with its root; the fields are read-only now.
    await app.click(await app.find('[data-testid="dossier-seal"]'));
    await app.waitFor('[data-testid="dossier-status"]', (t) => t === "sealed");
    assert.match(await app.text(await app.find('[data-testid="dossier-root"]')), /[0-9a-f]{64}/);
    assert.equal(await app.script("return document.getElementById('f-header-lrn').closest('fieldset').disabled"), true);
    assert.match(await app.text(await app.find('[data-testid="dossier-list"]')), /ACME-2026-0042 · v1 · sealed/);

    // Preview, then export with prices withheld.
    await app.click(await app.find('[data-testid="hide-prices"]'));
    await app.click(await app.find('[data-testid="dossier-preview"]'));
    const preview = await app.waitFor('[data-testid="pdf-preview"]', (t) => t.includes("Customs dossier") && t.includes("withheld"));
    assert.ok((await app.findAll('[data-testid="preview-page"]')).length >= 1, await app.text(preview));
    shot("dossier-preview.png");
    const out = path.join(work, "ACME-2026-0042.pdf");
    await app.type(await app.find('[data-testid="export-path"]'), out);
    await app.click(await app.find('[data-testid="dossier-export"]'));
    await app.waitFor('[data-testid="exported"]', (t) => t.includes(out));
    const text = execFileSync("pdftotext", ["-layout", out, "-"], { encoding: "utf8" });
    for (const want of ["Customs dossier", "ACME-2026-0042", "云南咖啡进口有限公司", "Cooperativa Café do Sul", "CSQU3054383", "withheld"]) assert.ok(text.includes(want), `${want} in the PDF`);
    assert.ok(!text.includes("9400.00"), "prices are withheld");
    execFileSync("pdftoppm", ["-r", "150", "-png", out, path.join(work, "page")]);
    const codes = readdirSync(work)
      .filter((f) => f.startsWith("page") && f.endsWith(".png"))
      .map((f) => {
        try {
          return execFileSync("zbarimg", ["-q", "--raw", path.join(work, f)], { encoding: "utf8" }).trim();
        } catch {
          return "";
        }
      })
      .filter(Boolean);
    assert.equal(codes.length, 1, "one QR code");
    // A home is version 2: the seal QR payload carries its commit proof (TSD2, docs/spec/dossier.md).
    assert.match(codes[0], /^TSD2\.D[0-9a-f]{16}\.1\./);

    // A second dossier, empty, whose goods lines come from rows pasted from a spreadsheet.
    await app.type(await app.find('[data-testid="dossier-shipment"]'), CLEAR);
    const lrnField = await app.find('[data-testid="dossier-lrn"]');
    await app.type(lrnField, CLEAR + "ACME-2026-0043");
    await app.click(await app.find('[data-testid="dossier-create"]'));
    await app.waitFor('[data-testid="dossier-title"]', (t) => t.includes("ACME-2026-0043"));
    const rows = "Description\tHS code\tCountry of origin\tNet weight (kg)\tGross weight (kg)\tValue\nGreen coffee, Huila\t0901.11\tCO\t1.200,5\t1.230,0\t5.640,00\nGreen coffee, Nariño\t0901.11\tCO\t800\t816\t3.760,00\n";
    await app.script("const t = document.querySelector('[data-testid=paste-rows]'); t.value = arguments[0]; t.dispatchEvent(new Event('input', {bubbles: true}));", [rows]);
    await app.click(await app.find('[data-testid="paste-add"]'));
    await app.waitFor('[data-testid="dossier-title"]');
    const end = Date.now() + 15000;
    while ((await app.findAll('[data-testid="goods-line"]')).length !== 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await app.findAll('[data-testid="goods-line"]')).length, 2);
    const net = await app.find(field("/lines/0/net_mass_kg"));
    assert.equal(await app.script("return arguments[0].value", [{ [E]: net }]), "1200.5");
    assert.match(await app.text(await app.find('[data-testid="dossier-list"]')), /ACME-2026-0043 · v1 · draft/);
    shot("dossier-pasted.png");
  } catch (e) {
    try {
      shot("dossier-failure.png");
    } catch {}
    throw e;
  } finally {
    await app.quit().catch(() => {});
  }
});
