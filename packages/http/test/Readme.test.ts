import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { getProject, table } from "./ReadmeExample.js"
import * as PromiseExample from "./ReadmePromiseExample.js"

describe("README", () => {
  it("shows the examples this test runs, verbatim, Promise first", () => {
    const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")
    // The examples import the package's source here; a user imports the package.
    const example = (file: string) =>
      Fs.readFileSync(new URL(file, import.meta.url), "utf8").replace(`from "../src/index.js"`, `from "@projectkit/http"`).trim()
    const promise = readme.indexOf(example("./ReadmePromiseExample.ts"))
    expect(promise).toBeGreaterThan(0)
    expect(readme.indexOf(example("./ReadmeExample.ts"))).toBeGreaterThan(promise)
  })

  it("the Promise example: the adapter's own call rejects with the core error", async () => {
    expect(await PromiseExample.main()).toMatch(/^project ".+" was not found$/)
  })

  it.effect("the example: a wire 404 reaches the caller as the core NotFound, and back", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(getProject("p1"))
      expect(error).toEqual(new ProjectsError.NotFound({ resource: "project", id: "p1", description: "no project p1" }))
      expect(table.fromCore(error)).toMatchObject({ status: 404, detail: "no project p1" })
      expect(table.body(413, "too large")).toEqual({ status: 413, detail: "too large" })
    }))
})
