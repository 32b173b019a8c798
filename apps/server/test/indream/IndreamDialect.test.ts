/**
 * The Indream dialect as one unit: what the server mounts, its tables, and that the failures no
 * handler describes (unknown routes, bodies over the limit, even while still arriving) are
 * answered as Indream's problem details.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { IndreamApi, IndreamErrors } from "@projectkit/indream"
import * as Effect from "effect/Effect"
import * as Net from "node:net"
import { dialect } from "../../src/dialects/indream/IndreamDialect.js"
import * as IndreamHandlers from "../../src/dialects/indream/IndreamHandlers.js"
import * as Fallback from "../../src/Fallback.js"
import * as Server from "../../src/Server.js"
import { layer as testServer, TestServer } from "../support/TestServer.js"
import { request } from "../support/TestServer.js"
import { call, makeIndreamOrg } from "./IndreamOrg.js"

describe("IndreamDialect", () => {
  it("mounts Indream's contract under /indream with its error table and tables", () => {
    expect(dialect).toMatchObject({ name: "indream", prefix: "/indream" })
    expect(dialect.contract).toBe(IndreamApi.IndreamApi)
    expect(dialect.errors).toBe(IndreamErrors.table)
    expect(Object.keys(dialect.migrations)).toEqual(["0020_indream", "0033_indream_state_compression"])
    expect(dialect.credentialOf?.({ "x-api-key": "key" })).toBe("key")
    expect(dialect.largerBodies?.({ method: "POST", url: "/indream/v1/uploads", contentType: "image/png" }))
      .toBe(IndreamHandlers.defaultMaxUploadBytes)
    expect(dialect.largerBodies?.({ method: "POST", url: "/indream/v1/projects", contentType: "application/json" })).toBeUndefined()
  })

  it("is what the server's fallback renders framework failures under /indream with: problem details", () => {
    const render = Fallback.renderer(Server.dialectErrors)
    expect(render("/indream/v1/nope", { status: 404, message: "No such route" })).toEqual({
      type: "NOT_FOUND",
      title: "Not found",
      status: 404,
      detail: "No such route",
      errorCode: "OPEN_API_ROUTE_NOT_FOUND"
    })
  })

  it("names an API key by a stable uuid that says nothing of the key", () => {
    const id = IndreamHandlers.apiKeyId("ek_secret")
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(IndreamHandlers.apiKeyId("ek_secret")).toBe(id)
    expect(IndreamHandlers.apiKeyId("ek_other")).not.toBe(id)
  })

  it("takes a state's duration from the end of its last item, and bills standard seconds", () => {
    const state = { timebaseTicksPerSecond: 240000, items: { a: { startTicks: 240000, durationTicks: 360000 }, b: { startTicks: 0, durationTicks: 120000 } } }
    expect(IndreamHandlers.durationSeconds(state)).toBe(2.5)
    expect(IndreamHandlers.billing(2.5, 30)).toEqual({ billedStandardSeconds: 3, chargedCredits: "3" })
    expect(IndreamHandlers.billing(2.5, 60)).toEqual({ billedStandardSeconds: 6, chargedCredits: "6" })
  })
})

/** Sends request headers declaring `length` body bytes and only a few of them; answers what the server says first. */
const declareLarge = (baseUrl: string, headers: Record<string, string>, length: number) =>
  Effect.async<string>((resume) => {
    const { hostname, port } = new URL(baseUrl)
    const socket = Net.connect(Number(port), hostname, () => {
      const lines = Object.entries({ ...headers, host: `${hostname}:${port}`, "content-length": String(length) })
        .map(([name, value]) => `${name}: ${value}`)
      socket.write(`POST /indream/v1/uploads HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n0123456789`)
    })
    let answer = ""
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8")
      if (answer.includes("\r\n\r\n") && answer.includes("}")) {
        socket.destroy()
        resume(Effect.succeed(answer))
      }
    })
    socket.on("error", (error) => resume(Effect.succeed(String(error))))
  })

layer(testServer(), { excludeTestServices: true })("Indream on the server", (it) => {
  it.effect("finds a request's organization by its x-api-key: a fault of one organization answers only its requests, in Indream's problem", () =>
    Effect.gen(function*() {
      const target = yield* makeIndreamOrg("fault-target")
      const bystander = yield* makeIndreamOrg("fault-bystander")
      const { adminToken } = yield* TestServer
      const added = yield* request("/__projectkit/faults", {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ dialect: "indream", organization: target.id, status: 503 })
      })
      expect(added.status).toBe(201)
      const faulted = yield* call(target, "GET", "/v1/projects")
      expect(faulted.status).toBe(503)
      expect(faulted.body).toMatchObject({ type: "SERVICE_UNAVAILABLE", status: 503, errorCode: "OPEN_API_SERVICE_UNAVAILABLE" })
      expect((yield* call(bystander, "GET", "/v1/projects")).status).toBe(200)
    }))

  it.effect("refuses an upload declared over the limit with a 413 problem before its body arrives", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("declared-large")
      const { baseUrl } = yield* TestServer
      const answer = yield* declareLarge(
        baseUrl,
        { "x-api-key": org.apiKey, "content-type": "video/mp4", "x-file-name": "huge.mp4" },
        IndreamHandlers.defaultMaxUploadBytes + 1
      )
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large")
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4).replace(/^[0-9a-f]+\r\n/, "").split("\r\n")[0]!) as unknown
      expect(body).toMatchObject({ status: 413, errorCode: "OPEN_API_PAYLOAD_TOO_LARGE", type: "PAYLOAD_TOO_LARGE" })
    }))
})
