import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "sync",
    include: ["test/**/*.test.ts"],
    // The reference server, for the Promise client's tests and the README's examples.
    globalSetup: ["../http/test/support/referenceServer.ts"],
    // Property runs and real-socket lifecycles are slow on a loaded 2-core machine, not wrong.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
