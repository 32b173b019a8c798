/**
 * The README's two examples, verbatim (with the package's name where they import its source),
 * run against the reference server.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as EffectExample from "./ReadmeEffectExample.js"
import * as PromiseExample from "./ReadmePromiseExample.js"
import { referenceServer } from "./support/referenceServer.js"

const example = (file: string) =>
  Fs.readFileSync(new URL(file, import.meta.url), "utf8").replace(`from "../src/index.js"`, `from "@projectkit/editor"`).trim()

describe("README", () => {
  const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

  it("shows both examples this test runs, verbatim, Promise first", () => {
    const promise = readme.indexOf(example("./ReadmePromiseExample.ts"))
    const effect = readme.indexOf(example("./ReadmeEffectExample.ts"))
    expect(promise).toBeGreaterThan(0)
    expect(effect).toBeGreaterThan(promise)
  })

  it("the examples run against the reference server", async () => {
    const server = referenceServer()
    process.env.EDITOR_BASE_URL = `${server.url}/editor`
    process.env.EDITOR_API_KEY = server.credentials.editor.apiKey
    const saved = { stateVersion: 20, editorState: { tracks: [{ type: "text", text: "take 20" }] }, task: "queued" }
    const promise = await PromiseExample.main()
    expect(promise).toEqual({ ...saved, names: ["Launch video"], missing: expect.stringContaining("no-such-project") })
    expect(await EffectExample.main()).toEqual(saved)
  })
})
