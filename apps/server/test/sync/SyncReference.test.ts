/**
 * Issue 25 on the wire: sync.so's coded error bodies and their catalog (`GET /v2/errors`,
 * unauthenticated), and deleting a generation (terminal states only, 409
 * `generation_not_deletable_while_processing` otherwise). Runs on SQLite and on PostgreSQL
 * (`PROJECTKIT_TEST_DATABASE_URL`).
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { makeSyncOrg } from "../support/SyncOrg.js"
import { request, layer as testServer } from "../support/TestServer.js"

const server = testServer({
  generations: { pending: "300 millis", processing: "300 millis", pollInterval: "20 millis" }
})

const video = { type: "video" as const, url: "https://assets.sync.so/docs/example-video.mp4" }
const audio = { type: "audio" as const, url: "https://assets.sync.so/docs/example-audio.wav" }

const json = (apiKey: string | undefined, method: string, body?: unknown): RequestInit => ({
  method,
  headers: { ...(apiKey === undefined ? {} : { "x-api-key": apiKey }), "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) })
})

interface Catalogued {
  readonly errorCode: string
  readonly statusCode: number
  readonly message: string
  readonly suggestion: string
}

layer(server, { excludeTestServices: true })("sync.so: error codes and deleting generations", (it) => {
  it.effect("GET /v2/errors answers the catalog without a key; every code an error body carries is in it, with its status", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("coded")
      const catalog = yield* request("/sync/v2/errors")
      expect(catalog.status).toBe(200)
      const entries = catalog.body as ReadonlyArray<Catalogued>
      const byCode = new Map(entries.map((entry) => [entry.errorCode, entry]))
      expect(byCode.size).toBe(entries.length)
      // A key sent, even an unknown one, changes nothing.
      expect((yield* request("/sync/v2/errors", { headers: { "x-api-key": "nope" } })).body).toEqual(entries)

      const project = yield* org.client.projects.create({ name: "Coded" })
      const pending = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio] })
      const missing = crypto.randomUUID()
      const refusals = [
        [yield* request(`/sync/v2/projects/${missing}`, json(org.apiKey, "GET")), 404, "project_not_found"],
        [yield* request(`/sync/v2/assets/${missing}`, json(org.apiKey, "GET")), 404, "asset_not_found"],
        [yield* request(`/sync/v2/generate/${missing}`, json(org.apiKey, "GET")), 404, "generation_not_found"],
        [yield* request(`/sync/v2/batch/${missing}`, json(org.apiKey, "GET")), 404, "batch_not_found"],
        [yield* request("/sync/v2/projects", json(undefined, "GET")), 401, "missing_api_key"],
        [yield* request("/sync/v2/projects", json("not-a-key", "GET")), 401, "invalid_api_key"],
        [yield* request("/sync/v2/projects", json(org.apiKey, "POST", { name: 42 })), 400, "invalid_request"],
        [yield* request("/sync/v2/projects", json(org.apiKey, "POST", "{")), 400, "invalid_request"],
        [yield* request("/sync/v2/nowhere", json(org.apiKey, "GET")), 404, "not_found"],
        [
          yield* request("/sync/v2/assets", json(org.apiKey, "POST", { type: "VIDEO", url: video.url, projectId: missing })),
          422,
          "project_reference_invalid"
        ],
        [yield* request(`/sync/v2/generate/${pending.id}`, json(org.apiKey, "DELETE")), 409, "generation_not_deletable_while_processing"]
      ] as const
      for (const [answer, status, code] of refusals) {
        const body = answer.body as Record<string, unknown>
        expect({ status: answer.status, errorCode: body["errorCode"] }).toEqual({ status, errorCode: code })
        expect(body).toMatchObject({ statusCode: status, message: expect.any(String) })
        const entry = byCode.get(code)
        expect(entry, code).toBeDefined()
        expect(body["suggestion"]).toBe(entry!.suggestion)
        expect(entry!.statusCode).toBe(status)
      }
      // The field at fault is named.
      const unprocessable = refusals[9][0].body as Record<string, unknown>
      expect(unprocessable["field"]).toBe("projectId")
      expect(project.id).toBeDefined()
    }))

  it.effect("DELETE /v2/generate/:id: 409 while at work, the generation once it has ended, then 404; never another organization's", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("deleting")
      const other = yield* makeSyncOrg("deleting-other")
      const created = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio] })
      const early = yield* request(`/sync/v2/generate/${created.id}`, json(org.apiKey, "DELETE"))
      expect(early.status).toBe(409)
      // No output to download yet (generate-api/download: "the available full output of a completed generation").
      const notYet = yield* request(`/sync/v2/generations/${created.id}/download`, json(org.apiKey, "GET"))
      expect({ status: notYet.status, errorCode: (notYet.body as Record<string, unknown>)["errorCode"] })
        .toEqual({ status: 404, errorCode: "generation_output_not_available" })
      // Still there, untouched.
      expect((yield* request(`/sync/v2/generate/${created.id}`, json(org.apiKey, "GET"))).status).toBe(200)
      // Once COMPLETED (or FAILED) it can be deleted: polled, never slept on.
      yield* org.client.generations.get(created.id).pipe(
        Effect.filterOrFail((generation) => generation.status === "COMPLETED" || generation.status === "FAILED"),
        Effect.retry(Schedule.spaced("25 millis").pipe(Schedule.upTo("10 seconds")))
      )
      const ended = yield* org.client.generations.get(created.id)
      const download = yield* request(`/sync/v2/generations/${created.id}/download`, json(org.apiKey, "GET"))
      if (ended.status === "COMPLETED") {
        expect({ status: download.status, type: download.headers.get("content-type")?.split(";")[0], url: download.body })
          .toEqual({ status: 200, type: "text/plain", url: ended.outputUrl })
      } else {
        expect(download.status).toBe(404)
      }
      expect((yield* request(`/sync/v2/generations/${created.id}/download`, json(other.apiKey, "GET"))).status).toBe(404)
      const foreign = yield* request(`/sync/v2/generate/${created.id}`, json(other.apiKey, "DELETE"))
      expect({ status: foreign.status, errorCode: (foreign.body as Record<string, unknown>)["errorCode"] })
        .toEqual({ status: 404, errorCode: "generation_not_found" })
      const deleted = yield* request(`/sync/v2/generate/${created.id}`, json(org.apiKey, "DELETE"))
      expect(deleted.status).toBe(200)
      expect(deleted.body).toMatchObject({ id: created.id, model: "lipsync-2", status: expect.stringMatching(/^(COMPLETED|FAILED)$/) })
      expect((yield* request(`/sync/v2/generate/${created.id}`, json(org.apiKey, "GET"))).status).toBe(404)
      expect((yield* request(`/sync/v2/generate/${created.id}`, json(org.apiKey, "DELETE"))).status).toBe(404)
      expect((yield* org.client.generations.list()).map((generation) => generation.id)).not.toContain(created.id)
    }))
})
