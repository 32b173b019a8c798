import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "sanity",
    include: ["test/**/*.test.ts"]
  }
})
