/**
 * The handlers of `StudioApi`: organizations listed, one organization's data read as a snapshot
 * reads it (every dialect's tables, confined to the organization) with secrets taken out, and
 * sync.so projects made, renamed and deleted through the dialect's own store, as a user of the
 * organization would over the API — so the API sees every change at once, and a deleted project's
 * generations and assets are left ungrouped exactly as the dialect leaves them.
 */
import * as CompiledApi from "./compiled/CompiledApi.js"
import * as SqlClient from "@effect/sql/SqlClient"
import { Adapter } from "@projectkit/http"
import * as RateLimit from "@projectkit/core/RateLimit"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ControlInternal, ControlNotFound } from "./ControlApi.js"
import type { Caller } from "./Organizations.js"
import { ServerApi } from "./ServerApi.js"
import type { Row } from "./Snapshots.js"
import { Snapshots } from "./Snapshots.js"
import * as EditorHandlers from "./dialects/editor/EditorHandlers.js"
import * as RateLimits from "./RateLimits.js"
import * as SanityWire from "./dialects/sanity/SanityWire.js"
import type { CopyJobRow } from "./dialects/sanity/SanityDatasetStore.js"
import * as SyncProjectStore from "./dialects/sync/SyncProjectStore.js"
import * as SyncWire from "./dialects/sync/SyncWire.js"
import { largeDocumentBytes, type OrganizationSummary } from "./StudioApi.js"
import { StudioEvents } from "./StudioEvents.js"

const internal = (cause: unknown) =>
  Effect.zipRight(
    Effect.logError("studio control failure", cause),
    Effect.fail(new ControlInternal({ error: "internal", message: "The server failed; see its log" }))
  )

const notFound = (message: string) => Effect.fail(new ControlNotFound({ error: "not_found", message }))

/** Tables holding nothing but credentials: only their hashes are stored, of no use to anyone looking. */
const hiddenTables = new Set(["credentials"])
/** Columns that are secrets or their hashes (a Sanity token's, an organization's webhook secret). */
const hiddenColumn = (column: string) => column.includes("secret") || column.endsWith("_hash")

/** `row` without its secrets, and with a large JSON document replaced by its size. */
const shown = (row: Row): Row => {
  const out: Record<string, Row[string]> = {}
  for (const [column, value] of Object.entries(row)) {
    if (hiddenColumn(column)) continue
    if (column === "editor_state" && typeof value === "string") {
      const bytes = Buffer.byteLength(value)
      out.editor_state_bytes = bytes
      out[column] = bytes > largeDocumentBytes ? null : value
      continue
    }
    out[column] = value
  }
  return out
}

interface OrganizationRow {
  readonly id: string
  readonly name: string
  readonly created_at: number | string
  readonly editor_runtime_access: number | string | boolean
  readonly members: number | string
}

const summary = (row: OrganizationRow): OrganizationSummary => ({
  id: row.id,
  name: row.name,
  createdAt: Number(row.created_at),
  members: Number(row.members),
  editorRuntimeAccess: row.editor_runtime_access === true || Number(row.editor_runtime_access) === 1
})

/** What the Studio needs to know of the server's configuration: the editor's `sync` rate limit. */
export interface StudioConfig {
  readonly editor?: EditorHandlers.EditorConfig | undefined
}

export const layer = (config: StudioConfig = {}) => CompiledApi.group(ServerApi, "studio", (handlers) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const snapshots = yield* Snapshots
    // The dialect's own statements: the Studio's changes are the API's, visibility rules included.
    const syncStore = yield* SyncProjectStore.make
    const events = yield* StudioEvents

    const organizations = (id?: string) =>
      Effect.map(
        sql<OrganizationRow>`SELECT o.id, o.name, o.created_at, o.editor_runtime_access,
            (SELECT COUNT(*) FROM sanity_members m WHERE m.org_id = o.id) AS members
          FROM organizations o ${id === undefined ? sql`` : sql`WHERE o.id = ${id}`}
          ORDER BY o.created_at, o.id`,
        (rows) => rows.map(summary)
      )

    /** The organization's first user: who makes the projects created in the Studio. */
    const firstUser = (orgId: string) =>
      Effect.map(
        sql<{ user_id: string }>`SELECT user_id FROM sanity_members WHERE org_id = ${orgId}
          ORDER BY created_at, user_id LIMIT 1`,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row): Caller => ({ orgId, userId: row.user_id }))
      )

    /** The user a project belongs to, as whom it is changed (a USER project is visible to its owner alone). */
    const ownerOf = (orgId: string, projectId: string) =>
      Effect.map(
        sql<{ owner_id: string }>`SELECT owner_id FROM sync_projects WHERE id = ${projectId} AND org_id = ${orgId}`,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row): Caller => ({ orgId, userId: row.owner_id }))
      )

    const syncRule = EditorHandlers.syncRule(config.editor ?? {})
    /**
     * Each editor project's `sync` budget now: GCRA's answer to a request at this instant, read
     * from the limiter's stored state without changing it (the editor's key: organization/project).
     */
    const syncBudgets = (orgId: string, projectIds: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const budgets: Record<string, { available: number; burst: number; limit: number; windowMs: number }> = {}
        if (projectIds.length === 0) return budgets
        const keys = new Map(projectIds.map((id) => [
          RateLimits.storedKey(RateLimit.storeKey({ rule: syncRule, tenant: `${orgId}/${id}` })),
          id
        ]))
        const rows = yield* sql<{ key: string; tat: string }>`SELECT key, tat FROM rate_limits WHERE ${sql.in("key", [...keys.keys()])}`
        const states = new Map(rows.map((row) => [keys.get(row.key), BigInt(row.tat)]))
        const now = yield* Clock.currentTimeMillis
        for (const id of projectIds) {
          const decided = RateLimit.decide(syncRule, Option.fromNullable(states.get(id)), now)
          const available = decided._tag === "Right" && decided.right.decision._tag === "Allowed"
            ? decided.right.decision.remaining + 1
            : 0
          budgets[id] = {
            available,
            burst: syncRule.burst,
            limit: syncRule.limit,
            windowMs: Duration.toMillis(syncRule.window)
          }
        }
        return budgets
      })

    /**
     * Each copy job's progress as the dialect's job events report it (`SanityWire.jobEvent`, from
     * the state the copy lifecycle keeps), so the Studio's bar and a client's listener agree.
     */
    const copyJobProgress = (copyJobs: ReadonlyArray<Row>) => {
      const progress: Record<string, number> = {}
      for (const row of copyJobs) {
        progress[String(row["id"])] = SanityWire.jobEvent(row as unknown as CopyJobRow).progress
      }
      return progress
    }

    const noSuchProject = (orgId: string, projectId: string) =>
      notFound(`No sync.so project ${projectId} in organization ${orgId}`)

    return handlers
      .handle("listOrganizations", () =>
        Effect.map(organizations(), (list) => ({ organizations: list })).pipe(Effect.catchAll(internal)))
      .handle("organizationData", ({ path }) =>
        Effect.gen(function*() {
          const [organization] = yield* organizations(path.id)
          if (organization === undefined) return yield* notFound(`No organization ${path.id}`)
          const snapshot = yield* snapshots.exportState(path.id)
          const tables: Record<string, ReadonlyArray<Row>> = {}
          for (const [name, rows] of Object.entries(snapshot?.tables ?? {})) {
            if (!hiddenTables.has(name)) tables[name] = rows.map(shown)
          }
          const editorProjects = (tables["editor_projects"] ?? []).map((row) => String(row["id"]))
          return {
            organization,
            tables,
            editorSyncBudget: yield* syncBudgets(path.id, editorProjects),
            copyJobProgress: copyJobProgress(tables["sanity_copy_jobs"] ?? [])
          }
        }).pipe(Effect.catchTag("SqlError", internal)))
      .handle("createSyncProject", ({ path, payload }) =>
        Effect.gen(function*() {
          const caller = yield* firstUser(path.id)
          if (Option.isNone(caller)) return yield* notFound(`No organization ${path.id}`)
          const row = yield* syncStore.createProject(caller.value, {
            name: payload.name,
            visibility: payload.visibility ?? "ORGANIZATION",
            mode: payload.mode ?? "CREATOR"
          })
          return SyncWire.project(row)
        }).pipe(Effect.catchTag("SqlError", internal)))
      .handle("updateSyncProject", ({ path, payload }) =>
        Effect.gen(function*() {
          const owner = yield* ownerOf(path.id, path.projectId)
          if (Option.isNone(owner)) return yield* noSuchProject(path.id, path.projectId)
          const row = yield* syncStore.updateProject(owner.value, path.projectId, Adapter.defined(payload))
          return SyncWire.project(row)
        }).pipe(
          Effect.catchTags({ SqlError: internal, NotFound: () => noSuchProject(path.id, path.projectId) })
        ))
      .handle("deleteSyncProject", ({ path }) =>
        Effect.gen(function*() {
          const owner = yield* ownerOf(path.id, path.projectId)
          if (Option.isNone(owner)) return yield* noSuchProject(path.id, path.projectId)
          yield* syncStore.deleteProject(owner.value, path.projectId)
        }).pipe(
          Effect.catchTags({ SqlError: internal, NotFound: () => noSuchProject(path.id, path.projectId) })
        ))
      .handle("studioEventsTicket", () => Effect.sync(() => events.issueTicket()))
  }))
