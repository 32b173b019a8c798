/**
 * Connections are bounded (issue 14: with Node's defaults slow-body connections lived 300 s and
 * ~20,000 half-open ones exhausted the file limit): slow and silent clients are cut at their
 * deadline, a client past the connection cap is closed on arrival, and meanwhile a normal client
 * is answered as usual.
 */
import { expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import * as Net from "node:net"
import { request, TestServer, layer as testServer } from "./support/TestServer.js"

const limits = { maxConnections: 40, headersTimeoutMs: 600, requestTimeoutMs: 1_500, keepAliveTimeoutMs: 500 }

interface Probe {
  readonly socket: Net.Socket
  /** When the server closed it, in ms after it was opened; undefined while open. */
  closedAfter: number | undefined
}

/** A connection to `port` that sends `start` and then a byte every `dripMs` (never finishing). */
const slowClient = (port: number, start: string, dripMs: number): Probe => {
  const socket = Net.connect(port, "127.0.0.1")
  const opened = Date.now()
  const probe: Probe = { socket, closedAfter: undefined }
  socket.on("error", () => undefined)
  // What the server sends is read: a 408 it writes before closing (Node's own deadline check, when
  // it comes before the server's) would otherwise sit unread, and the end behind it never be seen.
  socket.resume()
  socket.on("close", () => {
    probe.closedAfter = Date.now() - opened
    clearInterval(drip)
  })
  socket.on("connect", () => socket.write(start))
  const drip = setInterval(() => {
    if (!socket.destroyed) socket.write("x")
  }, dripMs)
  return probe
}

/** How many of `probes` the server has not closed yet. */
const stillOpen = (probes: ReadonlyArray<Probe>) =>
  Effect.sync(() => probes.filter((probe) => probe.closedAfter === undefined).length)

layer(testServer({ connections: limits }), { excludeTestServices: true })("connection limits", (it) => {
  it.effect("slow and silent clients are cut at their deadline while a normal client is answered", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* TestServer
      const port = Number(new URL(baseUrl).port)
      const probes = [
        // Headers sent a byte at a time, forever (slowloris).
        ...Array.from({ length: 10 }, () => slowClient(port, "GET /sync/v2/projects HTTP/1.1\r\nHost: x\r\nX-Slow: ", 100)),
        // A body promised and sent a byte at a time.
        ...Array.from({ length: 10 }, () =>
          slowClient(port, "POST /sync/v2/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", 100)
        ),
        // Connected, silent.
        ...Array.from({ length: 10 }, () => slowClient(port, "", 1_000_000))
      ]
      // Meanwhile a normal client gets its answers at once.
      for (let i = 0; i < 5; i++) {
        const started = Date.now()
        expect((yield* request("/__projectkit/health")).status).toBe(200)
        expect(Date.now() - started).toBeLessThan(500)
        yield* Effect.sleep("100 millis")
      }
      // Every slow client is cut near its deadline, not after Node's 300 s. Waited for up to 10 s,
      // with a margin of seconds: a loaded machine runs the server's checks late, never minutes late.
      yield* eventually(stillOpen(probes), { until: (open) => open === 0, every: "50 millis", what: "every slow client cut" })
      for (const probe of probes) expect(probe.closedAfter).toBeLessThan(limits.requestTimeoutMs + 3_000)
    }), 30_000)

  it.effect("a connection's first request answered after the headers' deadline is answered, not cut", () =>
    Effect.gen(function*() {
      const { adminToken, baseUrl } = yield* TestServer
      const control = (method: string, body?: unknown) =>
        Effect.promise(() =>
          fetch(`${baseUrl}/__projectkit/faults`, {
            method,
            headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })
        )
      // The silent-client deadline is an idle timeout until the first request: past it, a slow
      // answer (here a fault's latency, twice the headers' deadline) must still reach its client.
      yield* control("POST", { dialect: "sync", latencyMs: limits.headersTimeoutMs * 2 })
      const status = yield* Effect.promise(() =>
        new Promise<number | string>((resolve) => {
          // A connection of its own (no agent): its first request is this one.
          const sent = Http.get({ host: "127.0.0.1", port: Number(new URL(baseUrl).port), path: "/sync/v2/projects", agent: false }, (response) => {
            response.resume()
            response.on("end", () => resolve(response.statusCode ?? "no status"))
          })
          sent.on("error", (cause: NodeJS.ErrnoException) => resolve(cause.code ?? "error"))
        })
      )
      yield* control("DELETE")
      expect(status).toBe(401)
    }), 30_000)

  it.effect("a connection past the cap is closed on arrival; once slots free up, clients are served again", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* TestServer
      const port = Number(new URL(baseUrl).port)
      const probes = Array.from({ length: limits.maxConnections + 10 }, () => slowClient(port, "", 1_000_000))
      // The server holds at most its cap: the rest were closed on arrival, long before any deadline.
      yield* eventually(stillOpen(probes), { until: (open) => open <= limits.maxConnections, every: "10 millis" })
      const closedEarly = probes.filter((probe) => probe.closedAfter !== undefined && probe.closedAfter < 300)
      expect(closedEarly.length).toBeGreaterThanOrEqual(10)
      // Once the silent ones are cut, a normal client is served.
      yield* eventually(stillOpen(probes), { until: (open) => open === 0, every: "50 millis" })
      expect((yield* request("/__projectkit/health")).status).toBe(200)
      for (const probe of probes) probe.socket.destroy()
    }), 30_000)
})
