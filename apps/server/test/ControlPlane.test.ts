import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestDatabase from "./support/TestDatabase.js"
import { request, TestServer, layer as testServer } from "./support/TestServer.js"

const admin = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" })

layer(testServer())("control plane", (it) => {
  it.effect("reports health without credentials", () =>
    Effect.gen(function*() {
      const { body, status } = yield* request("/__projectkit/health")
      expect(status).toBe(200)
      expect(body).toMatchObject({ status: "ok", storage: TestDatabase.backend })
      const { location } = body as { location: string }
      if (TestDatabase.postgresUrl === undefined) {
        expect(location).toBe(":memory:")
      } else {
        // The URL is reported without its password.
        const password = new URL(TestDatabase.postgresUrl).password
        expect(location).toMatch(/^postgres(ql)?:\/\//)
        if (password !== "") expect(location).not.toContain(`:${password}@`)
      }
    }))

  it.effect("creates organizations for the admin only", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const refused = yield* request("/__projectkit/orgs", { method: "POST", body: JSON.stringify({ name: "Acme" }) })
      expect(refused.status).toBe(401)
      expect(refused.body).toMatchObject({ error: "unauthorized" })
      const wrong = yield* request("/__projectkit/orgs", {
        method: "POST",
        headers: admin("nope"),
        body: JSON.stringify({ name: "Acme" })
      })
      expect(wrong.status).toBe(401)
      const created = yield* request("/__projectkit/orgs", {
        method: "POST",
        headers: admin(adminToken),
        body: JSON.stringify({ name: "  Acme  " })
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ name: "Acme", credentials: { sync: { apiKey: expect.stringMatching(/^sk-/) } } })
    }))

  it.effect("adds members to an organization, each with keys of their own", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* request("/__projectkit/orgs", { method: "POST", headers: admin(adminToken), body: "{\"name\":\"Team\"}" })
      const { credentials, id } = org.body as { id: string; credentials: { sync: { apiKey: string } } }
      const member = yield* request(`/__projectkit/orgs/${id}/members`, { method: "POST", headers: admin(adminToken) })
      expect(member.status).toBe(201)
      expect(member.body).toMatchObject({ organizationId: id, credentials: { sync: { apiKey: expect.stringMatching(/^sk-/) } } })
      expect((member.body as typeof org.body & { credentials: { sync: { apiKey: string } } }).credentials.sync.apiKey)
        .not.toBe(credentials.sync.apiKey)
      expect((yield* request(`/__projectkit/orgs/${id}/members`, { method: "POST" })).status).toBe(401)
      const unknown = yield* request("/__projectkit/orgs/nope/members", { method: "POST", headers: admin(adminToken) })
      expect(unknown).toMatchObject({ status: 404, body: { error: "not_found" } })
    }))

  it.effect("reset deletes every organization and everything they own", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* request("/__projectkit/orgs", { method: "POST", headers: admin(adminToken), body: "{\"name\":\"Gone\"}" })
      const apiKey = (org.body as { credentials: { sync: { apiKey: string } } }).credentials.sync.apiKey
      const key = { "x-api-key": apiKey, "content-type": "application/json" }
      expect((yield* request("/sync/v2/projects", { method: "POST", headers: key, body: "{\"name\":\"p\"}" })).status).toBe(201)
      expect((yield* request("/__projectkit/reset", { method: "POST" })).status).toBe(401)
      expect((yield* request("/__projectkit/reset", { method: "POST", headers: admin(adminToken) })).status).toBe(204)
      expect((yield* request("/sync/v2/projects", { headers: key })).status).toBe(401)
    }))

  describe("bad input", () => {
    it.effect("answers 400 in the control plane's format, never a framework shape", () =>
      Effect.gen(function*() {
        const { adminToken } = yield* TestServer
        for (const body of ["{", JSON.stringify({ name: "" }), JSON.stringify({ name: 5 }), JSON.stringify([])]) {
          const response = yield* request("/__projectkit/orgs", { method: "POST", headers: admin(adminToken), body })
          expect(response.status, body).toBe(400)
          expect(response.body).toMatchObject({ error: "bad_request", message: expect.any(String) })
          expect(JSON.stringify(response.body)).not.toContain("_tag")
        }
      }))

    it.effect("answers 413 for an oversized body and 404 for an unknown route", () =>
      Effect.gen(function*() {
        const { adminToken } = yield* TestServer
        const big = yield* request("/__projectkit/orgs", {
          method: "POST",
          headers: admin(adminToken),
          body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) })
        })
        expect(big.status).toBe(413)
        const missing = yield* request("/__projectkit/nothing-here")
        expect(missing.status).toBe(404)
        expect(missing.body).toMatchObject({ message: expect.any(String) })
      }))
  })
})
