/**
 * The suite's structure: a dialect is its folder and its entry in the one list. The central
 * modules import no dialect's folder (only the list) and name no dialect; a dialect's folder
 * imports no other dialect's.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { dialects } from "../src/dialects/index.js"

const src = fileURLToPath(new URL("../src", import.meta.url))
const dialectsFolder = join(src, "dialects")

/** The `.ts` files below a folder. */
const filesBelow = (folder: string): ReadonlyArray<string> =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : []
  )

/** The files each relative import of a module names, resolved. */
const importsOf = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) =>
    resolve(file, "..", match[1]!.replace(/\.js$/, ".ts"))
  )

/** The central modules: everything but the dialects' folders and their list. */
const central = filesBelow(src).filter((file) => !file.startsWith(`${dialectsFolder}/`))

/** A dialect's folder, for a file in one. */
const folderOf = (file: string) => relative(dialectsFolder, file).split("/")[0]

describe("the suite's structure", () => {
  it("has a folder per registered dialect, and no other", () => {
    const folders = readdirSync(dialectsFolder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    expect([...folders].sort()).toEqual(dialects.map((dialect) => dialect.name).sort())
  })

  it("central modules import no dialect's folder, only the list", () => {
    for (const file of central) {
      for (const imported of importsOf(file)) {
        if (imported.startsWith(`${dialectsFolder}/`)) expect(relative(src, imported), relative(src, file)).toBe("dialects/index.ts")
      }
    }
  })

  it("central modules name no dialect, none of its check ids and none of its documents", () => {
    for (const file of central) {
      const text = readFileSync(file, "utf8")
      for (const dialect of dialects) {
        // A name as a word of its own: not `Effect.sync` or `readFileSync` for `sync`.
        expect(text, `${relative(src, file)} names ${dialect.name}`).not.toMatch(new RegExp(`(?<![.\\w])${dialect.name}(?!\\w)`, "i"))
        expect(text, `${relative(src, file)} names ${dialect.idPrefix}-`).not.toMatch(new RegExp(`\\b${dialect.idPrefix}-[A-Z]`))
        for (const document of Object.keys(dialect.documents)) expect(text, relative(src, file)).not.toContain(document)
      }
    }
  })

  it("a dialect's folder imports no other dialect's", () => {
    for (const file of filesBelow(dialectsFolder).filter((f) => relative(dialectsFolder, f).includes("/"))) {
      for (const imported of importsOf(file)) {
        if (imported.startsWith(`${dialectsFolder}/`)) expect(folderOf(imported), relative(src, file)).toBe(folderOf(file))
      }
    }
  })
})
