/**
 * Concurrent writes to one Sanity resource have exactly one winner, on both backends, the others
 * answered as Sanity answers a conflict or a missing object (issue 14: on PostgreSQL 50 concurrent
 * creates of one dataset, tag or CORS origin got 500s from unique violations, 50 copies to one
 * target made several jobs, 50 deletes of one project answered 200 up to ten times).
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestDatabase from "../support/TestDatabase.js"
import { createOrganization, request, layer as testServer } from "../support/TestServer.js"

const concurrency = 50

/** `count` copies of one request at once: their statuses, sorted. */
const all = (count: number, path: string, init: RequestInit) =>
  Effect.map(
    Effect.all(Array.from({ length: count }, () => request(path, init)), { concurrency: "unbounded" }),
    (answers) => {
      const statuses = answers.map((answer) => answer.status).sort()
      for (const answer of answers) {
        if (answer.status >= 500) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
      }
      return { statuses, answers }
    }
  )

const count = (statuses: ReadonlyArray<number>, status: number) => statuses.filter((s) => s === status).length

layer(testServer(), { excludeTestServices: true })(`Sanity under concurrent writes (${TestDatabase.backend})`, (it) => {
  it.effect("one winner each: dataset, tag, CORS origin, copy target, project delete", () =>
    Effect.gen(function*() {
      const org = yield* createOrganization("races")
      const auth = { authorization: `Bearer ${org.credentials.sanity.token}`, "content-type": "application/json" }
      const base = "/sanity/v2021-06-07/projects"
      const project = (yield* request(base, { method: "POST", headers: auth, body: JSON.stringify({ displayName: "Race" }) }))
        .body as { id: string }

      const datasets = yield* all(concurrency, `${base}/${project.id}/datasets/production`, { method: "PUT", headers: auth, body: "{}" })
      expect(count(datasets.statuses, 409)).toBe(concurrency - 1)
      expect(datasets.answers.find((a) => a.status === 409)?.body).toEqual({
        statusCode: 409,
        error: "Conflict",
        message: `Dataset "production" already exists`
      })

      const tags = yield* all(concurrency, `${base}/${project.id}/tags`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ name: "hot", title: "Hot" })
      })
      expect(count(tags.statuses, 409)).toBe(concurrency - 1)

      const origins = yield* all(concurrency, `${base}/${project.id}/cors`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ origin: "https://race.example.com", allowCredentials: true })
      })
      expect(count(origins.statuses, 409)).toBe(concurrency - 1)
      const listed = yield* request(`${base}/${project.id}/cors`, { headers: auth })
      expect((listed.body as Array<{ origin: string }>).filter((o) => o.origin === "https://race.example.com")).toHaveLength(1)

      const copies = yield* all(concurrency, `${base}/${project.id}/datasets/production/copy`, {
        method: "PUT",
        headers: auth,
        body: JSON.stringify({ targetDataset: "staging" })
      })
      expect(count(copies.statuses, 409)).toBe(concurrency - 1)
      const jobs = yield* request(`${base}/${project.id}/datasets/production/copy`, { headers: auth })
      expect(jobs.body).toHaveLength(1)

      const deletes = yield* all(concurrency, `${base}/${project.id}`, { method: "DELETE", headers: auth })
      expect(count(deletes.statuses, 404)).toBe(concurrency - 1)
      expect(deletes.statuses.filter((status) => status !== 404)).toEqual([200])
    }), 120_000)
})
