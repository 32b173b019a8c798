/**
 * sync.so for plain TypeScript: `createSyncClient({ baseUrl, apiKey })`, built on `SyncClient` (one
 * `ManagedRuntime` per client). `client.projects` is the neutral projects service, the same on
 * every adapter; `client.sync` is every call of `SyncClient` — projects in sync.so's own terms,
 * generations, assets, models — with the same names and arguments, answering Promises of plain
 * values (times as ISO strings) and `AsyncIterable`s for its `stream`s. Errors reject as the core
 * errors themselves (`InvalidReference` for a 422, …). See `PromiseClient` in `@projectkit/core`.
 */
import type * as PromiseClient from "@projectkit/core/PromiseClient"
import { PromiseAdapter } from "@projectkit/http"
import * as SyncClient from "./SyncClient.js"

export interface SyncClientOptions extends PromiseAdapter.ClientOptions {
  /** The `x-api-key`. */
  readonly apiKey: string
  /** `https://api.sync.so` unless given; the reference server's is `http://localhost:4000/sync`. */
  readonly baseUrl?: string | undefined
}

/** `client.projects` (neutral), `client.sync` (all of `SyncClient`), `close()`. */
export type SyncPromiseClient = PromiseAdapter.Client<"sync", SyncClient.SyncClientService>

/** `SyncClientService`, member by member (the compiler holds this to the service's exact shape). */
export const shape: PromiseClient.Shape<SyncClient.SyncClientService> = {
  projects: { create: 1, get: 1, update: 2, delete: 1, attachAsset: 2, list: 1, stream: ["stream", 1] },
  generations: { create: 1, get: 1, delete: 1, downloadUrl: 1, list: 1, estimateCost: 1, createWithFiles: 1 },
  batches: { create: 1, get: 1, list: 1, results: 1 },
  assets: {
    create: 1,
    get: 1,
    list: 1,
    stream: ["stream", 1],
    createUpload: 1,
    upload: 2,
    update: 2,
    delete: 1,
    downloadUrl: 1,
    findUploaded: 2
  },
  models: { list: "effect" },
  errors: { list: "effect" }
}

/**
 * A sync.so client for Promise users.
 *
 * ```ts
 * const client = createSyncClient({ apiKey: process.env.SYNC_API_KEY! })
 * const project = await client.projects.create({ name: "Launch" })
 * for await (const each of client.projects.list()) console.log(each.name)
 * await client.sync.generations.create({ model: "lipsync-2", projectId: project.id, input: [...] })
 * await client.close()
 * ```
 */
export const createSyncClient = (options: SyncClientOptions): SyncPromiseClient =>
  PromiseAdapter.make({
    name: "sync",
    tag: SyncClient.SyncClient,
    shape,
    layer: (retryPolicy) => SyncClient.layer({ apiKey: options.apiKey, baseUrl: options.baseUrl, retryPolicy })
  }, options).client
