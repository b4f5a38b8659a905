/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// No React plugin: esbuild compiles JSX with the automatic runtime. The dev
// server proxies the API to a kodera running on :8080 (`go tool task run`).
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // scripts/budget.mjs checks the sizes that matter (gzipped, per chunk).
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // "use client" directives (React Server Components) mean nothing in an SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(["/api", "/v2", "/v3", "/swagger-ui"].map((p) => [p, "http://127.0.0.1:8080"])),
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
