import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "server",
    include: ["test/**/*.test.ts"],
    // In CI, the Sanity CLI's install starts before the first file (test/support/globalSetup.ts).
    globalSetup: ["test/support/globalSetup.ts"],
    // Property runs and real-socket lifecycles are slow on a loaded 2-core machine, not wrong.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
