import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Everything is bundled into dist/ and embedded in the app: no CDN, no remote fonts.
export default defineConfig({
  plugins: [svelte({ compilerOptions: { css: "external" } })],
  clearScreen: false,
  // The core's catalogues (assets/locales) are bundled too: the dev server may read them.
  server: { fs: { allow: [".", "../assets/locales"] } },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
});
