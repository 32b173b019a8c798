/**
 * Project name search served by the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) finds
 * exactly what `LIKE '%text%'` finds: after creates, renames and deletes, for selective and
 * common terms, short ones, wildcard characters and other organizations' projects.
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import { makeSyncOrg, type SyncOrg } from "../support/SyncOrg.js"
import { request, layer as testServer } from "../support/TestServer.js"

const headers = (org: SyncOrg) => ({ "x-api-key": org.apiKey, "content-type": "application/json" })

/** Creates a project: its id and its name as stored (the server trims it). */
const create = (org: SyncOrg, name: string) =>
  Effect.map(
    request("/sync/v2/projects", { method: "POST", headers: headers(org), body: JSON.stringify({ name }) }),
    (r) => {
      expect(r.status).toBe(201)
      return r.body as { id: string; name: string }
    }
  )

/** Every project the search finds, through all its pages. */
const search = (org: SyncOrg, text: string) =>
  Effect.gen(function*() {
    const names: Array<string> = []
    let cursor: string | undefined
    do {
      const query = new URLSearchParams({ limit: "7", searchQuery: text, ...(cursor === undefined ? {} : { cursor }) })
      const { body, status } = yield* request(`/sync/v2/projects?${query}`, { headers: headers(org) })
      expect(status).toBe(200)
      const page = body as { items: Array<{ name: string }>; nextCursor?: string | null }
      names.push(...page.items.map((p) => p.name))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    return names.sort()
  })

const expected = (names: Iterable<string>, text: string) =>
  [...names].filter((name) => name.toLowerCase().includes(text.toLowerCase())).sort()

layer(testServer(), { excludeTestServices: true })("project name search", (it) => {
  it.effect("finds exactly the names containing the text, through creates, renames and deletes", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("Search")
      const other = yield* makeSyncOrg("Other")
      // Names from a small alphabet, so that terms match many, few or none of them.
      const alphabet = ["ab", "ba", "c", " ", "Ab", "%", "_", "é", "\\"]
      const names = new Map<string, string>()
      for (let i = 0; i < 40; i++) {
        let name = ""
        const parts = yield* Random.nextIntBetween(2, 7)
        for (let j = 0; j < parts; j++) name += alphabet[yield* Random.nextIntBetween(0, alphabet.length)]
        name = `${name}${i % 5 === 0 ? " Zebra" : ""}`
        if (name.trim() === "") name = "c"
        const created = yield* create(org, name)
        names.set(created.id, created.name)
      }
      yield* create(other, "abab Zebra of another organization")
      // Renames and deletes go through the index's triggers.
      const ids = [...names.keys()]
      for (const id of ids.slice(0, 6)) {
        const name = `renamed cab ${id.slice(0, 4)}`
        const patched = yield* request(`/sync/v2/projects/${id}`, { method: "PATCH", headers: headers(org), body: JSON.stringify({ name }) })
        expect(patched.status).toBe(200)
        names.set(id, name)
      }
      for (const id of ids.slice(6, 10)) {
        const deleted = yield* request(`/sync/v2/projects/${id}`, { method: "DELETE", headers: headers(org) })
        expect(deleted.status).toBeLessThan(300)
        names.delete(id)
      }
      const terms = ["zebra", "ZEB", "abab", "bab", "cab", "renamed", "ab", "a", "b c", "%", "_", "ab%", "é", "\\", "aba", "nothing", "ba ba"]
      for (const term of terms) {
        expect({ term, found: yield* search(org, term) }).toEqual({ term, found: expected(names.values(), term) })
      }
    }))
})
