/**
 * The contract fixture (contractServer.ts) on a real socket, for code that only takes a base URL
 * (the README's examples): each Node request handed to the fixture's `fetch` as a web `Request`.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { makeFixture } from "./contractServer.js"

export const serveFixture = async () => {
  const fixture = makeFixture()
  const server = Http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(name, value)
      }
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks)
      fixture.fetch(new Request(`http://fixture${request.url}`, { method: request.method!, headers, ...(body === undefined ? {} : { body }) }))
        .then(async (answer) => {
          response.writeHead(answer.status, Object.fromEntries(answer.headers))
          response.end(Buffer.from(await answer.arrayBuffer()))
        }, (error: unknown) => response.writeHead(500).end(String(error)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await fixture.dispose()
  }
  return { url, fixture: fixture.fixture, close }
}
