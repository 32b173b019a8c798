/**
 * A TCP proxy the test switches, to put a database out of reach without stopping it: forward,
 * refuse (cut), or swallow everything (blackhole).
 */
import * as Effect from "effect/Effect"
import * as Net from "node:net"
import * as TestDatabase from "./TestDatabase.js"

/** A TCP proxy to `target` whose behaviour the test switches: forward, refuse, or swallow everything. */
export const proxy = (target: URL) =>
  Effect.acquireRelease(
    Effect.async<{ readonly port: number; mode: "forward" | "cut" | "blackhole"; readonly cutAll: () => void; readonly close: () => void }>(
      (resume) => {
        const sockets = new Set<Net.Socket>()
        const state = {
          port: 0,
          mode: "forward" as "forward" | "cut" | "blackhole",
          cutAll: () => {
            for (const socket of sockets) socket.destroy()
          },
          close: () => {
            state.cutAll()
            server.close()
          }
        }
        const server = Net.createServer((client) => {
          sockets.add(client)
          client.on("close", () => sockets.delete(client))
          client.on("error", () => client.destroy())
          if (state.mode === "cut") return client.destroy()
          if (state.mode === "blackhole") return
          const upstream = Net.connect(Number(target.port || 5432), target.hostname)
          sockets.add(upstream)
          upstream.on("close", () => sockets.delete(upstream))
          upstream.on("error", () => client.destroy())
          client.pipe(upstream).pipe(client)
        })
        server.listen(0, "127.0.0.1", () => {
          state.port = (server.address() as Net.AddressInfo).port
          resume(Effect.succeed(state))
        })
      }
    ),
    (state) => Effect.sync(() => state.close())
  )

/** A fresh PostgreSQL schema at `postgresUrl`, reached through a proxy: the proxy, and the URL that goes through it. */
export const proxiedSchema = (postgresUrl: string) =>
  Effect.gen(function*() {
    const url = new URL(yield* TestDatabase.freshSchema(postgresUrl))
    const through = yield* proxy(url)
    const proxied = new URL(url)
    proxied.hostname = "127.0.0.1"
    proxied.port = String(through.port)
    return { through, url: proxied.toString() }
  })
