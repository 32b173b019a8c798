/**
 * Recording through the server: a dialect given an upstream (`--proxy <dialect>=<base-url>`) is not
 * emulated; each of its requests is forwarded to the upstream (the real provider, or another
 * projectkit server) and the answer streamed back unchanged, status, headers and body, as
 * WireMock's recorder does. The forwarding sits behind `Traffic`'s observer, so every proxied
 * exchange is journaled (credentials masked) like an emulated one, and can be exported as HAR
 * (`Har.ts`). The dialect's docs (`/openapi.json`, `/docs`) stay the server's own.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import * as Https from "node:https"
import * as CompiledApi from "./compiled/CompiledApi.js"
import type * as Dialect from "./Dialect.js"
import * as Journal from "./Journal.js"

/** One dialect answered by an upstream: `dialect` is its name, `upstream` the base URL its paths are appended to. */
export interface Upstream {
  readonly dialect: string
  readonly upstream: string
}

export class ProxyConfigInvalid extends Schema.TaggedError<ProxyConfigInvalid>()("ProxyConfigInvalid", {
  message: Schema.String
}) {}

/**
 * `<dialect>=<base-url>` as the command line gives it, checked against the dialects served: an
 * unknown dialect or a URL that is not http(s) is refused with one sentence.
 */
export const parseUpstream = (
  text: string,
  served: ReadonlyArray<string>
): Effect.Effect<Upstream, ProxyConfigInvalid> => {
  const equals = text.indexOf("=")
  if (equals <= 0) {
    return Effect.fail(new ProxyConfigInvalid({ message: `--proxy ${text}: expected <dialect>=<upstream-base-url>` }))
  }
  const dialect = text.slice(0, equals)
  const upstream = text.slice(equals + 1).replace(/\/+$/, "")
  if (!served.includes(dialect)) {
    return Effect.fail(
      new ProxyConfigInvalid({ message: `--proxy ${text}: no dialect ${dialect} (served: ${served.join(", ")})` })
    )
  }
  let url: URL
  try {
    url = new URL(upstream)
  } catch {
    return Effect.fail(new ProxyConfigInvalid({ message: `--proxy ${text}: ${upstream} is not a URL` }))
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Effect.fail(new ProxyConfigInvalid({ message: `--proxy ${text}: the upstream must be http(s)` }))
  }
  return Effect.succeed({ dialect, upstream })
}

/** Headers that belong to one connection, never forwarded either way (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host"
])

/** `rawHeaders` (name, value, …) without the hop-by-hop ones and those in `dropped`, for `request`/`writeHead`. */
const forwardable = (raw: ReadonlyArray<string>, dropped?: string): Array<[string, string]> => {
  const kept: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    if (!hopByHop.has(name) && name !== dropped) kept.push([raw[i]!, raw[i + 1]!])
  }
  return kept
}

/**
 * Forwards `request` (under `dialect`'s prefix) to `upstream` and streams the answer back; an
 * upstream that cannot be reached is answered 502 in the dialect's own error format.
 */
const forward = (
  dialect: Dialect.Dialect,
  upstream: URL,
  request: Http.IncomingMessage,
  response: Http.ServerResponse
) => {
  const url = request.url ?? "/"
  const target = new URL(upstream.href)
  // The upstream's own base path, then the path under the dialect's prefix, then the query.
  target.pathname = `${upstream.pathname.replace(/\/+$/, "")}${url.slice(dialect.prefix.length).split("?")[0]}`
  const queryAt = url.indexOf("?")
  target.search = queryAt === -1 ? "" : url.slice(queryAt)
  const client = target.protocol === "https:" ? Https : Http
  const outgoing = client.request(target, {
    method: request.method ?? "GET",
    // Given as an array (names as the client spelled them), Node adds no Host of its own: the upstream's.
    // Without the client's Accept-Encoding the upstream answers uncompressed: the journal, and so
    // the recording, holds bodies as text (the client still gets exactly what the upstream sent).
    headers: [["host", target.host] as [string, string], ...forwardable(request.rawHeaders, "accept-encoding")].flat()
  }, (answer) => {
    if (response.headersSent || response.destroyed) return answer.resume()
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.rawHeaders).flat())
    answer.pipe(response)
  })
  outgoing.on("error", (error) => {
    if (response.headersSent) return response.destroy(error)
    const body = JSON.stringify(
      dialect.errors.body(502, `The upstream ${upstream.origin} could not be reached: ${error.message}`)
    )
    response.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    response.end(body)
  })
  // A client that goes away abandons the upstream request too.
  response.once("close", () => {
    if (!response.writableFinished) outgoing.destroy()
  })
  request.pipe(outgoing)
}

/**
 * The journal's settings when recording (upstreams given, or a HAR file to write): on, keeping
 * bodies whole up to 1 MB and at least 10,000 exchanges, as a recording is only as good as what
 * it kept; settings given explicitly larger stay.
 */
export const recordingJournal = (
  settings: Partial<Journal.JournalSettings> | undefined
): Partial<Journal.JournalSettings> => ({
  ...settings,
  enabled: true,
  size: Math.max(settings?.size ?? Journal.defaultSettings.size, 10_000),
  bodyBytes: Math.max(settings?.bodyBytes ?? 0, 1024 * 1024)
})

/**
 * The listener's observer with the proxied dialects' requests forwarded: `inner` (the traffic
 * observer: journal, faults, latency) still sees each first, and forwarding takes the place of
 * routing. Without upstreams, the observer is `inner` unchanged.
 */
export const layer = (dialects: ReadonlyArray<Dialect.Dialect>, upstreams: ReadonlyArray<Upstream>) =>
  Layer.effect(
    CompiledApi.Observer,
    Effect.gen(function*() {
      const inner = Option.getOrUndefined(yield* Effect.serviceOption(CompiledApi.Observer))
      const proxied = upstreams.flatMap((each) => {
        const dialect = dialects.find((candidate) => candidate.name === each.dialect)
        return dialect === undefined ? [] : [{ dialect, upstream: new URL(each.upstream) }]
      })
      if (proxied.length === 0 && inner !== undefined) return inner
      const proxiedOf = (path: string) =>
        proxied.find(({ dialect }) => path === dialect.prefix || path.startsWith(`${dialect.prefix}/`))
      return {
        active: () => true,
        observe: (request: Http.IncomingMessage, response: Http.ServerResponse, route: () => void) => {
          const url = request.url ?? "/"
          const path = url.split("?")[0]!
          const target = proxiedOf(path)
          const inDialect = target === undefined ? "" : path.slice(target.dialect.prefix.length)
          const next = target === undefined || inDialect === "/openapi.json" || inDialect === "/docs"
            ? route
            : () => forward(target.dialect, target.upstream, request, response)
          if (inner === undefined || !inner.active()) return next()
          inner.observe(request, response, next)
        }
      }
    })
  )
