/**
 * The README's table is generated from the checks, and every check is well formed: a unique,
 * stable-looking id, and a sentence found verbatim in the document it cites.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { allChecks } from "../src/checks/index.js"
import * as Readme from "../src/Readme.js"
import { type Document, documents } from "../src/Sources.js"

const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8")

/** The shared provider documents, when this checkout has them (the team's shared folder). */
const shared = process.env["PROJECTKIT_SHARED_DIR"] ?? fileURLToPath(new URL("../../../../shared", import.meta.url))

describe("the checks", () => {
  it("have unique ids of the form DIALECT-AREA-NNN", () => {
    const ids = allChecks.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const check of allChecks) {
      const prefix = { sync: "SYNC", editor: "EDIT", sanity: "SAN" }[check.dialect]
      expect(check.id).toMatch(new RegExp(`^${prefix}-[A-Z]+-\\d{3}$`))
      expect(check.title.length).toBeGreaterThan(0)
    }
  })

  it("cover every dialect", () => {
    for (const dialect of ["sync", "editor", "sanity"]) {
      expect(allChecks.filter((c) => c.dialect === dialect).length).toBeGreaterThanOrEqual(10)
    }
  })

  it("cite a known document, and give the provider's public page wherever the document has one", () => {
    for (const check of allChecks) {
      expect(Object.keys(documents), check.id).toContain(check.source.document)
      const document: Document = documents[check.source.document as keyof typeof documents]
      if (document.url !== undefined) expect(check.source.url, check.id).toBeDefined()
      if (check.source.url !== undefined) expect(check.source.url, check.id).toMatch(/^https:\/\/(www\.)?(sync\.so|sanity\.io)\//)
    }
    // Every check of sync.so and Sanity has a public page to follow; the editor's document has none known.
    for (const check of allChecks.filter((c) => c.dialect !== "editor" && c.source.document.startsWith("seeds/"))) {
      expect(check.source.url, check.id).toBeDefined()
    }
  })

  it.skipIf(!existsSync(join(shared, "seeds")))("quote their documents verbatim", () => {
    for (const check of allChecks) {
      const text = readFileSync(join(shared, check.source.document), "utf8")
      expect(text.includes(check.source.sentence), `${check.id}: "${check.source.sentence}" in ${check.source.document}`).toBe(true)
    }
  })

  it.skipIf(!existsSync(join(shared, "seeds")))("enforce every seed document", () => {
    const seeds = new Set(allChecks.map((c) => c.source.document).filter((d) => d.startsWith("seeds/")))
    expect([...seeds].sort()).toEqual(
      ["seeds/000_86ea530f0552be1f.txt", "seeds/001_1d497ce5a3a811e3.txt", "seeds/002_ca4c5324aa88fbe4.txt", "seeds/003_a94817e391f0b551.txt"]
    )
  })
})

describe("the README", () => {
  it("has the table generated from the checks (run `pnpm --filter @projectkit/conformance readme`)", () => {
    expect(readme).toBe(Readme.update(readme, allChecks))
  })

  it("lists every check id", () => {
    for (const check of allChecks) expect(readme).toContain(`\`${check.id}\``)
  })

  it("links each cited document to its public page", () => {
    for (const url of new Set(allChecks.flatMap((c) => (c.source.url === undefined ? [] : [c.source.url])))) {
      expect(readme).toContain(`](${url})`)
    }
  })
})
