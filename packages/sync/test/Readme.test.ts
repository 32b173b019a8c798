/**
 * The README's three examples, verbatim (with the package's name where they import its source),
 * run against the reference server.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as EffectExample from "./ReadmeEffectExample.js"
import * as FilesExample from "./ReadmeFilesExample.js"
import * as PromiseExample from "./ReadmePromiseExample.js"
import { referenceServer } from "./support/referenceServer.js"

const example = (file: string) =>
  Fs.readFileSync(new URL(file, import.meta.url), "utf8").replace(`from "../src/index.js"`, `from "@projectkit/sync"`).trim()

describe("README", () => {
  const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

  it("shows the examples this test runs, verbatim, Promise first", () => {
    const promise = readme.indexOf(example("./ReadmePromiseExample.ts"))
    const effect = readme.indexOf(example("./ReadmeEffectExample.ts"))
    expect(promise).toBeGreaterThan(0)
    expect(effect).toBeGreaterThan(promise)
    expect(readme.indexOf(example("./ReadmeFilesExample.ts"))).toBeGreaterThan(effect)
  })

  it("the examples run against the reference server", async () => {
    const server = referenceServer()
    process.env.SYNC_BASE_URL = `${server.url}/sync`
    process.env.SYNC_API_KEY = server.credentials.sync.apiKey
    const promise = await PromiseExample.main()
    expect(promise.names).toContain("Launch video")
    expect(promise.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    expect(promise.generation).toBe("PENDING")
    expect(promise.refused).toMatch(/^InvalidReference: /)
    const effect = await EffectExample.main()
    expect(effect).toEqual({ generation: "PENDING", projects: promise.names.length + 1 })
    const files = await FilesExample.main()
    expect(files).toEqual({ generation: ["audio", "video"], checked: "VALIDATED", batch: "PENDING", listed: 1 })
  })
})
