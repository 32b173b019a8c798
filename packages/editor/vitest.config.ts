import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "editor",
    include: ["test/**/*.test.ts"],
    // Property runs and real-socket lifecycles are slow on a loaded 2-core machine, not wrong.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
