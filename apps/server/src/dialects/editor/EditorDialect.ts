/**
 * The editor dialect as the server mounts it: the editor Open API v1 under `/editor`, its errors
 * from `@projectkit/editor`'s table, its tables, and the Layer serving it.
 *
 * The routes are `EditorApi`'s (one group per auth rule: `editorProjects`, `editorExports`);
 * handlers in `EditorHandlers.ts`, storage in `EditorStore.ts`, rows on the wire in
 * `EditorWire.ts`, export tasks on the clock in `ExportLifecycle.ts`, tables in `Migrations.ts`.
 */
import { EditorApi, EditorErrors } from "@projectkit/editor"
import type * as Dialect from "../../Dialect.js"
import * as EditorHandlers from "./EditorHandlers.js"
import { migrations } from "./Migrations.js"

export const dialect: Dialect.Dialect = {
  name: "editor",
  prefix: "/editor",
  contract: EditorApi.EditorApi,
  errors: EditorErrors.table,
  migrations
}

/** The dialect's configuration: sync rate limit, editorState size limit, export durations. */
export type EditorConfig = EditorHandlers.EditorConfig

/** Handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = EditorHandlers.layer
