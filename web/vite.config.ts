/// <reference types="vitest/config" />
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Three pages: the console and admin app at `/`, the widget frame, and a demo store page that
// embeds the widget with its one script tag (public/embed.js). `vite dev` proxies the API.
const api = process.env.SUPPORTGRAPH_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: {
        app: resolve(__dirname, "index.html"),
        widget: resolve(__dirname, "widget.html"),
        demo: resolve(__dirname, "demo.html"),
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: api, ws: true },
      "/health": api,
    },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.{ts,tsx}"],
    setupFiles: ["tests/setup.ts"],
    // A hang guard, not a speed target: typing through jsdom takes seconds on a busy 2-core runner.
    testTimeout: 30_000,
  },
});
