/**
 * The Indream dialect as the server mounts it: Indream's Open API v1 under `/indream`, its
 * problem-details errors from `@projectkit/indream`'s table, its tables, and the Layer serving it.
 *
 * The routes are `IndreamApi`'s (one group per document tag); handlers and authentication in
 * `IndreamHandlers.ts`, storage in `IndreamStore.ts` and `FileStore.ts` (uploaded bytes), rows on
 * the wire in `IndreamWire.ts`, export tasks on the clock in `ExportLifecycle.ts` with their
 * output files from `RenderedMedia.ts`, tables in `Migrations.ts`.
 */
import { IndreamApi, IndreamErrors } from "@projectkit/indream"
import type { IncomingHttpHeaders } from "node:http"
import type * as Dialect from "../../Dialect.js"
import * as IndreamHandlers from "./IndreamHandlers.js"
import { migrations } from "./Migrations.js"

/** DOC: the API key travels in `x-api-key`. */
const apiKeyOf = (headers: IncomingHttpHeaders): string | undefined => {
  const key = headers["x-api-key"]
  return typeof key === "string" && key !== "" ? key : undefined
}

/** The dialect with `config`'s upload limit (the route accepting bodies over the server's limit). */
export const make = (config: IndreamHandlers.IndreamConfig = {}): Dialect.Dialect => ({
  name: "indream",
  prefix: IndreamHandlers.prefix,
  contract: IndreamApi.IndreamApi,
  errors: IndreamErrors.table,
  migrations,
  credentialOf: apiKeyOf,
  largerBodies: (request) =>
    request.method === "POST" && request.url.split("?")[0] === `${IndreamHandlers.prefix}/v1/uploads`
      ? IndreamHandlers.uploadLimit(config)
      : undefined,
  // Parents first. Sync budgets (`rate_limits`) are not an organization's data: a budget refills.
  tables: [
    { name: "indream_projects", key: ["id"], owner: "org_id" },
    { name: "indream_assets", key: ["id"], owner: "org_id" },
    { name: "indream_project_assets", key: ["project_id", "asset_id"], owner: "org_id" },
    { name: "indream_files", key: ["file_key", "seq"], owner: "org_id" },
    { name: "indream_exports", key: ["id"], owner: "org_id" },
    { name: "indream_idempotency", key: ["org_id", "scope", "idempotency_key"], owner: "org_id" }
  ]
})

export const dialect: Dialect.Dialect = make()

/** The dialect's configuration: limits, export durations, the public URL. */
export type IndreamConfig = IndreamHandlers.IndreamConfig

/** Handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = IndreamHandlers.layer
