/**
 * The editor dialect as the server mounts it: the editor Open API v1 under `/editor`, its errors
 * from `@projectkit/editor`'s table, its tables, the API key each user is issued, the
 * organization's runtime-access switch, its flags and banner lines, and the Layer serving it.
 *
 * The routes are `EditorApi`'s (one group per auth rule: `editorProjects`, `editorExports`);
 * handlers in `EditorHandlers.ts`, storage in `EditorStore.ts`, rows on the wire in
 * `EditorWire.ts`, export tasks on the clock in `ExportLifecycle.ts`, tables in `Migrations.ts`.
 */
import { EditorApi, EditorErrors } from "@projectkit/editor"
import * as Duration from "effect/Duration"
import * as Dialect from "../../Dialect.js"
import * as EditorHandlers from "./EditorHandlers.js"
import { editorKey } from "./EditorKeys.js"
import { prefix } from "./EditorMounted.js"
import { migrations } from "./Migrations.js"
import * as EditorStudio from "./EditorStudio.js"

/** The dialect's configuration: sync rate limit, editorState size limit, export durations. */
export type EditorConfig = EditorHandlers.EditorConfig

const rateLimit = EditorHandlers.defaultSyncRateLimit

export const dialect: Dialect.Dialect<EditorConfig, "editor", "editor", "apiKey"> = {
  name: "editor",
  prefix,
  contract: EditorApi.EditorApi,
  errors: EditorErrors.table,
  migrations,
  credential: { field: "apiKey" },
  issueCredential: editorKey,
  studio: EditorStudio.studio,
  credentialOf: Dialect.bearerToken,
  // SEED: runtime OpenAPI access is the account's; its column is added by `Migrations.ts`.
  settings: { [EditorHandlers.runtimeAccess]: "editor_runtime_access" },
  // Parents first. `rate_limits` (sync budgets) is not an organization's data: a budget refills.
  tables: [
    { name: "editor_projects", key: ["id"], owner: "org_id" },
    { name: "editor_assets", key: ["id"], owner: "org_id" },
    { name: "editor_exports", key: ["id"], owner: "org_id" }
  ],
  configKey: "editor",
  layer: (config) => EditorHandlers.layer(config),
  flags: {
    options: [
      {
        name: "editor-sync-limit",
        description: "Editor syncs per project admitted per window, sustained; more get 429",
        default: rateLimit.limit
      },
      {
        name: "editor-sync-window-ms",
        description: "The window of the editor sync rate limit, in milliseconds",
        default: Duration.toMillis(rateLimit.window)
      },
      {
        name: "editor-sync-burst",
        description: "How many editor syncs of one project may come at once (1: no burst)",
        default: rateLimit.burst ?? 1
      },
      {
        name: "editor-max-state-bytes",
        description:
          "The largest editorState accepted, in bytes of JSON (keep it below --max-body-bytes); larger gets 413",
        default: EditorHandlers.defaultMaxStateBytes
      }
    ],
    toConfig: (values) => ({
      syncRateLimit: {
        limit: values["editor-sync-limit"] ?? rateLimit.limit,
        window: Duration.millis(values["editor-sync-window-ms"] ?? Duration.toMillis(rateLimit.window)),
        burst: values["editor-sync-burst"] ?? rateLimit.burst ?? 1
      },
      maxStateBytes: values["editor-max-state-bytes"] ?? EditorHandlers.defaultMaxStateBytes
    })
  },
  banner: {
    url: (base) => `  editor      ${base}/editor    (OpenAPI: ${base}/editor/openapi.json, docs: ${base}/editor/docs)`,
    demoCredential: (apiKey) => `  demo editor key     ${apiKey}   (Authorization: Bearer)`,
    tryIt: (base, apiKey = "<editor key>") => [
      `  curl -s -X POST ${base}/editor/v1/projects -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" -d '{"title":"My edit","editorState":{"tracks":[]}}'`
    ]
  }
}

/** Handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = EditorHandlers.layer
