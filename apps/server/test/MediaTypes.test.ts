/**
 * Issue 29: a body is accepted only in a media type its route's document declares (415 in the
 * dialect's own error body otherwise, nothing stored), and Sanity refuses API versions that are not
 * real dates. Runs on SQLite and on PostgreSQL (`PROJECTKIT_TEST_DATABASE_URL`), on the compiled
 * router and on the platform's (`PROJECTKIT_TEST_ROUTER=platform`).
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createOrganization, layer as testServer, request } from "./support/TestServer.js"

layer(testServer(), { excludeTestServices: true })("media types and API versions", (it) => {
  describe("415 for a body in a media type the document does not declare", () => {
    it.effect("sync.so: a form-encoded project create is refused in sync.so's body and creates nothing", () =>
      Effect.gen(function*() {
        const org = yield* createOrganization("media sync")
        const headers = { "x-api-key": org.credentials.sync.apiKey }
        const refused = yield* request("/sync/v2/projects", {
          method: "POST",
          headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
          body: "name=x"
        })
        expect(refused.status).toBe(415)
        expect(refused.body).toEqual({
          statusCode: 415,
          message: expect.stringContaining("application/json"),
          errorCode: "unsupported_media_type",
          suggestion: expect.any(String)
        })
        const plain = yield* request("/sync/v2/projects", { method: "POST", headers: { ...headers, "content-type": "text/plain" }, body: `{"name":"x"}` })
        expect(plain.status).toBe(415)
        expect((yield* request("/sync/v2/projects", { headers })).body).toEqual({ items: [] })
        // JSON with a charset is JSON.
        const json = yield* request("/sync/v2/projects", {
          method: "POST",
          headers: { ...headers, "content-type": "application/json; charset=utf-8" },
          body: `{"name":"x"}`
        })
        expect(json.status).toBe(201)
        // A batch is a form: JSON is not one of its media types.
        const batch = yield* request("/sync/v2/batch", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{}" })
        expect(batch).toMatchObject({ status: 415, body: { statusCode: 415 } })
      }))

    it.effect("Indream: a form-encoded project create is refused in Indream's problem body and creates nothing", () =>
      Effect.gen(function*() {
        const org = yield* createOrganization("media indream")
        const headers = { "x-api-key": org.credentials.indream.apiKey }
        const refused = yield* request("/indream/v1/projects", {
          method: "POST",
          headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
          body: "title=x"
        })
        expect(refused.status).toBe(415)
        expect(refused.body).toMatchObject({ status: 415, detail: expect.stringContaining("application/json"), errorCode: expect.any(String) })
        const listed = yield* request("/indream/v1/projects", { headers })
        expect(listed.status).toBe(200)
        expect(JSON.stringify(listed.body)).not.toContain("\"x\"")
      }))

    it.effect("Sanity: a text/plain project create is refused in Sanity's body", () =>
      Effect.gen(function*() {
        const org = yield* createOrganization("media sanity")
        const refused = yield* request("/sanity/v2021-06-07/projects", {
          method: "POST",
          headers: { authorization: `Bearer ${org.credentials.sanity.token}`, "content-type": "text/plain" },
          body: `{"displayName":"x"}`
        })
        expect(refused.status).toBe(415)
        expect(refused.body).toEqual({ statusCode: 415, error: "Unsupported Media Type", message: expect.stringContaining("application/json") })
      }))
  })

  describe("Sanity API versions", () => {
    it.effect("refuses versions that are not real dates with Sanity's 400, and serves real ones", () =>
      Effect.gen(function*() {
        const org = yield* createOrganization("api versions")
        const headers = { authorization: `Bearer ${org.credentials.sanity.token}` }
        for (const version of ["v0000-00-00", "v2021-02-30", "v2021-13-01", "v1969-12-31"]) {
          const refused = yield* request(`/sanity/${version}/projects`, { headers })
          expect({ version, status: refused.status }).toEqual({ version, status: 400 })
          expect(refused.body).toEqual({ statusCode: 400, error: "Bad Request", message: expect.stringContaining("Invalid API version string") })
        }
        for (const version of ["v2021-06-07", "v2024-02-29", "v1", "vX"]) {
          const served = yield* request(`/sanity/${version}/projects`, { headers })
          expect({ version, status: served.status }).toEqual({ version, status: 200 })
        }
      }))
  })
})
