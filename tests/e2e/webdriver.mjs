// A minimal W3C WebDriver client over fetch, and the harness that starts Xvfb and
// tauri-driver (which drives the real TradeSeal window through WebKitWebDriver).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const APP = process.env.TRADESEAL_APP ?? path.join(ROOT, "target/debug/tradeseal-app");
export const CLI = path.join(ROOT, "target/debug/tradeseal");
export const PASS = "correct horse battery";

/** The CLI run on `home` with the test passphrase; fails the test early when the app
 * or the CLI has not been built. Returns its standard output. */
export function cliOn(home) {
  for (const bin of [APP, CLI]) if (!existsSync(bin)) throw new Error(`build it first: ${bin} is missing`);
  return (...args) => execFileSync(CLI, ["--home", home, ...args], { env: { ...process.env, TRADESEAL_PASSPHRASE: PASS }, encoding: "utf8" });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts Xvfb and tauri-driver; returns a handle whose stop() kills both. `env`: more
 * variables for the app (e.g. TRADESEAL_MOCK_CAMERA, WebKit's test camera). */
export async function startDriver({ home, port = 4444, env: more = {} } = {}) {
  try {
    await fetch(`http://127.0.0.1:${port}/status`);
    throw new Error(`port ${port} is taken: stop the tauri-driver already running there`);
  } catch (e) {
    if (String(e.message).startsWith("port")) throw e;
  }
  home ??= path.join(mkdtempSync(path.join(tmpdir(), "tradeseal-e2e-")), "home");
  // Xvfb picks a free display itself and writes its number to fd 3.
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp"], { stdio: ["ignore", "ignore", "ignore", "pipe"] });
  const display = await new Promise((resolve, reject) => {
    let out = "";
    xvfb.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(`:${out.trim()}`);
    });
    xvfb.on("exit", (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
    setTimeout(() => reject(new Error("Xvfb did not start within 10 s")), 10000);
  });
  // The webview's storage (the language and settings chosen, the last folder) in the
  // test's own folders: one test's choices never leak into the next.
  const xdg = path.join(path.dirname(home), "xdg");
  const env = {
    ...process.env,
    XDG_DATA_HOME: path.join(xdg, "data"),
    XDG_CACHE_HOME: path.join(xdg, "cache"),
    XDG_CONFIG_HOME: path.join(xdg, "config"),
    ...more,
    DISPLAY: display,
    TRADESEAL_HOME: home,
    WEBKIT_DISABLE_COMPOSITING_MODE: "1",
  };
  // Its own process group, so stop() also ends WebKitWebDriver and the app it started.
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  driver.stderr.on("data", (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) break;
    } catch {}
    if (i > 100) throw new Error(`tauri-driver did not answer on ${base}: ${stderr}`);
    await sleep(100);
  }
  return {
    base,
    home,
    display,
    stop() {
      driver.stderr.destroy();
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {}
      xvfb.stdio[3].destroy();
      xvfb.kill("SIGTERM"); // SIGTERM lets Xvfb remove its lock file
    },
  };
}

async function wd(base, method, url, body) {
  const r = await fetch(base + url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A hung page must fail the test, not hang it.
    signal: AbortSignal.timeout(20000),
  });
  const json = await r.json();
  if (process.env.E2E_TRACE) console.error(method, url, r.status);
  if (!r.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/** A session = one launch of the app (`args`: its command line, e.g. a file to open). */
export async function launch(driver, args = []) {
  const v = await wd(driver.base, "POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args } } } });
  return sessionOf(driver.base, v.sessionId);
}

/** WebKitGTK's own MiniBrowser (installed with the webview) at `url`, driven through the
 * WebKitWebDriver that tauri-driver started: a real browser engine for pages that are
 * not the app's (the published passport site). */
export const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
export async function openPage(driver, url) {
  const native = driver.base.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`);
  const v = await wd(native, "POST", "/session", { capabilities: { alwaysMatch: { browserName: "MiniBrowser", "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } } } });
  const session = sessionOf(native, v.sessionId);
  await session.go(url);
  return session;
}

function sessionOf(base, id) {
  const s = (m, u, b) => wd(base, m, `/session/${id}${u}`, b);
  const session = {
    id,
    async find(css) {
      const e = await s("POST", "/element", { using: "css selector", value: css });
      if (!e || !e[ELEMENT]) throw new Error(`unexpected element reply ${JSON.stringify(e)}`);
      return e[ELEMENT];
    },
    async findAll(css) {
      return (await s("POST", "/elements", { using: "css selector", value: css })).map((e) => e[ELEMENT]);
    },
    /** Waits until `css` matches an element (and `pred(text)` holds, if given). */
    async waitFor(css, pred = () => true, timeout = 15000) {
      const end = Date.now() + timeout;
      let last = "";
      while (Date.now() < end) {
        try {
          const el = await session.find(css);
          last = await session.text(el);
          if (pred(last)) return el;
        } catch {}
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${css} (last text: ${JSON.stringify(last)})`);
    },
    /** The element's textContent (WebDriver's visible text drops clipped text). */
    text: (el) => s("POST", "/execute/sync", { script: "return arguments[0].textContent.trim()", args: [{ [ELEMENT]: el }] }),
    /** Clicks `el`; while it is not interactable yet (disabled during a save, covered,
     * still being laid out, or below the fold of a scrolled panel, which WebKitWebDriver
     * does not scroll) brings it into view and tries again, up to 10 s. */
    async click(el) {
      const end = Date.now() + 10000;
      for (;;) {
        try {
          return await s("POST", `/element/${el}/click`, {});
        } catch (e) {
          if (!String(e.message).includes("element not interactable") || Date.now() > end) {
            const why = await session
              .script("const b = arguments[0]; const r = b.getBoundingClientRect(); return `disabled=${b.disabled} rect=${Math.round(r.x)},${Math.round(r.y)},${Math.round(r.width)}x${Math.round(r.height)} viewport=${innerWidth}x${innerHeight}`", [{ [ELEMENT]: el }])
              .catch(() => "");
            throw new Error(`${e.message} (${why})`);
          }
          await session.script("arguments[0].scrollIntoView({ block: 'center' })", [{ [ELEMENT]: el }]).catch(() => {});
          await sleep(100);
        }
      }
    },
    type: (el, text) => s("POST", `/element/${el}/value`, { text }),
    clear: (el) => s("POST", `/element/${el}/clear`, {}),
    active: async () => (await s("GET", "/element/active"))[ELEMENT],
    script: (script, args = []) => s("POST", "/execute/sync", { script, args }),
    quit: () => s("DELETE", ""),
    go: (url) => s("POST", "/url", { url }),
  };
  return session;
}

/** Saves the whole virtual screen as PNG. X11's own capture (ImageMagick `import`): the
 * WebDriver screenshot command has been seen to hang in WebKitWebDriver. */
export function screenshot(driver, file) {
  execFileSync("import", ["-display", driver.display, "-window", "root", file], { timeout: 20000 });
}

/** The set-up every e2e file shares: a work folder and a home in it (`setup(cli)`
 * prepares the home with the CLI before the window starts), one driver for the file's
 * tests (`env`: more variables for the app), and a screenshot helper writing to
 * target/e2e/. */
export function useDriver({ before, after, name = "app", setup = null, env = {} }) {
  const shots = path.join(ROOT, "target/e2e");
  const work = mkdtempSync(path.join(tmpdir(), `tradeseal-e2e-${name}-`));
  const home = path.join(work, "home");
  const ctx = { driver: null, work, home, cli: cliOn(home), shot: (file) => screenshot(ctx.driver, path.join(shots, file)) };
  before(async () => {
    if (!existsSync(APP)) throw new Error(`build the app first: ${APP} is missing`);
    mkdirSync(shots, { recursive: true });
    setup?.(ctx.cli);
    ctx.driver = await startDriver({ home, env });
  });
  after(() => ctx.driver?.stop());
  return ctx;
}


/** A PostgreSQL database for a test: in the cluster scripts/test.sh started
 * ($TRADESEAL_TEST_POSTGRES), else in a throwaway cluster of our own (initdb in a
 * temporary folder, a Unix socket). Returns its connection string and stop(). */
export function postgresDatabase(name) {
  let base = process.env.TRADESEAL_TEST_POSTGRES;
  let stop = () => {};
  const asPg = (cmd, args) => (process.getuid?.() === 0 ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args]) : execFileSync(cmd, args));
  if (!base) {
    const bin = execFileSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"], { encoding: "utf8" }).trim();
    const dir = mkdtempSync(path.join(tmpdir(), "tradeseal-e2e-pg-"));
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
    asPg(path.join(bin, "initdb"), ["-D", path.join(dir, "data"), "-A", "trust", "-U", "tradeseal", "--no-sync", "-E", "UTF8", "--locale", "C"]);
    asPg(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-o", `-k ${dir} -c listen_addresses=''`, "-l", path.join(dir, "server.log"), "-w", "start"]);
    base = `host=${dir} user=tradeseal`;
    stop = () => {
      try {
        asPg(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "immediate", "stop"]);
      } catch {}
      execFileSync("rm", ["-rf", dir]);
    };
  }
  const db = `${name}_${process.pid}_${Date.now()}`;
  execFileSync("psql", [`${base} dbname=postgres`, "-q", "-c", `CREATE DATABASE ${db}`]);
  return { url: `${base} dbname=${db}`, stop };
}

/** Answers the platform's open or save dialog (GTK's file chooser, titled `title`) on
 * `display` as a user does: focus it, Ctrl+L for the location, type `file`, Enter. */
export async function answerFileDialog(display, title, file) {
  const { execFileSync } = await import("node:child_process");
  const env = { ...process.env, DISPLAY: display };
  const x = (...args) => execFileSync("xdotool", args, { env, encoding: "utf8" }).trim();
  let id = "";
  for (let i = 0; i < 100 && !id; i++) {
    try {
      id = x("search", "--onlyvisible", "--name", `^${title}$`).split("\n")[0];
    } catch {
      await sleep(100);
    }
  }
  if (!id) throw new Error(`no "${title}" dialog appeared`);
  x("windowfocus", "--sync", id);
  x("key", "--window", id, "--clearmodifiers", "ctrl+l");
  await sleep(300);
  x("type", "--window", id, "--delay", "10", file);
  await sleep(200);
  x("key", "--window", id, "Return");
}
