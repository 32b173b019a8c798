/**
 * Large responses of the platform's router (the docs pages, ~2 MB of inlined Swagger UI each, and
 * the OpenAPI documents) sent compressed to clients that accept it. Those responses are made once
 * and answered as the same object every time, so each is compressed once and the bytes are kept
 * with it. The compiled routes' small JSON answers never come here.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Zlib from "node:zlib"
import { withRequest } from "./withRequest.js"

/** Below this many bytes compressing saves too little to be worth a request's time. */
const smallestCompressed = 16 * 1024

type Encoding = "br" | "gzip"

/** The encoding `acceptEncoding` allows, brotli first (a third smaller than gzip for Swagger UI). */
const chosenEncoding = (acceptEncoding: string | undefined): Encoding | undefined => {
  if (acceptEncoding === undefined) return undefined
  const accepted = new Map<string, number>()
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...parameters] = part.trim().split(";")
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="))
    accepted.set(name!.trim(), q === undefined ? 1 : Number(q.slice(2)))
  }
  const allows = (encoding: Encoding) => (accepted.get(encoding) ?? accepted.get("*") ?? 0) > 0
  return allows("br") ? "br" : allows("gzip") ? "gzip" : undefined
}

const compress = (encoding: Encoding, bytes: Uint8Array): Uint8Array =>
  encoding === "br"
    ? Zlib.brotliCompressSync(bytes, {
      // Quality 9: within a few percent of the maximum, in a fraction of its time (once per page).
      params: { [Zlib.constants.BROTLI_PARAM_QUALITY]: 9, [Zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength }
    })
    : Zlib.gzipSync(bytes, { level: 9 })

/** Middleware compressing the docs pages and OpenAPI documents for clients that accept br or gzip. */
export const layer = HttpApiBuilder.middleware((app) =>
  withRequest((request) => {
    // Only the documents made once at start (the Studio's files too): an API answer is small, and made anew each time.
    const path = request.url.split("?", 1)[0]!
    if (!(path.endsWith("/docs") || path.endsWith("/openapi.json") || path.startsWith("/__projectkit/studio"))) return app
    const encoding = chosenEncoding(request.headers["accept-encoding"])
    if (encoding === undefined) return app
    return Effect.map(app, (response) => {
      const body = response.body
      if (body._tag !== "Uint8Array" || body.body.byteLength < smallestCompressed) return response
      if (response.headers["content-encoding"] !== undefined) return response
      let kept = compressed.get(body)
      if (kept === undefined) {
        kept = {}
        compressed.set(body, kept)
      }
      const bytes = kept[encoding] ??= compress(encoding, body.body)
      return HttpServerResponse.uint8Array(bytes, {
        status: response.status,
        headers: { ...response.headers, "content-encoding": encoding, vary: "accept-encoding" },
        contentType: body.contentType
      })
    })
  })
)

/** Compressed bytes per body object: each docs page and OpenAPI document is one object, made at start. */
const compressed = new WeakMap<object, { br?: Uint8Array; gzip?: Uint8Array }>()
