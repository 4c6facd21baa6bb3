// Bench command (not a test): scrolling a million-entry ledger in the real window.
// Make the ledger first: TRADESEAL_BENCH_HOME=/tmp/bench-home cargo bench -p tradeseal-core --bench ledger
// then: TRADESEAL_BENCH_HOME=/tmp/bench-home node tests/e2e/bench-scroll.mjs
import path from "node:path";
import { ROOT, launch, startDriver, screenshot } from "./webdriver.mjs";

const home = process.env.TRADESEAL_BENCH_HOME;
if (!home) throw new Error("set TRADESEAL_BENCH_HOME to a ledger made by the ledger bench");
const d = await startDriver({ home, port: 4480 });
try {
  const app = await launch(d);
  await app.type(await app.waitFor('[data-testid="field-passphrase"]'), "benchmark passphrase\uE007");
  await app.waitFor('[data-testid="entry-row"]', (t) => t.includes("Lot"), 30000);
  console.log(await app.text(await app.find('[data-testid="entry-count"]')));
  // Scroll through the list: 40 jumps from top to bottom, timing until rows are loaded.
  const r = await app.script(`

    const el = document.querySelector('[data-testid=entry-list]');
    return new Promise(async (resolve) => {
      const max = el.scrollHeight - el.clientHeight;
      const frames = [];
      let last = performance.now();
      const t0 = last;
      for (let i = 0; i <= 40; i++) {
        el.scrollTop = max * i / 40;
        await new Promise(r => requestAnimationFrame(() => r()));
        const now = performance.now(); frames.push(now - last); last = now;
      }
      await new Promise(r => setTimeout(r, 800));
      const rows = [...el.querySelectorAll('[data-testid=entry-row]')].map(r => r.textContent.trim().slice(0, 60));
      frames.sort((a,b)=>a-b);
      resolve({ scrollHeight: el.scrollHeight, medianFrameMs: frames[20].toFixed(1), maxFrameMs: frames[40].toFixed(1), first: rows[0], last: rows[rows.length-1], count: rows.length });
    });`);
  console.log(r);
  screenshot(d, path.join(ROOT, "target/e2e/scroll.png"));
  await app.quit();
} finally { d.stop(); }
