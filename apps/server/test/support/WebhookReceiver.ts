/**
 * A webhook receiver on a free loopback port for the lifetime of the scope, recording every
 * delivery; the first `failFirst` get a 500, so the server's retries can be seen. And the signature
 * a delivery must carry (Standard Webhooks, as apps/server/src/Webhooks.ts signs).
 */
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import { request, TestServer } from "./TestServer.js"

export interface Delivery {
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  /** What the receiver answered. */
  readonly status: number
}

/**
 * How many of the organization's webhook deliveries are still to be attempted, from its snapshot:
 * at 0, nothing more can arrive (what a test waits for before counting deliveries).
 */
export const pendingDeliveries = (orgId: string) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const snapshot = yield* request(`/__projectkit/export?org=${orgId}`, { headers: { authorization: `Bearer ${adminToken}` } })
    const deliveries = (snapshot.body as { tables: { webhook_deliveries: ReadonlyArray<{ status: string }> } }).tables.webhook_deliveries
    return deliveries.filter((delivery) => delivery.status === "pending").length
  })

export const receiver = (failFirst: number) =>
  Effect.gen(function*() {
    const received: Array<Delivery> = []
    const server = yield* Effect.acquireRelease(
      Effect.async<Http.Server>((resume) => {
        const server = Http.createServer((req, res) => {
          let body = ""
          req.on("data", (chunk) => (body += chunk))
          req.on("end", () => {
            const status = received.length < failFirst ? 500 : 204
            received.push({ headers: req.headers, body, status })
            res.writeHead(status).end()
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
    )
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received }
  })

/** The `webhook-signature` header `delivery` must carry when signed with `secret`. */
export const expectedSignature = (secret: string, delivery: Delivery): string => {
  const id = delivery.headers["webhook-id"] as string
  const timestamp = delivery.headers["webhook-timestamp"] as string
  return `v1,${Crypto.createHmac("sha256", secret).update(`${id}.${timestamp}.${delivery.body}`).digest("base64")}`
}
