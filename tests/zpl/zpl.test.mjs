// TradeSeal's ZPL, read by an independent ZPL engine: Zebrash (IngridHQ's Go renderer,
// as the zpl-renderer-js package, offline WebAssembly) draws each label as a 203 dpi
// printer would; zbar reads the QR code off the picture, which must be the label's URI
// exactly; and `tradeseal scan` verifies the pictures as it would photos of the labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ready } from "zpl-renderer-js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "target/debug/tradeseal");
const env = { ...process.env, TRADESEAL_PASSPHRASE: "correct horse battery" };
const cli = (home, ...args) => execFileSync(BIN, ["--home", home, ...args], { env, encoding: "utf8" });

const LAYOUTS = [
  ["roll-4x6", 101.6, 152.4],
  ["roll-62mm", 62, 29],
];

test("every ZPL label renders and its QR code reads back as its URI", async () => {
  const { api } = await ready;
  const dir = mkdtempSync(path.join(tmpdir(), "tradeseal-zpl-"));
  const home = path.join(dir, "home");
  cli(home, "init", "--org", "Acme Coffee Importers", "--gln", "4012345000009");
  let lot = 0;
  for (const [layout, w, h] of LAYOUTS) {
    lot += 1;
    const out = path.join(dir, `${layout}.zpl`);
    cli(home, "labels", "--gtin", "07701234000011", "--lot", `L/${lot}%x`, "--count", "3", "--product", "Caf\u00e9 ^XZ~JA\\ 500 g",
      "--resolver", "https://id.acme-coffee.example", "--layout", layout, "-o", out);
    const zpl = readFileSync(out, "utf8");
    const uris = [...zpl.matchAll(/\^FDQA,([^^]*)\^FS/g)].map((m) => m[1]);
    assert.equal(uris.length, 3, zpl);
    const pngs = await api.zplToBase64MultipleAsync(zpl, w, h, 8);
    assert.equal(pngs.length, 3, `${layout}: one picture a label`);
    const files = pngs.map((b64, i) => {
      const f = path.join(dir, `${layout}-${i}.png`);
      writeFileSync(f, Buffer.from(b64, "base64"));
      return f;
    });
    files.forEach((f, i) => {
      const read = execFileSync("zbarimg", ["-q", "--raw", f], { encoding: "utf8" }).trim();
      assert.equal(read, uris[i], `${layout} label ${i + 1}`);
    });
    const scan = spawnSync(BIN, ["--home", home, "scan", "--no-log", ...files], { env, encoding: "utf8" });
    assert.equal(scan.status, 0, scan.stdout + scan.stderr);
    assert.equal((scan.stdout.match(/VERIFIED:/g) ?? []).length, 3, scan.stdout);
  }
});
