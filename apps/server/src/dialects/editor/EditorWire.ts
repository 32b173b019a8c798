/**
 * The editor's rows as the editor API sends them. Times are epoch milliseconds in the database,
 * read defensively: PostgreSQL answers BIGINT columns as strings.
 */
import type { EditorApi } from "@projectkit/editor"
import * as DateTime from "effect/DateTime"
import type * as EditorStore from "./EditorStore.js"

const time = (millis: number | string) => DateTime.unsafeMake(Number(millis))

/** A project without its state, as lists and metadata updates answer it. */
export const summary = (row: EditorStore.ProjectRow): EditorApi.ProjectSummary => ({
  projectId: row.id,
  title: row.title,
  description: row.description,
  stateVersion: Number(row.state_version),
  createdAt: time(row.created_at),
  updatedAt: time(row.updated_at)
})

/** A project with its latest saved `editorState`, sent back as the JSON it was stored as. */
export const project = (row: EditorStore.ProjectWithState): EditorApi.Project => ({
  ...summary(row),
  editorState: row.editor_state === null ? null : JSON.parse(row.editor_state) as EditorApi.EditorState
})

/** What a sync answers: the version and time the saved state now has. */
export const syncResult = (row: EditorStore.SavedState): EditorApi.SyncResult => ({
  projectId: row.id,
  stateVersion: Number(row.state_version),
  updatedAt: time(row.updated_at)
})

export const asset = (row: EditorStore.AssetRow): EditorApi.Asset => ({
  assetId: row.id,
  projectId: row.project_id,
  name: row.name,
  contentType: row.content_type,
  size: row.size === null ? null : Number(row.size),
  url: row.url,
  createdAt: time(row.created_at)
})

/** An export task, as the API answers it and as its webhook carries it. */
export const exportTask = (row: EditorStore.ExportRow): EditorApi.ExportTask => ({
  taskId: row.id,
  status: row.status as EditorApi.ExportStatus,
  progress: Number(row.progress),
  format: row.format as EditorApi.ExportTask["format"],
  ...(row.output_url === null ? {} : { outputUrl: row.output_url }),
  ...(row.error === null ? {} : { error: row.error }),
  ...(row.project_id === null ? {} : { projectId: row.project_id }),
  createdAt: time(row.created_at),
  updatedAt: time(row.updated_at)
})
