import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The JSON API lives next to the dashboard; in dev, Vite forwards it to a local `earnest` server.
const API = "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../src/earnest/web/dist",
    emptyOutDir: true,
    sourcemap: false,
    // Vendor code changes less often than ours; separate chunks stay cached across releases.
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
