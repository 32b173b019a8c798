/**
 * Rows as sync.so sends them: ISO timestamps, camelCase names, optional fields left out when
 * unknown, and `projectId` always present (null when the work is not filed under a project).
 */
import type { AssetRow, GenerationRow, ProjectRow } from "./SyncStore.js"

const iso = (millis: number) => new Date(millis).toISOString()

/** Copies the entries whose value is known, so absent stays absent on the wire. */
const known = <A extends Record<string, unknown>>(fields: A) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], null>
  }

export const project = (row: ProjectRow) => ({
  id: row.id,
  name: row.name,
  visibility: row.visibility as "USER" | "ORGANIZATION",
  mode: row.mode as "CREATOR",
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at)
})

export const asset = (row: AssetRow) => ({
  id: row.id,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  type: row.type,
  visibility: row.visibility,
  ...known({
    name: row.name,
    url: row.url,
    size: row.size === null ? null : Number(row.size),
    format: row.format,
    inputType: row.input_type,
    durationSeconds: row.duration_seconds,
    thumbnailUrl: row.thumbnail_url,
    width: row.width,
    height: row.height
  }),
  projectId: row.project_id
})

export const generation = (row: GenerationRow) => {
  const request = JSON.parse(row.request) as {
    readonly input: ReadonlyArray<unknown>
    readonly options?: unknown
    readonly segments?: ReadonlyArray<unknown>
    readonly outputFileName?: string
  }
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    status: row.status,
    model: row.model,
    input: request.input,
    ...known({
      options: request.options,
      segments: request.segments,
      outputUrl: row.output_url,
      outputDuration: row.output_duration,
      error: row.error,
      error_code: row.error_code,
      webhookUrl: row.webhook_url
    }),
    projectId: row.project_id
  }
}
