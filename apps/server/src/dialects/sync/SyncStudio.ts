/**
 * sync.so in the Studio: projects (searched, sorted, created, renamed and deleted through the
 * dialect's own store, as a user of the organization would over the API), and under each its
 * generations (their status advancing on the server's clock) and assets; the ones filed under no
 * project listed apart, as a deleted project leaves them.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { NotFound, Validation } from "@projectkit/core/ProjectsError"
import { SyncApi } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Caller } from "../../Organizations.js"
import type { StudioRecord } from "../../StudioSchemas.js"
import { type DialectStudio, recordsOf, shortId, StoredNumber, type StudioView } from "../../StudioView.js"
import * as SyncProjectStore from "./SyncProjectStore.js"

const ProjectRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  visibility: Schema.String,
  mode: Schema.String,
  created_at: StoredNumber,
  updated_at: StoredNumber
})

const GenerationRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.NullOr(Schema.String),
  status: Schema.String,
  model: Schema.String,
  error: Schema.NullOr(Schema.String),
  created_at: StoredNumber
})

const AssetRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.NullOr(Schema.String),
  type: Schema.String,
  name: Schema.NullOr(Schema.String),
  url: Schema.NullOr(Schema.String),
  created_at: StoredNumber
})

/** A generation still on its way: its status changes on the server's clock. */
const working: ReadonlySet<string> = new Set(["PENDING", "PROCESSING"])

const projectRecord = (row: Schema.Schema.Type<typeof ProjectRow>): StudioRecord => ({
  id: row.id,
  title: row.name,
  inFlight: false,
  cells: { id: row.id, visibility: row.visibility, mode: row.mode, createdAt: row.created_at, updatedAt: row.updated_at }
})

const views = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  // The dialect's own statements: the Studio's changes are the API's, visibility rules included.
  const store = yield* SyncProjectStore.make
  const projects = recordsOf(ProjectRow, projectRecord)
  const generations = recordsOf(GenerationRow, (row): StudioRecord => ({
    id: row.id,
    title: row.model,
    parent: row.project_id,
    inFlight: working.has(row.status),
    cells: { status: row.status, id: shortId(row.id), createdAt: row.created_at, error: row.error }
  }))
  const assets = recordsOf(AssetRow, (row): StudioRecord => ({
    id: row.id,
    title: row.name ?? row.url ?? row.id,
    parent: row.project_id,
    inFlight: false,
    cells: { type: row.type }
  }))

  /** The user a project belongs to, as whom it is changed (a USER project is visible to its owner alone). */
  const ownerOf = (orgId: string, projectId: string) =>
    Effect.flatMap(
      sql<{ owner_id: string }>`SELECT owner_id FROM sync_projects WHERE id = ${projectId} AND org_id = ${orgId}`,
      (rows) =>
        Option.match(Option.fromNullable(rows[0]), {
          onNone: () => Effect.fail(new NotFound({ resource: "Project", id: projectId })),
          onSome: (row) => Effect.succeed<Caller>({ orgId, userId: row.owner_id })
        })
    )

  const visibilityOf = (options: Readonly<Record<string, string>> | undefined) => {
    const unknown = Object.keys(options ?? {}).filter((key) => key !== "visibility")
    if (unknown.length > 0) return Effect.fail(Validation.single(["options", unknown[0]!], "Not a field of a project"))
    const visibility = options?.["visibility"] ?? "ORGANIZATION"
    return Schema.is(SyncApi.Visibility)(visibility)
      ? Effect.succeed(visibility)
      : Effect.fail(Validation.single(["options", "visibility"], `Expected ${SyncApi.Visibility.literals.join(" or ")}`))
  }

  const projectView: StudioView = {
    description: {
      id: "projects",
      title: "Projects",
      layout: "cards",
      columns: [
        { key: "id", label: "", kind: "code" },
        { key: "visibility", label: "", kind: "text" },
        { key: "mode", label: "", kind: "text" },
        { key: "createdAt", label: "created", kind: "time" },
        { key: "updatedAt", label: "updated", kind: "time" }
      ],
      unfiled: "Not in a project",
      empty: "No project yet.",
      search: true,
      sorts: [
        { label: "Newest created", column: "createdAt", descending: true },
        { label: "Last updated", column: "updatedAt", descending: true },
        { label: "Name A→Z", descending: false }
      ],
      actions: {
        create: {
          label: "Create project",
          fields: [
            { key: "name", label: "New project" },
            // ORGANIZATION first: a project made in the Studio is for every user of the organization.
            { key: "visibility", label: "Visibility", choices: ["ORGANIZATION", "USER"] }
          ]
        },
        rename: true,
        remove: { confirm: "Delete project {title}? Its generations and assets stay, in no project." }
      }
    },
    list: (orgId) =>
      projects(sql`SELECT id, name, visibility, mode, created_at, updated_at FROM sync_projects
        WHERE org_id = ${orgId} ORDER BY created_at DESC, id`),
    create: (caller, input) =>
      Effect.flatMap(visibilityOf(input.options), (visibility) =>
        Effect.map(store.createProject(caller, { name: input.name, visibility, mode: "CREATOR" }), projectRecord)),
    rename: (orgId, id, name) =>
      Effect.flatMap(ownerOf(orgId, id), (owner) => Effect.map(store.updateProject(owner, id, { name }), projectRecord)),
    remove: (orgId, id) => Effect.flatMap(ownerOf(orgId, id), (owner) => store.deleteProject(owner, id))
  }

  const generationView: StudioView = {
    description: {
      id: "generations",
      title: "Generations",
      layout: "list",
      parent: "projects",
      columns: [
        { key: "status", label: "", kind: "status" },
        { key: "id", label: "", kind: "code" },
        { key: "createdAt", label: "", kind: "time" },
        { key: "error", label: "", kind: "error" }
      ],
      empty: "None"
    },
    list: (orgId) =>
      generations(sql`SELECT id, project_id, status, model, error, created_at FROM sync_generations
        WHERE org_id = ${orgId} ORDER BY created_at DESC, id`)
  }

  const assetView: StudioView = {
    description: {
      id: "assets",
      title: "Assets",
      layout: "list",
      parent: "projects",
      columns: [{ key: "type", label: "", kind: "status" }],
      empty: "None"
    },
    list: (orgId) =>
      assets(sql`SELECT id, project_id, type, name, url, created_at FROM sync_assets
        WHERE org_id = ${orgId} ORDER BY created_at DESC, id`)
  }

  return [projectView, generationView, assetView]
})

export const studio: DialectStudio = {
  title: "sync.so",
  views: () => Effect.orDie(views)
}
