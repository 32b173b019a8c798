/**
 * The README's table is generated from the checks, and every check is well formed: a unique,
 * stable-looking id, and a sentence found verbatim in the document it cites.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Dialect from "../src/Dialect.js"
import { allChecks, dialects } from "../src/dialects/index.js"
import * as Readme from "../src/Readme.js"

const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8")

/** The shared provider documents, when this checkout has them (the team's shared folder). */
const shared = process.env["PROJECTKIT_SHARED_DIR"] ?? fileURLToPath(new URL("../../../../shared", import.meta.url))
const sharedHere = existsSync(join(shared, "seeds"))
/**
 * Outside CI a checkout without the shared folder skips the tests that read it; in CI (`CI` set,
 * as every CI service sets it) they run, and fail, so that a job never passes without them.
 */
const inCi = !["", "0", "false"].includes((process.env["CI"] ?? "").toLowerCase())

/** Fails, saying where to look, when the shared documents are not there. */
const requireShared = () =>
  expect(sharedHere, `the shared provider documents are not at ${shared}: check them out there, or set PROJECTKIT_SHARED_DIR`).toBe(true)

describe("the checks", () => {
  it("have unique ids of the form DIALECT-AREA-NNN, DIALECT their dialect's", () => {
    const ids = allChecks.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const dialect of dialects) {
      for (const check of dialect.checks) {
        expect(check.dialect).toBe(dialect.name)
        expect(check.id).toMatch(new RegExp(`^${dialect.idPrefix}-[A-Z]+-\\d{3}$`))
        expect(check.title.length).toBeGreaterThan(0)
      }
    }
  })

  it("cover every dialect", () => {
    for (const dialect of dialects) expect(dialect.checks.length, dialect.name).toBeGreaterThanOrEqual(10)
  })

  it("cite a document of their dialect, and give a public page of its site wherever the document has one", () => {
    for (const dialect of dialects) {
      const sites = new Set(Object.values(dialect.documents).flatMap((d) => (d.url === undefined ? [] : [new URL(d.url).host])))
      for (const check of dialect.checks) {
        expect(Object.keys(dialect.documents), check.id).toContain(check.source.document)
        if (dialect.documents[check.source.document]?.url !== undefined) expect(check.source.url, check.id).toBeDefined()
        if (check.source.url !== undefined) {
          expect(check.source.url, check.id).toMatch(/^https:\/\//)
          expect([...sites], check.id).toContain(new URL(check.source.url).host)
        }
      }
    }
  })

  it.skipIf(!sharedHere && !inCi)("quote their documents verbatim", () => {
    requireShared()
    for (const check of allChecks) {
      const text = readFileSync(join(shared, check.source.document), "utf8")
      expect(text.includes(check.source.sentence), `${check.id}: "${check.source.sentence}" in ${check.source.document}`).toBe(true)
    }
  })

  it.skipIf(!sharedHere && !inCi)("enforce every seed document, each declared by a dialect", () => {
    requireShared()
    const declared = Object.keys(Dialect.documentsOf(dialects)).filter((d) => d.startsWith("seeds/"))
    const cited = new Set(allChecks.map((c) => c.source.document))
    expect(declared.filter((d) => !cited.has(d))).toEqual([])
    expect(readdirSync(join(shared, "seeds")).map((file) => `seeds/${file}`).sort()).toEqual([...declared].sort())
  })
})

describe("the README", () => {
  it("has the table generated from the checks (run `pnpm --filter @projectkit/conformance readme`)", () => {
    expect(readme).toBe(Readme.update(readme, dialects))
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
