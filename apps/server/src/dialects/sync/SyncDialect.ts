/**
 * The sync.so dialect as one unit: mounted under `/sync`, its contract (`SyncApi`: which routes it
 * has), its errors both ways (`SyncErrors.table`: how each one looks on the wire), its tables, the
 * API key each user is issued, its flags and banner lines, and the Layer that serves it (handlers,
 * `x-api-key` authentication through `Organizations`, storage and the generation lifecycle).
 */
import { SyncApi, SyncErrors } from "@projectkit/sync"
import * as Duration from "effect/Duration"
import * as Crypto from "node:crypto"
import type * as Dialect from "../../Dialect.js"
import * as AssetUploads from "./AssetUploads.js"
import * as GenerationLifecycle from "./GenerationLifecycle.js"
import * as GenerationUploads from "./GenerationUploads.js"
import { migrations } from "./Migrations.js"
import { syncKey } from "./SyncAuthentication.js"
import * as SyncHandlers from "./SyncHandlers.js"
import { prefix } from "./SyncMounted.js"
import * as SyncStudio from "./SyncStudio.js"

/** How long a generation stays PENDING, then PROCESSING, unless told (`--generation-*-ms`). */
const pendingMs = 1000
const processingMs = 3000

/**
 * sync.so's webhook signature (https://sync.so/docs/api-reference/guides/webhooks, "Verify webhook
 * signatures"): `Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<JSON payload>">`,
 * keyed by the signing secret string as given (`whsec_…`, not decoded). No other signing header.
 */
export const signSync = (secret: string, timestampSeconds: number, body: string) => ({
  "sync-signature": `t=${timestampSeconds},v1=${
    Crypto.createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")
  }`
})

export const dialect: Dialect.Dialect<GenerationLifecycle.LifecycleConfig, "generations", "sync", "apiKey"> = {
  name: "sync",
  prefix,
  contract: SyncApi.SyncApi,
  errors: SyncErrors.table,
  migrations,
  webhookSigner: (secret, _id, timestampSeconds, body) => signSync(secret, timestampSeconds, body),
  credential: { field: "apiKey" },
  issueCredential: syncKey,
  studio: SyncStudio.studio,
  credentialOf: (headers) => {
    const key = headers["x-api-key"]
    return typeof key === "string" ? key : undefined
  },
  // Parents first. `sync_projects_search` (SQLite's name index) follows its table through triggers.
  tables: [
    { name: "sync_projects", key: ["id"], owner: "org_id" },
    { name: "sync_assets", key: ["id"], owner: "org_id" },
    { name: "sync_generations", key: ["id"], owner: "org_id" },
    { name: "sync_batches", key: ["id"], owner: "org_id" },
    { name: "sync_batch_lines", key: ["batch_id", "line"], owner: { column: "batch_id", parent: "sync_batches" } },
    { name: "sync_uploads", key: ["id"], owner: "org_id" },
    { name: "sync_upload_chunks", key: ["upload_id", "seq"], owner: { column: "upload_id", parent: "sync_uploads" } }
  ],
  // A multipart generation carries up to three files below 20 MB each, a batch a file of 5 MB: each
  // route's own limit holds, whatever the server's (`--max-body-bytes`, 16 MB by default).
  largerBodies: (request) =>
    GenerationUploads.largerBodies(request) ?? SyncHandlers.batchBodies(request) ?? AssetUploads.largerBodies(request),
  // How long generations (and batches) stay in each state.
  configKey: "generations",
  layer: (lifecycle) => SyncHandlers.layer(lifecycle),
  flags: {
    options: [
      {
        name: "generation-pending-ms",
        description: "How long a sync.so generation stays PENDING, in milliseconds",
        default: pendingMs
      },
      {
        name: "generation-processing-ms",
        description: "How long a sync.so generation stays PROCESSING, in milliseconds",
        default: processingMs
      }
    ],
    toConfig: (values) => ({
      ...GenerationLifecycle.defaultLifecycle,
      pending: Duration.millis(values["generation-pending-ms"] ?? pendingMs),
      processing: Duration.millis(values["generation-processing-ms"] ?? processingMs)
    })
  },
  banner: {
    url: (base) => `  sync.so     ${base}/sync      (OpenAPI: ${base}/sync/openapi.json, docs: ${base}/sync/docs)`,
    demoCredential: (apiKey) => `  demo sync.so key    ${apiKey}`,
    tryIt: (base, apiKey = "<sync.so key>") => [
      `  curl -s -X POST ${base}/sync/v2/projects -H "x-api-key: ${apiKey}" -H "Content-Type: application/json" -d '{"name":"My API Project"}'`,
      `  curl -s ${base}/sync/v2/projects -H "x-api-key: ${apiKey}"`
    ]
  }
}

/** Every handler of the dialect, its authentication, storage and generation worker, timed by `lifecycle`. */
export const layer = SyncHandlers.layer
