/// <reference types="node" />
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// The JSON API lives next to the dashboard; in dev, Vite forwards it to a local `earnest` server.
const API = "http://127.0.0.1:8000";

// The API's /docs page is Swagger UI served from the package, so it works offline: the build
// copies these files of the pinned swagger-ui-dist into assets/swagger-ui/.
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"];

function swaggerUi(): Plugin {
  const dist = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return {
    name: "earnest-swagger-ui",
    apply: "build",
    generateBundle() {
      for (const file of SWAGGER_UI_FILES) {
        this.emitFile({
          type: "asset",
          fileName: `assets/swagger-ui/${file}`,
          source: readFileSync(path.join(dist, file)),
        });
      }
    },
  };
}

export default defineConfig({
  base: "/",
  plugins: [react(), swaggerUi()],
  build: {
    outDir: "../src/earnest/web/dist",
    emptyOutDir: true,
    sourcemap: false,
    // Vendor code changes less often than ours; separate chunks stay cached across releases.
    // "charts" (Recharts and its dependencies) is imported only by the lazily loaded HourlyPlot,
    // so the home page never fetches it. A package the home page imports would land in "charts"
    // too and pull the whole chunk into the initial load: give such a package its own group.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            { name: "charts", test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      "/subreddits": API,
      "/subreddit/": API,
      "/status": API,
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
    // jsdom and Recharts are slow on a busy machine; the tests themselves wait on polls, not time.
    testTimeout: 20_000,
  },
});
