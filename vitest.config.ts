import { defineConfig } from "vitest/config"

// `npx vitest` at the root runs every package's tests as one workspace; `pnpm test` runs them
// per package through turbo (cached, in dependency order).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"]
  }
})
