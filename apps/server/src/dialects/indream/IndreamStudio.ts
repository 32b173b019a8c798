/**
 * Indream in the Studio: projects (their `stateVersion`, their editorState as JSON up to
 * `largeDocumentBytes`, and their `sync` budget as the rate limiter keeps it), assets (uploaded
 * files, deleted ones marked), and export tasks with their progress, advancing on the server's clock.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as RateLimit from "@projectkit/core/RateLimit"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as RateLimits from "../../RateLimits.js"
import { largeDocumentBytes, type Meter, type StudioRecord } from "../../StudioSchemas.js"
import { decodeRows, type DialectStudio, documentCell, recordsOf, shortId, StoredNumber, type StudioView } from "../../StudioView.js"
import * as IndreamHandlers from "./IndreamHandlers.js"

const ProjectRow = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  editor_state: Schema.String,
  state_version: Schema.String,
  created_at: StoredNumber,
  updated_at: StoredNumber
})

const ExportRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.NullOr(Schema.String),
  status: Schema.String,
  progress: StoredNumber,
  format: Schema.String,
  error: Schema.NullOr(Schema.String),
  created_at: StoredNumber
})

const AssetRow = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  filename: Schema.String,
  mimetype: Schema.String,
  size: Schema.NullOr(StoredNumber),
  deleted_at: Schema.NullOr(StoredNumber),
  created_at: StoredNumber
})

/** An export still rendering: its progress changes on the server's clock. */
const working: ReadonlySet<string> = new Set(["PENDING", "PROCESSING"])

const views = (config: IndreamHandlers.IndreamConfig) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const projects = decodeRows(ProjectRow)
    const exports = recordsOf(ExportRow, (row): StudioRecord => ({
      id: row.id,
      title: row.format,
      inFlight: working.has(row.status),
      cells: { status: row.status, id: shortId(row.id), project: row.project_id ?? "—", progress: row.progress, error: row.error }
    }))
    const syncRule = IndreamHandlers.syncRule(config)

    /**
     * Each project's `sync` budget now: GCRA's answer to a request at this instant, read from the
     * limiter's stored state without changing it (the dialect's key: organization/project).
     */
    const syncBudgets = (orgId: string, projectIds: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const budgets = new Map<string, Meter>()
        if (projectIds.length === 0) return budgets
        const keys = new Map(projectIds.map((id) => [
          RateLimits.storedKey(RateLimit.storeKey({ rule: syncRule, tenant: `${orgId}/${id}` })),
          id
        ]))
        const rows = yield* sql<{ key: string; tat: string }>`SELECT key, tat FROM rate_limits WHERE ${sql.in("key", [...keys.keys()])}`
        const states = new Map(rows.map((row) => [keys.get(row.key), BigInt(row.tat)]))
        const now = yield* Clock.currentTimeMillis
        const windowSeconds = Duration.toMillis(syncRule.window) / 1000
        for (const id of projectIds) {
          const decided = RateLimit.decide(syncRule, Option.fromNullable(states.get(id)), now)
          const available = decided._tag === "Right" && decided.right.decision._tag === "Allowed"
            ? decided.right.decision.remaining + 1
            : 0
          budgets.set(id, {
            value: available,
            max: syncRule.burst,
            caption: `${available} of ${syncRule.burst} now (${syncRule.limit} per ${windowSeconds} s)`
          })
        }
        return budgets
      })

    const projectView: StudioView = {
      description: {
        id: "projects",
        title: "Projects",
        layout: "cards",
        columns: [
          { key: "description", label: "", kind: "paragraph" },
          { key: "id", label: "", kind: "code" },
          { key: "stateVersion", label: "stateVersion", kind: "text" },
          { key: "editorStateBytes", label: "editorState", kind: "bytes" },
          { key: "updatedAt", label: "updated", kind: "time" },
          { key: "syncBudget", label: "sync budget", kind: "meter" },
          { key: "editorState", label: "editorState", kind: "document" }
        ],
        empty: "No project yet."
      },
      list: (orgId) =>
        Effect.gen(function*() {
          const rows = yield* Effect.flatMap(
            sql`SELECT id, title, description, editor_state, state_version, created_at, updated_at
              FROM indream_projects WHERE org_id = ${orgId} ORDER BY created_at DESC, id`,
            projects
          )
          const budgets = yield* syncBudgets(orgId, rows.map((row) => row.id))
          return rows.map((row): StudioRecord => {
            const state = documentCell(row.editor_state, largeDocumentBytes)
            return {
              id: row.id,
              title: row.title,
              inFlight: false,
              cells: {
                description: row.description,
                id: row.id,
                stateVersion: row.state_version,
                editorStateBytes: state.bytes,
                updatedAt: row.updated_at,
                syncBudget: budgets.get(row.id) ?? null,
                editorState: state.document
              }
            }
          })
        })
    }

    const exportView: StudioView = {
      description: {
        id: "exports",
        title: "Exports",
        layout: "list",
        columns: [
          { key: "status", label: "", kind: "status" },
          { key: "id", label: "", kind: "code" },
          { key: "project", label: "project", kind: "code" },
          { key: "progress", label: "Export progress", kind: "progress" },
          { key: "error", label: "", kind: "error" }
        ],
        empty: "No export yet."
      },
      list: (orgId) =>
        exports(sql`SELECT id, project_id, status, progress, format, error, created_at FROM indream_exports
          WHERE org_id = ${orgId} ORDER BY created_at DESC, id`)
    }

    const assets = recordsOf(AssetRow, (row): StudioRecord => ({
      id: row.id,
      title: row.filename,
      inFlight: false,
      cells: {
        status: row.deleted_at === null ? "ACTIVE" : "DELETED",
        id: shortId(row.id),
        type: row.type,
        mimetype: row.mimetype,
        size: row.size
      }
    }))
    const assetView: StudioView = {
      description: {
        id: "assets",
        title: "Assets",
        layout: "list",
        columns: [
          { key: "status", label: "", kind: "status" },
          { key: "id", label: "", kind: "code" },
          { key: "type", label: "type", kind: "text" },
          { key: "mimetype", label: "", kind: "code" },
          { key: "size", label: "size", kind: "bytes" }
        ],
        empty: "No asset yet."
      },
      list: (orgId) =>
        assets(sql`SELECT id, type, filename, mimetype, size, deleted_at, created_at FROM indream_assets
          WHERE org_id = ${orgId} ORDER BY created_at DESC, id`)
    }

    return [projectView, assetView, exportView]
  })

export const studio: DialectStudio<IndreamHandlers.IndreamConfig> = {
  title: "Indream",
  views: (config) => views(config ?? {})
}
