/**
 * Every request to a dialect, as it arrives, before it is routed (compiled or not): recorded in
 * the journal (headers with credentials masked), told to the Studio's open event streams when it
 * changed data, delayed by the server's latency and a matching fault's, or answered by that fault
 * instead of its handler. The control plane's own requests pass untouched.
 *
 * While the journal is off, no fault is held, no latency is set and no Studio listens for changes,
 * the listener does not call in here at all (`CompiledApi.Observer.active`).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import type * as Http from "node:http"
import * as CompiledApi from "./compiled/CompiledApi.js"
import type * as Dialect from "./Dialect.js"
import * as Faults from "./Faults.js"
import * as Masking from "./internal/masking.js"
import * as Journal from "./Journal.js"
import { Organizations } from "./Organizations.js"
import { StudioEvents } from "./StudioEvents.js"

export interface TrafficConfig {
  /** Milliseconds added before every dialect request is handled (`--latency-ms`); 0 by default. */
  readonly latencyMs?: number | undefined
}

/** Why an injected fault answered, in the dialect's error body. */
const faultMessage = (status: number, id: string) => `Injected fault ${id} (status ${status})`

/** Methods whose success may have changed data: what the Studio's event stream reports. */
const readOnly = new Set(["GET", "HEAD", "OPTIONS"])

/** The request id a client sent, or a new one: a per-process prefix and a counter. */
const requestIds = () => {
  const prefix = `req_${Date.now().toString(36)}_`
  let counter = 0
  return (headers: Http.IncomingHttpHeaders): string => {
    const sent = headers["x-request-id"]
    return typeof sent === "string" && sent.length > 0 && sent.length <= 200 ? sent : `${prefix}${(++counter).toString(36)}`
  }
}

/**
 * Keeps up to `limit` bytes of what `request` is read for and `response` writes, without changing
 * either: the request's `data` events are seen as its consumer reads them (whenever that is), the
 * response's chunks as they are written.
 */
const captureBodies = (request: Http.IncomingMessage, response: Http.ServerResponse, limit: number) => {
  const requestChunks: Array<Buffer> = []
  const responseChunks: Array<Buffer> = []
  let requestBytes = 0
  let responseBytes = 0
  let truncated = false
  const keep = (chunks: Array<Buffer>, held: number, chunk: unknown, encoding?: unknown): number => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return held
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
      ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      : Buffer.from(String(chunk), typeof encoding === "string" ? encoding as BufferEncoding : "utf8")
    if (held >= limit) {
      if (bytes.byteLength > 0) truncated = true
      return held
    }
    if (held + bytes.byteLength > limit) truncated = true
    const kept = bytes.subarray(0, limit - held)
    chunks.push(kept)
    return held + kept.byteLength
  }
  const emit = request.emit
  request.emit = function(this: Http.IncomingMessage, event: string | symbol, ...args: Array<unknown>) {
    if (event === "data") requestBytes = keep(requestChunks, requestBytes, args[0])
    return emit.call(this, event, ...args)
  } as typeof request.emit
  const write = response.write
  response.write = function(this: Http.ServerResponse, chunk: unknown, ...rest: Array<unknown>) {
    responseBytes = keep(responseChunks, responseBytes, chunk, rest[0])
    return (write as (...args: Array<unknown>) => boolean).call(this, chunk, ...rest)
  } as typeof response.write
  const end = response.end
  response.end = function(this: Http.ServerResponse, chunk?: unknown, ...rest: Array<unknown>) {
    responseBytes = keep(responseChunks, responseBytes, chunk, rest[0])
    return (end as (...args: Array<unknown>) => Http.ServerResponse).call(this, chunk, ...rest)
  } as typeof response.end
  return () => ({
    requestBody: Buffer.concat(requestChunks).toString("utf8"),
    responseBody: Buffer.concat(responseChunks).toString("utf8"),
    bodiesTruncated: truncated
  })
}

export const layer = (dialects: ReadonlyArray<Dialect.Dialect>, config: TrafficConfig = {}) =>
  Layer.effect(
    CompiledApi.Observer,
    Effect.gen(function*() {
      const journal = yield* Journal.Journal
      const faults = yield* Faults.Faults
      const events = yield* StudioEvents
      const organizations = yield* Organizations
      const runtime = yield* Effect.runtime<never>()
      const latencyMs = config.latencyMs ?? 0
      const nextRequestId = requestIds()
      const recordHeaders = Masking.makeRequestHeaders()
      /** Tells the Studio's streams of a change once `response` went out with a success. */
      const tellWhenSucceeded = (response: Http.ServerResponse) =>
        response.once("close", () => response.headersSent && response.statusCode < 400 && events.dataChanged())
      // Longest prefix first; the control plane is matched before any dialect.
      const mounted = [...dialects].sort((a, b) => b.prefix.length - a.prefix.length)
      const dialectOf = (path: string) =>
        mounted.find((dialect) => path === dialect.prefix || path.startsWith(`${dialect.prefix}/`))

      /** The organization `dialect`'s credential in `headers` belongs to (a cached lookup, usually). */
      const organizationOf = (dialect: Dialect.Dialect, headers: Http.IncomingHttpHeaders): Promise<string | undefined> => {
        const secret = dialect.credentialOf?.(headers)
        if (secret === undefined || secret === "") return Promise.resolve(undefined)
        return Runtime.runPromise(runtime)(
          organizations.authenticate(dialect.name, secret).pipe(
            Effect.map(Option.match({ onNone: () => undefined, onSome: (caller) => caller.orgId })),
            Effect.orElseSucceed(() => undefined)
          )
        )
      }

      const answerFault = (response: Http.ServerResponse, dialect: Dialect.Dialect, fault: Faults.Fault) => {
        const status = fault.status!
        const body = JSON.stringify(fault.body !== undefined ? fault.body : dialect.errors.body(status, faultMessage(status, fault.id)))
        const headers: Record<string, string | number> = {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-projectkit-fault": fault.id
        }
        if (status === 429 || status === 503) headers["retry-after"] = fault.retryAfterSeconds ?? 1
        response.writeHead(status, headers)
        response.end(body)
      }

      const observe = (request: Http.IncomingMessage, response: Http.ServerResponse, route: () => void) => {
        const url = request.url ?? "/"
        const queryAt = url.indexOf("?")
        const path = queryAt === -1 ? url : url.slice(0, queryAt)
        const dialect = dialectOf(path)
        const method = request.method ?? "GET"
        // Whether an open Studio is to hear of this request's success (a change of data).
        const tells = events.watching() && !readOnly.has(method)
        // The control plane and the home page: never journaled, delayed nor faulted.
        if (dialect === undefined) {
          // (The Studio's own ticket requests change nothing it shows.)
          if (tells && !path.startsWith("/__projectkit/studio/")) tellWhenSucceeded(response)
          return route()
        }
        const pathInDialect = path.slice(dialect.prefix.length) || "/"
        // Nor a dialect's docs: they are the emulator's pages, not the provider's API.
        if (pathInDialect === "/docs" || pathInDialect === "/openapi.json") return route()
        const started = performance.now()
        const entry: Journal.PendingEntry | undefined = journal.enabled()
          ? {
            requestId: nextRequestId(request.headers),
            time: new Date().toISOString(),
            dialect: dialect.name,
            organization: null,
            method,
            path,
            query: queryAt === -1 ? "" : Masking.maskQuery(url.slice(queryAt + 1)),
            status: 0,
            durationMs: 0,
            fault: null
          }
          : undefined
        if (entry !== undefined) {
          response.setHeader("x-request-id", entry.requestId)
          const bodyBytes = journal.settings().bodyBytes
          const bodies = bodyBytes > 0 ? captureBodies(request, response, bodyBytes) : undefined
          // Masked now: the raw values are never kept, not even while the request is under way.
          const sent = recordHeaders(request.rawHeaders)
          entry.requestHeaders = sent.headers
          response.once("close", () => {
            entry.status = response.headersSent ? response.statusCode : 0
            entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000
            const answered = Masking.responseHeaders(response.getHeaders())
            entry.responseHeaders = answered.headers
            if (sent.truncated || answered.truncated) entry.headersTruncated = true
            if (bodies !== undefined) Object.assign(entry, bodies())
            journal.record(entry)
            events.journalAppended()
            if (tells && entry.status !== 0 && entry.status < 400) events.dataChanged()
          })
        } else if (tells) {
          tellWhenSucceeded(response)
        }
        const proceed = (organization: string | undefined) => {
          if (entry !== undefined && organization !== undefined) entry.organization = organization
          const fault = faults.any() ? faults.take(dialect.name, method, pathInDialect, organization) : undefined
          if (entry !== undefined && fault !== undefined) entry.fault = fault.id
          const delay = latencyMs + (fault?.latencyMs ?? 0)
          const act = fault?.status !== undefined ? () => answerFault(response, dialect, fault) : route
          if (delay <= 0) return act()
          const timer = setTimeout(act, delay)
          // A client that gives up while delayed is not answered.
          response.once("close", () => clearTimeout(timer))
        }
        const needsOrganization = faults.any() && faults.needsOrganization(dialect.name, method, pathInDialect)
        if (!needsOrganization && entry === undefined) return proceed(undefined)
        const organization = organizationOf(dialect, request.headers)
        if (needsOrganization) {
          // A fault of one organization: its requests are matched once it is known.
          void organization.then(proceed)
        } else {
          // The journal alone: the request goes on, the organization is filled in when found.
          void organization.then((found) => {
            if (entry !== undefined && found !== undefined) entry.organization = found
          })
          proceed(undefined)
        }
      }

      return {
        active: () => latencyMs > 0 || journal.enabled() || faults.any() || events.watching(),
        observe
      }
    })
  )
