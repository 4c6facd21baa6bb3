// Bench command (not a test): app cold start to interactive, and memory after load.
// `node tests/e2e/bench-startup.mjs [runs]`; uses target/debug/tradeseal-app unless
// TRADESEAL_APP names another build (e.g. target/release/tradeseal-app).
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { APP, launch, startDriver } from "./webdriver.mjs";

const runs = Number(process.argv[2] ?? 5);
const driver = await startDriver({ port: 4455 });

function rssMiB(name) {
  let total = 0;
  for (const pid of execSync(`pgrep -f ${name} || true`).toString().split(/\s+/).filter(Boolean)) {
    try {
      const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      if (m) total += Number(m[1]) / 1024;
    } catch {}
  }
  return total;
}

/** The app process's RSS by what maps it: the platform's OpenGL driver (Mesa's
 *  software one under Xvfb), WebKitGTK and JavaScriptCore, TradeSeal's binary, its
 *  anonymous memory and heap, the rest (GTK, GLib, X shared memory, other libraries). */
function rssParts() {
  const pid = execSync(`pgrep -x ${APP.split("/").pop().slice(0, 15)} | head -1`).toString().trim();
  const parts = { gl: 0, webkit: 0, binary: 0, anon: 0, rest: 0 };
  let part = "rest";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const name = m[1];
      part = /libLLVM|_dri\.so|libgallium|libGLX_mesa|libEGL_mesa|libglapi/.test(name) ? "gl" : /libwebkit2gtk|libjavascriptcoregtk/.test(name) ? "webkit" : name.endsWith(APP.split("/").pop()) ? "binary" : name === "" || name === "[heap]" ? "anon" : "rest";
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r) parts[part] += Number(r[1]) / 1024;
  }
  return Object.entries(parts).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ");
}

const times = [];
let parts = "";
let mem = {};
let mapMem = {};
let mapMs = 0;
let beforeMap = {};
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const app = await launch(driver);
    // Interactive = the first screen's first field accepts input.
    await app.waitFor('[data-testid="field-org"], [data-testid="field-passphrase"]');
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 1000));
    mem = { app: rssMiB(APP.split("/").pop()), webProcess: rssMiB("WebKitWebProcess"), networkProcess: rssMiB("WebKitNetworkProcess") };
    await app.quit();
  }
  // With the map: the demo home opened, the roasted lot traced and its origins drawn
  // on the offline map (Natural Earth boundaries loaded); memory once it is drawn.
  const app = await launch(driver);
  await app.click(await app.waitFor('[data-testid="open-demo"]'));
  await app.click(await app.waitFor('[data-testid="tab-trace"]', () => true, 60000));
  await app.type(await app.waitFor('[data-testid="trace-id"]'), "04012345123456/R-2026-031");
  await new Promise((r) => setTimeout(r, 1000));
  beforeMap = { app: rssMiB(APP.split("/").pop()), webProcess: rssMiB("WebKitWebProcess") };
  const t0 = performance.now();
  await app.click(await app.find('[data-testid="trace-run"]'));
  await app.waitFor('[data-testid="map-land"]', () => true, 30000);
  mapMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1000));
  mapMem = { app: rssMiB(APP.split("/").pop()), webProcess: rssMiB("WebKitWebProcess"), networkProcess: rssMiB("WebKitNetworkProcess") };
  parts = rssParts();
  await app.quit();
} finally {
  driver.stop();
}
times.sort((a, b) => a - b);
console.log(`app: ${APP}`);
console.log(`cold start to interactive (WebDriver session start included): median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${runs} runs`);
console.log(`memory after load (RSS): app ${mem.app.toFixed(0)} MiB, WebKitWebProcess ${mem.webProcess.toFixed(0)} MiB, WebKitNetworkProcess ${mem.networkProcess.toFixed(0)} MiB`);
console.log(`trace with the map drawn (click to boundaries on screen): ${mapMs.toFixed(0)} ms`);
console.log(`memory with the demo home open, before the trace (RSS): app ${beforeMap.app.toFixed(0)} MiB, WebKitWebProcess ${beforeMap.webProcess.toFixed(0)} MiB`);
console.log(`memory with the map drawn (RSS): app ${mapMem.app.toFixed(0)} MiB, WebKitWebProcess ${mapMem.webProcess.toFixed(0)} MiB, WebKitNetworkProcess ${mapMem.networkProcess.toFixed(0)} MiB`);
console.log(`the app process with the map drawn, by mapping (RSS, MiB): ${parts}`);
