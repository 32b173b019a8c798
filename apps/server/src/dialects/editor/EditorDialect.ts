/**
 * The editor dialect as the server mounts it: the editor Open API v1 under `/editor`, its errors
 * from `@projectkit/editor`'s table, its tables, and the Layer serving it.
 *
 * The routes are `EditorApi`'s (one group per auth rule: `editorProjects`, `editorExports`);
 * handlers in `EditorHandlers.ts`, storage in `EditorStore.ts`, rows on the wire in
 * `EditorWire.ts`, export tasks on the clock in `ExportLifecycle.ts`, tables in `Migrations.ts`.
 */
import { EditorApi, EditorErrors } from "@projectkit/editor"
import * as Dialect from "../../Dialect.js"
import * as EditorHandlers from "./EditorHandlers.js"
import { migrations } from "./Migrations.js"
import * as EditorStudio from "./EditorStudio.js"

export const dialect: Dialect.Dialect = {
  name: "editor",
  prefix: "/editor",
  contract: EditorApi.EditorApi,
  errors: EditorErrors.table,
  migrations,
  studio: EditorStudio.studio,
  credentialOf: Dialect.bearerToken,
  // Parents first. `rate_limits` (sync budgets) is not an organization's data: a budget refills.
  tables: [
    { name: "editor_projects", key: ["id"], owner: "org_id" },
    { name: "editor_assets", key: ["id"], owner: "org_id" },
    { name: "editor_exports", key: ["id"], owner: "org_id" }
  ]
}

/** The dialect's configuration: sync rate limit, editorState size limit, export durations. */
export type EditorConfig = EditorHandlers.EditorConfig

/** Handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = EditorHandlers.layer
