/**
 * The control plane's product routes over real HTTP, on the compiled routes and on the platform's
 * router (the journal and faults must see every request on both): per-organization delete and
 * reset, the request journal, fault injection, and the newcomer's pages (`GET /`, compressed docs,
 * the control plane's OpenAPI document).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Zlib from "node:zlib"
import { type RunningServer, startServer } from "../src/Emulator.js"
import { frozenLifecycles, type OrgCredentials, populate, visible } from "./support/Populate.js"
import * as TestDatabase from "./support/TestDatabase.js"

const routers = [{ name: "compiled routes", compiledRoutes: true }, { name: "platform router", compiledRoutes: false }] as const

for (const router of routers) {
  describe(`control plane as a product (${router.name}, ${TestDatabase.backend})`, () => {
    let server: RunningServer
    let drop: (() => Promise<void>) | undefined

    beforeAll(async () => {
      let data = ":memory:"
      if (TestDatabase.postgresUrl !== undefined) {
        const schema = await TestDatabase.createSchema(TestDatabase.postgresUrl)
        data = schema.url
        drop = schema.drop
      }
      server = await startServer({ data, compiledRoutes: router.compiledRoutes, ...frozenLifecycles })
    })
    afterAll(async () => {
      await server?.close()
      await drop?.()
    })

    const control = async (method: string, path: string, body?: unknown, token = server.adminToken) => {
      const response = await fetch(`${server.url}/__projectkit${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      return { status: response.status, body: text === "" ? undefined : JSON.parse(text) as Record<string, any> }
    }
    const syncGet = (org: OrgCredentials, path = "/sync/v2/projects", headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { headers: { "x-api-key": org.credentials.sync.apiKey, ...headers } })

    describe("organizations", () => {
      it("resets one organization: its data goes, its credentials and the others' data stay", async () => {
        const mine = await server.createOrganization("Mine") as OrgCredentials
        const other = await server.createOrganization("Other") as OrgCredentials
        const populatedMine = await populate(server.url, server.adminToken, mine, "m")
        const populatedOther = await populate(server.url, server.adminToken, other, "o")
        const otherBefore = await visible(server.url, other, populatedOther)
        expect(await visible(server.url, mine, populatedMine)).toMatchObject({ syncProjects: 2, sanityProjectToken: 200 })

        expect((await control("POST", `/orgs/${mine.id}/reset`, undefined, "wrong")).status).toBe(401)
        expect(await control("POST", `/orgs/${mine.id}/reset`)).toEqual({ status: 204, body: undefined })
        // Every dialect's data is gone (the project token with its project), the keys still work.
        expect(await visible(server.url, mine, populatedMine)).toEqual({
          syncProjects: 0,
          syncAssets: 0,
          sanityProjects: 0,
          sanityProjectToken: 401,
          indreamProjects: 0,
          indreamFile: 0
        })
        const exported = (await control("GET", `/export?org=${mine.id}`)).body!
        for (const [table, rows] of Object.entries(exported["tables"] as Record<string, ReadonlyArray<unknown>>)) {
          const kept = ["organizations", "credentials", "sanity_members"].includes(table)
          expect(rows.length > 0, table).toBe(kept)
        }
        // The other organization did not notice.
        expect(await visible(server.url, other, populatedOther)).toEqual(otherBefore)
        // And the emptied one can start again.
        const again = await fetch(`${server.url}/sync/v2/projects`, {
          method: "POST",
          headers: { "x-api-key": mine.credentials.sync.apiKey, "content-type": "application/json" },
          body: JSON.stringify({ name: "again" })
        })
        expect(again.status).toBe(201)
        expect(await control("POST", "/orgs/nope/reset")).toMatchObject({ status: 404, body: { error: "not_found" } })
      }, 60_000)

      it("deletes one organization: its credentials stop working at once, the others' do not", async () => {
        const gone = await server.createOrganization("Gone") as OrgCredentials
        const stays = await server.createOrganization("Stays") as OrgCredentials
        await populate(server.url, server.adminToken, gone, "g")
        expect((await syncGet(gone)).status).toBe(200)
        expect((await control("DELETE", `/orgs/${gone.id}`, undefined, "wrong")).status).toBe(401)
        expect(await control("DELETE", `/orgs/${gone.id}`)).toEqual({ status: 204, body: undefined })
        expect((await syncGet(gone)).status).toBe(401)
        expect((await fetch(`${server.url}/indream/v1/projects`, { headers: { "x-api-key": gone.credentials.indream.apiKey } })).status)
          .toBe(401)
        expect((await syncGet(stays)).status).toBe(200)
        expect(await control("DELETE", `/orgs/${gone.id}`)).toMatchObject({ status: 404, body: { error: "not_found" } })
        expect((await control("GET", `/export?org=${gone.id}`)).status).toBe(404)
      }, 60_000)
    })

    describe("request journal", () => {
      it("is off by default, and then records nothing", async () => {
        const org = await server.createOrganization("Quiet") as OrgCredentials
        await syncGet(org)
        expect(await control("GET", "/requests")).toEqual({ status: 200, body: { enabled: false, requests: [] } })
      })

      it("records every dialect request with its organization, filtered and limited, bodies opt-in and cut", async () => {
        expect((await control("PUT", "/journal", { enabled: true, size: 50 })).body).toEqual({ enabled: true, size: 50, bodyBytes: 0 })
        const a = await server.createOrganization("A") as OrgCredentials
        const b = await server.createOrganization("B") as OrgCredentials
        const created = await fetch(`${server.url}/sync/v2/projects?x=1`, {
          method: "POST",
          headers: { "x-api-key": a.credentials.sync.apiKey, "content-type": "application/json", "x-request-id": "mine-1" },
          body: JSON.stringify({ name: "journaled" })
        })
        expect(created.headers.get("x-request-id")).toBe("mine-1")
        await fetch(`${server.url}/indream/v1/projects`, { headers: { "x-api-key": b.credentials.indream.apiKey } })
        await fetch(`${server.url}/sanity/v2021-06-07/projects`, { headers: { authorization: "Bearer wrong" } })
        await fetch(`${server.url}/sync/v2/nowhere`, { headers: { "x-api-key": a.credentials.sync.apiKey } })

        const all = (await control("GET", "/requests")).body!
        expect(all["enabled"]).toBe(true)
        const requests = all["requests"] as Array<Record<string, unknown>>
        // Newest first; the control plane's own requests are not in it.
        expect(requests.map((r) => `${r["method"]} ${r["path"]} ${r["status"]}`)).toEqual([
          "GET /sync/v2/nowhere 404",
          "GET /sanity/v2021-06-07/projects 401",
          "GET /indream/v1/projects 200",
          "POST /sync/v2/projects 201"
        ])
        expect(requests[3]).toMatchObject({
          requestId: "mine-1",
          dialect: "sync",
          organization: a.id,
          query: "x=1",
          fault: null,
          durationMs: expect.any(Number),
          time: expect.stringMatching(/^\d{4}-/)
        })
        expect(requests[3]).not.toHaveProperty("requestBody")
        expect(requests[1]).toMatchObject({ dialect: "sanity", organization: null })
        expect(typeof requests[2]!["requestId"]).toBe("string")

        const byOrg = (await control("GET", `/requests?org=${a.id}`)).body!["requests"] as Array<Record<string, unknown>>
        expect(byOrg.map((r) => r["path"])).toEqual(["/sync/v2/nowhere", "/sync/v2/projects"])
        expect(((await control("GET", "/requests?dialect=indream")).body!["requests"] as Array<unknown>)).toHaveLength(1)
        expect(((await control("GET", "/requests?method=post&path=/sync/*")).body!["requests"] as Array<unknown>)).toHaveLength(1)
        expect(((await control("GET", "/requests?limit=2")).body!["requests"] as Array<unknown>)).toHaveLength(2)
        expect((await control("GET", "/requests?limit=0")).status).toBe(400)

        // Bodies, cut to the configured size.
        await control("PUT", "/journal", { bodyBytes: 16 })
        await fetch(`${server.url}/sync/v2/projects`, {
          method: "POST",
          headers: { "x-api-key": a.credentials.sync.apiKey, "content-type": "application/json" },
          body: JSON.stringify({ name: "a name longer than sixteen bytes" })
        })
        const [withBody] = (await control("GET", "/requests?limit=1")).body!["requests"] as Array<Record<string, unknown>>
        expect(withBody).toMatchObject({ requestBody: "{\"name\":\"a name ", responseBody: expect.stringMatching(/^\{"id":"/), bodiesTruncated: true })

        // Bounded: the oldest go.
        await control("PUT", "/journal", { size: 2, bodyBytes: 0 })
        for (let i = 0; i < 5; i++) await syncGet(a, `/sync/v2/projects?i=${i}`)
        const kept = (await control("GET", "/requests")).body!["requests"] as Array<Record<string, unknown>>
        expect(kept.map((r) => r["query"])).toEqual(["i=4", "i=3"])

        expect((await control("DELETE", "/requests")).status).toBe(204)
        expect((await control("GET", "/requests")).body!["requests"]).toEqual([])
        await control("PUT", "/journal", { enabled: false, size: 1000 })
      }, 60_000)
    })

    describe("faults", () => {
      it("answer matching requests in the dialect's own error format, 429 with Retry-After, `times` then gone", async () => {
        const org = await server.createOrganization("Faulty") as OrgCredentials
        const added = await control("POST", "/faults", { dialect: "sync", method: "get", path: "/v2/projects", status: 429, times: 2 })
        expect(added).toMatchObject({ status: 201, body: { id: expect.any(String), dialect: "sync", status: 429, hits: 0, times: 2 } })
        for (let i = 0; i < 2; i++) {
          const refused = await syncGet(org)
          expect(refused.status).toBe(429)
          expect(refused.headers.get("retry-after")).toBe("1")
          expect(await refused.json()).toEqual({ statusCode: 429, message: `Injected fault ${added.body!["id"]} (status 429)` })
        }
        expect((await syncGet(org)).status).toBe(200)
        expect((await control("GET", "/faults")).body).toEqual({ faults: [] })
        // POST on the same path did not match the method.
        await control("POST", "/faults", { dialect: "sync", method: "POST", path: "/v2/projects", status: 500 })
        expect((await syncGet(org)).status).toBe(200)
        await control("DELETE", "/faults")

        // Each dialect's own body; a body of the fault's own; 503 with a chosen Retry-After.
        await control("POST", "/faults", { dialect: "indream", status: 503, retryAfterSeconds: 7 })
        const indream = await fetch(`${server.url}/indream/v1/projects`, { headers: { "x-api-key": org.credentials.indream.apiKey } })
        expect(indream.status).toBe(503)
        expect(indream.headers.get("retry-after")).toBe("7")
        expect(await indream.json()).toMatchObject({ status: 503, errorCode: expect.any(String), detail: expect.stringMatching(/Injected fault/) })
        await control("POST", "/faults", { dialect: "sanity", path: "/v2021-06-07/projects/*", status: 500, body: { custom: true } })
        const sanity = await fetch(`${server.url}/sanity/v2021-06-07/projects/abc`, { headers: { authorization: `Bearer ${org.credentials.sanity.token}` } })
        expect(sanity.status).toBe(500)
        expect(await sanity.json()).toEqual({ custom: true })
        const sanityList = await fetch(`${server.url}/sanity/v2021-06-07/projects`, { headers: { authorization: `Bearer ${org.credentials.sanity.token}` } })
        expect(sanityList.status).toBe(200)
        expect(((await control("GET", "/faults")).body!["faults"] as Array<unknown>)).toHaveLength(2)
        expect((await control("DELETE", "/faults")).status).toBe(204)
        expect((await control("GET", "/faults")).body).toEqual({ faults: [] })
      }, 60_000)

      it("of one organization affect only its requests; probability 0 never fires; latency delays", async () => {
        const target = await server.createOrganization("Target") as OrgCredentials
        const bystander = await server.createOrganization("Bystander") as OrgCredentials
        const fault = await control("POST", "/faults", { dialect: "sync", organization: target.id, status: 500 })
        expect((await syncGet(target)).status).toBe(500)
        expect((await syncGet(bystander)).status).toBe(200)
        expect(((await control("GET", `/faults?org=${bystander.id}`)).body!["faults"] as Array<unknown>)).toHaveLength(0)
        expect(((await control("GET", `/faults?org=${target.id}`)).body!["faults"] as Array<Record<string, unknown>>)[0])
          .toMatchObject({ hits: 1, organization: target.id })
        expect((await control("DELETE", `/faults/${fault.body!["id"]}`)).status).toBe(204)
        expect((await control("DELETE", `/faults/${fault.body!["id"]}`)).status).toBe(404)
        expect((await syncGet(target)).status).toBe(200)

        await control("POST", "/faults", { dialect: "sync", status: 500, probability: 0 })
        for (let i = 0; i < 5; i++) expect((await syncGet(target)).status).toBe(200)
        await control("DELETE", "/faults")

        // Latency alone: answered by the handler, later.
        await control("POST", "/faults", { dialect: "sync", latencyMs: 300 })
        const started = performance.now()
        expect((await syncGet(target)).status).toBe(200)
        expect(performance.now() - started).toBeGreaterThanOrEqual(290)
        await control("DELETE", "/faults")

        // The journal says which fault answered.
        await control("PUT", "/journal", { enabled: true })
        const answered = await control("POST", "/faults", { dialect: "sync", status: 418 })
        await syncGet(target)
        const [entry] = (await control("GET", "/requests?limit=1")).body!["requests"] as Array<Record<string, unknown>>
        expect(entry).toMatchObject({ status: 418, fault: answered.body!["id"], organization: target.id })
        await control("DELETE", "/faults")
        await control("PUT", "/journal", { enabled: false })
      }, 60_000)

      it("refuses a fault that names no dialect it knows, or does nothing", async () => {
        expect(await control("POST", "/faults", { dialect: "stripe", status: 500 })).toMatchObject({
          status: 400,
          body: { error: "bad_request", message: expect.stringMatching(/sync, sanity, indream/) }
        })
        expect(await control("POST", "/faults", { dialect: "sync" })).toMatchObject({ status: 400, body: { error: "bad_request" } })
        expect((await control("POST", "/faults", { dialect: "sync", status: 99 })).status).toBe(400)
        expect((await control("POST", "/faults", { dialect: "sync", status: 500 }, "wrong")).status).toBe(401)
        expect((await control("GET", "/faults")).body).toEqual({ faults: [] })
      })
    })

    describe("pages", () => {
      it("GET / says where everything is, as JSON or as a page", async () => {
        const json = await fetch(`${server.url}/`)
        expect(json.status).toBe(200)
        const home = await json.json() as { dialects: Array<{ name: string; url: string; docs: string }>; control: { health: string } }
        expect(home.dialects.map((d) => d.name)).toEqual(["sync", "sanity", "indream"])
        expect(home.dialects[0]).toMatchObject({ url: `${server.url}/sync`, docs: `${server.url}/sync/docs` })
        expect((await fetch(home.control.health)).status).toBe(200)
        const html = await fetch(`${server.url}/`, { headers: { accept: "text/html" } })
        expect(html.headers.get("content-type")).toMatch(/^text\/html/)
        expect(await html.text()).toContain(`${server.url}/sanity/docs`)
      })

      it("sends the docs pages compressed to clients that accept it", async () => {
        const plain = await fetch(`${server.url}/sync/docs`, { headers: { "accept-encoding": "identity" } })
        const bytes = Buffer.from(await plain.arrayBuffer())
        expect(plain.headers.get("content-encoding")).toBeNull()
        expect(bytes.byteLength).toBeGreaterThan(1_000_000)
        // fetch would decompress by itself: read the raw bytes through node:http instead.
        for (const encoding of ["gzip", "br"] as const) {
          const raw = await rawGet(`${server.url}/sync/docs`, encoding)
          expect(raw.encoding).toBe(encoding)
          expect(raw.body.byteLength).toBeLessThan(bytes.byteLength / 3)
          const decoded = encoding === "br" ? Zlib.brotliDecompressSync(raw.body) : Zlib.gunzipSync(raw.body)
          expect(decoded.equals(bytes)).toBe(true)
        }
      })

      it("documents the control plane in OpenAPI", async () => {
        const doc = await (await fetch(`${server.url}/__projectkit/openapi.json`)).json() as { paths: Record<string, unknown> }
        for (const path of ["/__projectkit/orgs/{id}", "/__projectkit/orgs/{id}/reset", "/__projectkit/export", "/__projectkit/import", "/__projectkit/requests", "/__projectkit/faults", "/__projectkit/faults/{id}", "/__projectkit/journal"]) {
          expect(Object.keys(doc.paths)).toContain(path)
        }
      })
    })
  })
}

/** A GET through node:http, so the body arrives as sent (fetch decompresses on its own). */
const rawGet = async (url: string, encoding: string) => {
  const Http = await import("node:http")
  return new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    Http.get(url, { headers: { "accept-encoding": encoding } }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => resolve({ encoding: response.headers["content-encoding"], body: Buffer.concat(chunks) }))
    }).on("error", reject)
  })
}
