/**
 * The Indream dialect's rows as Indream sends them. Times are epoch milliseconds in the database,
 * read defensively: PostgreSQL answers BIGINT columns as strings. URLs the server hands out point
 * at itself (`PublicUrl`), so they are built per request, never stored.
 */
import type { IndreamApi } from "@projectkit/indream"
import * as DateTime from "effect/DateTime"
import type * as IndreamStore from "./IndreamStore.js"

const time = (millis: number | string) => DateTime.unsafeMake(Number(millis))
const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value))

export const summary = (row: IndreamStore.ProjectRow): IndreamApi.ProjectSummary => ({
  projectId: row.id,
  title: row.title,
  description: row.description,
  createdAt: time(row.created_at),
  updatedAt: time(row.updated_at)
})

/** A project with its latest saved `editorState`, sent back as the JSON it was stored as. */
export const project = (row: IndreamStore.ProjectWithState): IndreamApi.ProjectDetail => ({
  ...summary(row),
  editorState: JSON.parse(row.editor_state) as IndreamApi.EditorState,
  stateVersion: row.state_version
})

export const metadata = (row: IndreamStore.ProjectRow): IndreamApi.ProjectMetadata => ({
  projectId: row.id,
  title: row.title,
  description: row.description,
  updatedAt: time(row.updated_at)
})

export const syncResult = (row: IndreamStore.ProjectRow): IndreamApi.SyncProjectResult => ({
  projectId: row.id,
  stateVersion: row.state_version,
  updatedAt: time(row.updated_at)
})

/** Where the server serves a stored file, under `base` (its public URL with the dialect's prefix). */
export const fileUrl = (base: string, fileKey: string) => `${base}/files/${fileKey}`

/** Where the server serves a completed export's output. */
export const outputUrl = (base: string, outputKey: string, format: string) => `${base}/outputs/${outputKey}.${format}`

export const asset = (base: string) => (row: IndreamStore.AssetRow): IndreamApi.Asset => ({
  assetId: row.id,
  type: row.type,
  source: row.source,
  filename: row.filename,
  mimetype: row.mimetype,
  size: numberOrNull(row.size),
  fileUrl: fileUrl(base, row.file_key),
  fileKey: row.file_key,
  width: numberOrNull(row.width),
  height: numberOrNull(row.height),
  duration: numberOrNull(row.duration)
})

/** What both export routes answer on creation. */
export const createdExport = (row: IndreamStore.ExportRow): IndreamApi.CreatedExport => ({
  taskId: row.id,
  projectId: row.project_id,
  createdAt: time(row.created_at),
  durationSeconds: Number(row.duration_seconds),
  billedStandardSeconds: Number(row.billed_standard_seconds),
  chargedCredits: row.charged_credits
})

/** An export task, as the API answers it and as its callbacks carry it. */
export const exportTask = (base: string) => (row: IndreamStore.ExportRow): IndreamApi.ExportTask => ({
  taskId: row.id,
  projectId: row.project_id,
  createdByApiKeyId: row.api_key_id,
  clientTaskId: row.client_task_id,
  status: row.status,
  progress: Number(row.progress),
  error: row.error,
  outputUrl: row.output_key === null ? null : outputUrl(base, row.output_key, row.format),
  durationSeconds: Number(row.duration_seconds),
  billedStandardSeconds: Number(row.billed_standard_seconds),
  chargedCredits: row.charged_credits,
  callbackUrl: row.callback_url,
  createdAt: time(row.created_at),
  completedAt: row.completed_at === null ? null : time(row.completed_at)
})
