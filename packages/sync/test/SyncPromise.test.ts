/**
 * `createSyncClient`'s options (`fetch`, `timeoutMs`, `retry`, a signal per call) against a scripted
 * server. Its calls against the reference server are tested beside the server
 * (`apps/server/test/adapters/SyncPromise.test.ts`, with the Promise client contract).
 */
import { describe, expect, it } from "@effect/vitest"
import { eventuallyPromise } from "@projectkit/core/Eventually"
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import * as Http from "node:http"
import { createSyncClient, ProjectsError } from "../src/index.js"

/** A server answering each request with the next scripted answer (`"hang"`: never); counts requests. */
const scripted = async (answers: ReadonlyArray<{ status: number; body: unknown } | "hang">) => {
  let seen = 0
  const aborted: Array<number> = []
  const http = Http.createServer((req, res) => {
    const index = seen++
    const answer = answers[Math.min(index, answers.length - 1)]!
    req.resume()
    if (answer === "hang") {
      res.on("close", () => aborted.push(index))
      return
    }
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const { port } = http.address() as { port: number }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen: () => seen,
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
  }
}

const models = [{ id: "lipsync-2", name: "lipsync-2", type: "lipsync", version: "2" }]
const unavailable = { status: 503, body: { statusCode: 503, message: "down" } }

describe("createSyncClient options", () => {
  it("sends through the fetch given", async () => {
    const stub = await scripted([{ status: 200, body: models }])
    const urls: Array<string> = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return globalThis.fetch(input, init)
    }
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", fetch })
    expect(await sync.sync.models.list()).toEqual(models)
    expect(urls).toEqual([`${stub.baseUrl}/v2/models`])
    await stub.close()
  })

  it("retry: attempts bounds the requests of one call; false sends one", async () => {
    const stub = await scripted([unavailable])
    await using three = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", retry: { attempts: 3 } })
    expect(await rejectionOf(three.sync.models.list())).toMatchObject({ _tag: "ProviderFailure", status: 503 })
    expect(stub.seen()).toBe(3)
    await using none = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", retry: false })
    expect(await rejectionOf(none.sync.models.list())).toBeInstanceOf(ProjectsError.ProviderFailure)
    expect(stub.seen()).toBe(4)
    expect(() => createSyncClient({ apiKey: "k", retry: { attempts: 0 } })).toThrow(RangeError)
    await stub.close()
  })

  it("timeoutMs fails an attempt that gets no answer as a transport failure, and a GET is tried again", async () => {
    const stub = await scripted(["hang", { status: 200, body: models }])
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", timeoutMs: 200 })
    expect(await sync.sync.models.list()).toEqual(models)
    expect(stub.seen()).toBe(2)

    const hanging = await scripted(["hang"])
    await using once = createSyncClient({ baseUrl: hanging.baseUrl, apiKey: "k", timeoutMs: 100, retry: false })
    const error = await rejectionOf(once.sync.models.list())
    expect(error).toBeInstanceOf(ProjectsError.ProviderFailure)
    expect(error).toMatchObject({ status: 0 })
    expect((error as Error).message).toContain("no response within 100 ms")
    await Promise.all([stub.close(), hanging.close()])
  })

  it("an AbortSignal cancels the request and rejects with its reason", async () => {
    const stub = await scripted(["hang"])
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k" })
    const controller = new AbortController()
    const pending = rejectionOf(sync.projects.get("p1", { signal: controller.signal }))
    // Aborted once the request reached the server, not before it was sent.
    await eventuallyPromise(() => expect(stub.seen()).toBe(1))
    controller.abort()
    expect(await pending).toBe(controller.signal.reason)
    // The request itself was cancelled: the server saw its connection close.
    await eventuallyPromise(() => expect(stub.aborted).toEqual([0]))
    await sync.close()
    expect(String(await rejectionOf(sync.projects.get("p1")))).toContain("closed")
    await stub.close()
  })
})
