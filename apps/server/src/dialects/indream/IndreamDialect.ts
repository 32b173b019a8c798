/**
 * The Indream dialect as the server mounts it: Indream's Open API v1 under `/indream`, its
 * problem-details errors from `@projectkit/indream`'s table, its tables (uploaded files' bytes
 * included, so snapshots, resets and deletes cover them), the API key each user is issued, the
 * organization's runtime-access switch, its webhook signature, its flags, banner lines and Studio
 * tab, and the Layer serving it. Uploaded files beside a SQLite file are kept in a folder
 * (`FileStore.ts`), which snapshots, resets and deletes cover through `outside`.
 *
 * The routes are `IndreamApi`'s (one group per document tag); handlers and authentication in
 * `IndreamHandlers.ts`, storage in `IndreamStore.ts` and `FileStore.ts` (uploaded bytes), rows on
 * the wire in `IndreamWire.ts`, export tasks on the clock in `ExportLifecycle.ts` with their
 * output files from `RenderedMedia.ts`, tables in `Migrations.ts`.
 */
import { IndreamApi, IndreamErrors } from "@projectkit/indream"
import * as Duration from "effect/Duration"
import * as Crypto from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import type * as Dialect from "../../Dialect.js"
import { randomSecret } from "../../internal/ids.js"
import * as FileStore from "./FileStore.js"
import * as IndreamHandlers from "./IndreamHandlers.js"
import * as IndreamStudio from "./IndreamStudio.js"
import { prefix } from "./IndreamMounted.js"
import * as Migrations from "./Migrations.js"

/** The dialect's configuration: limits, export durations. */
export type IndreamConfig = IndreamHandlers.IndreamConfig

/** DOC: the API key travels in `x-api-key`. */
const apiKeyOf = (headers: IncomingHttpHeaders): string | undefined => {
  const key = headers["x-api-key"]
  return typeof key === "string" && key !== "" ? key : undefined
}

/** INF: Indream's keys are opaque to its document; "ik_live_" makes ours recognisable in logs. */
export const indreamKey = (): string => `ik_live_${randomSecret()}`

const rateLimit = IndreamHandlers.defaultSyncRateLimit

/** The dialect with `config`'s upload limit (the route accepting bodies over the server's limit). */
export const make = (
  config: IndreamConfig = {}
): Dialect.Dialect<IndreamConfig, "indream", "indream", "apiKey"> => ({
  name: IndreamHandlers.name,
  prefix,
  contract: IndreamApi.IndreamApi,
  errors: IndreamErrors.table,
  migrations: Migrations.make(indreamKey),
  credential: { field: "apiKey" },
  issueCredential: indreamKey,
  credentialOf: apiKeyOf,
  // DOC: runtime OpenAPI access is the account's; its column is added by `Migrations.ts`.
  settings: { [IndreamHandlers.runtimeAccess]: "indream_runtime_access" },
  // DOC: `X-Indream-Timestamp` and `X-Indream-Signature` (hex HMAC-SHA256 of `${timestamp}.${rawBody}`).
  // Written here, not taken from the package's verifier, so a mistake shared by both still shows in tests.
  webhookSigner: (secret, _id, timestampSeconds, body) => ({
    "x-indream-timestamp": String(timestampSeconds),
    "x-indream-signature": Crypto.createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")
  }),
  // Uploaded files beside a SQLite file, carried by snapshots and removed with organizations.
  outside: FileStore.outside,
  largerBodies: (request) =>
    request.method === "POST" && request.url.split("?")[0] === `${prefix}/v1/uploads`
      ? IndreamHandlers.uploadLimit(config)
      : undefined,
  studio: IndreamStudio.studio,
  // Parents first. Sync budgets (`rate_limits`) are not an organization's data: a budget refills.
  tables: [
    { name: "indream_projects", key: ["id"], owner: "org_id" },
    { name: "indream_assets", key: ["id"], owner: "org_id" },
    { name: "indream_project_assets", key: ["project_id", "asset_id"], owner: "org_id" },
    { name: "indream_files", key: ["file_key", "seq"], owner: "org_id" },
    { name: "indream_exports", key: ["id"], owner: "org_id" },
    { name: "indream_idempotency", key: ["org_id", "scope", "idempotency_key"], owner: "org_id" }
  ],
  configKey: "indream",
  layer: (layerConfig) => IndreamHandlers.layer(layerConfig),
  flags: {
    options: [
      {
        name: "indream-sync-limit",
        description: "Indream syncs per project admitted per window, sustained; more get 429",
        default: rateLimit.limit
      },
      {
        name: "indream-sync-window-ms",
        description: "The window of the Indream sync rate limit, in milliseconds",
        default: Duration.toMillis(rateLimit.window)
      },
      {
        name: "indream-sync-burst",
        description: "How many Indream syncs of one project may come at once (1: no burst)",
        default: rateLimit.burst ?? 1
      },
      {
        name: "indream-max-state-bytes",
        description: "The largest editorState accepted, in bytes of JSON (keep it below --max-body-bytes); larger gets 413",
        default: IndreamHandlers.defaultMaxStateBytes
      }
    ],
    toConfig: (values) => ({
      syncRateLimit: {
        limit: values["indream-sync-limit"] ?? rateLimit.limit,
        window: Duration.millis(values["indream-sync-window-ms"] ?? Duration.toMillis(rateLimit.window)),
        burst: values["indream-sync-burst"] ?? rateLimit.burst ?? 1
      },
      maxStateBytes: values["indream-max-state-bytes"] ?? IndreamHandlers.defaultMaxStateBytes
    })
  },
  banner: {
    url: (base) => `  indream     ${base}/indream   (OpenAPI: ${base}/indream/openapi.json, docs: ${base}/indream/docs)`,
    demoCredential: (apiKey) => `  demo Indream key    ${apiKey}   (x-api-key)`,
    tryIt: (base, apiKey = "<indream key>") => [
      `  curl -s ${base}/indream/v1/projects -H "x-api-key: ${apiKey}"`
    ]
  }
})

/**
 * The registered dialect, with the default upload limit while the body arrives (`largerBodies`);
 * a `maxUploadBytes` configured otherwise is enforced by the upload handler as the body arrives.
 */
export const dialect = make()

/** Handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = IndreamHandlers.layer
