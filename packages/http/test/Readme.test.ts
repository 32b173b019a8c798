import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { getProject, table } from "./ReadmeExample.js"

describe("README", () => {
  it("shows the example this test runs, verbatim", () => {
    const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")
    // The example imports the package's source here; a user imports the package.
    const example = Fs.readFileSync(new URL("./ReadmeExample.ts", import.meta.url), "utf8")
      .replace(`from "../src/index.js"`, `from "@projectkit/http"`)
    expect(readme).toContain(example.trim())
  })

  it.effect("the example: a wire 404 reaches the caller as the core NotFound, and back", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(getProject("p1"))
      expect(error).toEqual(new ProjectsError.NotFound({ resource: "project", id: "p1", description: "no project p1" }))
      expect(table.fromCore(error)).toMatchObject({ status: 404, detail: "no project p1" })
      expect(table.body(413, "too large")).toEqual({ status: 413, detail: "too large" })
    }))
})
