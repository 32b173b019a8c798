/**
 * Issue 29: a body is accepted only in a media type its route's document declares (415 in the
 * dialect's own error body otherwise, nothing stored), and Sanity refuses API versions that are not
 * real dates. Runs on SQLite and on PostgreSQL (`PROJECTKIT_TEST_DATABASE_URL`), on the compiled
 * router and on the platform's (`PROJECTKIT_TEST_ROUTER=platform`).
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as vitest from "vitest"
import * as MediaTypes from "../src/internal/mediaTypes.js"
import * as Server from "../src/Server.js"
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

describe("declared bodies by route", () => {
  class Item extends Schema.Class<Item>("Item")({ name: Schema.String }) {}
  const contract = HttpApi.make("media").add(
    HttpApiGroup.make("items")
      .add(HttpApiEndpoint.post("update", "/items/:id").setPath(Schema.Struct({ id: Schema.String })).setPayload(Item))
      .add(HttpApiEndpoint.post("search", "/items/search").setPayload(Item.pipe(HttpApiSchema.withEncoding({ kind: "UrlParams" }))))
      .add(HttpApiEndpoint.post("upload", "/items/:id/file").setPath(Schema.Struct({ id: Schema.String })).setPayload(HttpApiSchema.Uint8Array()))
      .add(HttpApiEndpoint.get("list", "/items"))
  )
  const bodies = MediaTypes.declaredBodies([{ prefix: "/media", contract }])

  vitest.it("finds a matched route's media types as the request path finds them, a literal segment before a parameter", () => {
    expect(bodies.byRoute("POST", "/media/items/:id")).toEqual(["application/json"])
    expect(bodies.byPath("POST", "/media/items/42")).toEqual(["application/json"])
    expect(bodies.byRoute("POST", "/media/items/search")).toEqual(["application/x-www-form-urlencoded"])
    expect(bodies.byPath("POST", "/media/items/search")).toEqual(["application/x-www-form-urlencoded"])
    expect(bodies.byRoute("POST", "/media/items/:id/file")).toEqual(["application/octet-stream"])
    expect(bodies.byPath("POST", "/media/items/42/file")).toEqual(["application/octet-stream"])
    expect(bodies.byRoute("GET", "/media/items")).toBeUndefined()
    expect(bodies.byRoute("POST", "/media/other")).toBeUndefined()
  })

  vitest.it("agrees with the lookup by path on every route of every dialect", () => {
    const mounted = Server.dialects.map((dialect) => ({ prefix: dialect.prefix, contract: dialect.contract }))
    const all = MediaTypes.declaredBodies(mounted)
    let compared = 0
    for (const { contract: api, prefix } of mounted) {
      HttpApi.reflect(api, {
        onGroup: () => undefined,
        onEndpoint: ({ endpoint }) => {
          const path = `${prefix}${endpoint.path}`
          const concrete = path.replace(/:[^/]+/g, "x-1")
          expect({ path, byRoute: all.byRoute(endpoint.method, path) }).toEqual({ path, byRoute: all.byPath(endpoint.method, concrete) })
          compared++
        }
      })
    }
    expect(compared).toBeGreaterThan(20)
  })
})
