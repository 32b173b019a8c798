/**
 * A webhook receiver for checks of webhook deliveries: an HTTP listener, for the run's duration, on
 * an address the server under test can reach (`--webhook-host`), recording every POST by path.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface Delivery {
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly json: unknown
}

export interface WebhookReceiver {
  /** A URL that records what is POSTed to it under `tag`. */
  readonly url: (tag: string) => string
  /** The deliveries to `tag` so far, waiting for the first up to the configured time. */
  readonly deliveries: (tag: string) => Effect.Effect<ReadonlyArray<Delivery>>
  /** How long `deliveries` waits, in milliseconds. */
  readonly waitMs: number
}

/**
 * Listens on `host` (port 0 unless given) until the scope closes. `publicHost` is the name the
 * server under test uses to reach it, when that differs from the listening address.
 */
export interface ReceiverOptions {
  readonly host: string
  readonly port?: number
  /** The name the server reaches `host` by, when it differs. */
  readonly publicHost?: string
  /** How long to wait for a delivery (default 30 s). */
  readonly waitMs?: number
}

export const make = (options: ReceiverOptions): Effect.Effect<
  WebhookReceiver,
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const received = new Map<string, Array<Delivery>>()
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof createServer>>((resume) => {
        const server = createServer((req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (chunk: Buffer) => chunks.push(chunk))
          req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8")
            let json: unknown = undefined
            try {
              json = JSON.parse(body)
            } catch {
              // recorded as text
            }
            const tag = (req.url ?? "/").replace(/^\/hooks\//, "").split("?")[0] ?? ""
            received.set(tag, [...(received.get(tag) ?? []), { headers: req.headers, body, json }])
            res.writeHead(204)
            res.end()
          })
        })
        server.listen(options.port ?? 0, options.host, () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const { port } = server.address() as AddressInfo
    const host = options.publicHost ?? options.host
    return {
      url: (tag) => `http://${host.includes(":") ? `[${host}]` : host}:${port}/hooks/${tag}`,
      waitMs: options.waitMs ?? 30_000,
      deliveries: (tag) =>
        Effect.gen(function*() {
          const deadline = Date.now() + (options.waitMs ?? 30_000)
          while ((received.get(tag) ?? []).length === 0 && Date.now() < deadline) yield* Effect.sleep("50 millis")
          return received.get(tag) ?? []
        })
    }
  })
