/**
 * The README's two examples, verbatim (with the package's name where they import its source), run.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import * as EffectExample from "./ReadmeEffectExample.js"
import * as PromiseExample from "./ReadmePromiseExample.js"

const example = (file: string) =>
  Fs.readFileSync(new URL(file, import.meta.url), "utf8").replace(`from "../src/index.js"`, `from "@projectkit/core"`).trim()

describe("README", () => {
  const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

  it("shows both examples this test runs, verbatim, Promise first", () => {
    const promise = readme.indexOf(example("./ReadmePromiseExample.ts"))
    const effect = readme.indexOf(example("./ReadmeEffectExample.ts"))
    expect(promise).toBeGreaterThan(0)
    expect(effect).toBeGreaterThan(promise)
  })

  it("the examples run", async () => {
    const promise = await PromiseExample.main()
    expect(promise).toMatchObject({
      page: [{ name: "Launch video", description: "Q3 campaign", provider: "memory" }],
      nextCursor: undefined,
      names: ["Launch video"],
      missing: `project "no-such-project" was not found`
    })
    const effect = await EffectExample.main()
    expect(effect.count).toBe(1)
    expect(effect.page.items.map((project) => project.description)).toEqual(["Q3 campaign"])
    expect(Option.isNone(effect.page.nextCursor)).toBe(true)
  })
})
