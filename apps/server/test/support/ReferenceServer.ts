/**
 * The reference server for the adapters' Promise clients and README examples, which are plain
 * Promise code: the test server (`TestServer.ts`: SQLite in memory or a fresh PostgreSQL schema,
 * either router) started before a file's tests with one organization, and stopped after them.
 * The one setup every adapter's tests use (they live here, beside the server they need, so no
 * package's tests depend on the server's build).
 */
import type { BaseClient } from "@projectkit/core/PromiseClient"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll } from "vitest"
import * as TestServer from "./TestServer.js"

export interface ReferenceServer {
  readonly url: string
  readonly credentials: TestServer.CreatedOrganization["credentials"]
}

/** Starts the server around the calling file's tests; the answer reads it once they run. */
export const useReferenceServer = (): (() => ReferenceServer) => {
  const runtime = ManagedRuntime.make(TestServer.layer())
  let started: ReferenceServer | undefined
  beforeAll(async () => {
    const { baseUrl } = await runtime.runPromise(TestServer.TestServer)
    const organization = await runtime.runPromise(TestServer.createOrganization("adapters"))
    started = { url: baseUrl, credentials: organization.credentials }
  })
  afterAll(() => runtime.dispose())
  return () => {
    if (started === undefined) throw new Error("the reference server starts in the file's beforeAll: read it inside a test")
    return started
  }
}

/** A Promise client made once the server is up (by `make`), and closed after the file's tests. */
export const useClient = <Client extends BaseClient>(make: () => Client): (() => Client) => {
  let client: Client | undefined
  beforeAll(() => {
    client = make()
  })
  afterAll(() => client?.close())
  return () => {
    if (client === undefined) throw new Error("the client is made in the file's beforeAll: use it inside a test")
    return client
  }
}
