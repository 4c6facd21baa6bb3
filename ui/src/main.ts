import { mount } from "svelte";
import App from "./App.svelte";
import { loadLanguage } from "./lib/i18n";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

let app: ReturnType<typeof mount> | undefined;
try {
  // The language in use first: the window is drawn in it from the first frame.
  await loadLanguage().catch(() => undefined);
  app = mount(App, { target });
} catch (e) {
  // Shown as text: the window must never be blank without a reason.
  target.textContent = `TradeSeal could not start its window: ${e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e)}`;
}
export default app;
