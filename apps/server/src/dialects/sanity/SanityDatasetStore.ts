/**
 * The Sanity dialect's storage of datasets and what hangs off them: tags (and their assignment to
 * datasets), copy jobs and embeddings settings. SQL only: rows out, and `NotFound` / `Conflict`
 * carrying Sanity's message where a row is missing or taken; who may do what is `SanityAccess`'s,
 * what input is acceptable `SanityInput`'s.
 *
 * Every function but `job` takes a project the caller has already been found to see
 * (`SanityProjectStore.project`); a job is looked up by its id alone, so it is confined here.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { SanityApi } from "@projectkit/sanity"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import type { Who } from "./SanityAccess.js"
import { lockProject, mixedCase, randomAlnum } from "./SanityProjectStore.js"

export interface DatasetRow {
  readonly project_id: string
  readonly name: string
  readonly acl_mode: string
  readonly created_by: string | null
  readonly created_at: number
  readonly embeddings_enabled: number
  readonly embeddings_projection: string | null
  readonly embeddings_status: string
}

export interface TagRow {
  readonly id: string
  readonly project_id: string
  readonly name: string
  readonly title: string
  readonly description: string | null
  readonly metadata: string
  readonly created_at: number
  readonly updated_at: number
}

export interface CopyJobRow {
  readonly id: string
  readonly project_id: string
  readonly source_dataset: string
  readonly target_dataset: string
  readonly with_history: number
  readonly acl_mode: string
  readonly state: string
  readonly author_id: string
  readonly created_at: number
  readonly updated_at: number
}

export interface LifecycleDurations {
  /** How long a copy job stays pending, then running. */
  readonly copyPending: number
  readonly copyRunning: number
  /** How long an embeddings index stays `updating`. */
  readonly embeddingsUpdating: number
}

const datasetColumns = `project_id, name, acl_mode, created_by, created_at, embeddings_enabled, embeddings_projection,
  embeddings_status`
const jobColumns = `id, project_id, source_dataset, target_dataset, with_history, acl_mode, state, author_id,
  created_at, updated_at`
const tagColumns = "id, project_id, name, title, description, metadata, created_at, updated_at"

/** INF: the messages of Sanity's 404s and 409s for these. */
const notFound = (resource: string, id: string, description: string) =>
  Effect.fail(new ProjectsError.NotFound({ resource, id, description }))

const conflict = (description: string) => Effect.fail(new ProjectsError.Conflict({ description }))

export const make = (durations: LifecycleDurations) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const datasets = sql.literal(datasetColumns)
    const jobs = sql.literal(jobColumns)
    const tags = sql.literal(tagColumns)

    // -------------------------------------------------------------------------------------------
    // Datasets
    // -------------------------------------------------------------------------------------------

    const datasetExists = (projectId: string, name: string) =>
      Effect.map(
        sql`SELECT name FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${name}`,
        (rows) => rows.length > 0
      )

    const dataset = (projectId: string, name: string): Effect.Effect<DatasetRow, ProjectsError.NotFound | SqlError> =>
      Effect.flatMap(
        sql<DatasetRow>`SELECT ${datasets} FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${name}`,
        (rows) => rows[0] === undefined ? notFound("dataset", name, `Dataset "${name}" not found`) : Effect.succeed(rows[0])
      )

    /** The tags of the project's datasets, by dataset name. */
    const tagsByDataset = (projectId: string) =>
      Effect.map(
        sql<TagRow & { dataset_name: string }>`SELECT t.id, t.project_id, t.name, t.title, t.description, t.metadata,
            t.created_at, t.updated_at, a.dataset_name
          FROM sanity_dataset_tags a JOIN sanity_tags t ON t.id = a.tag_id
          WHERE a.project_id = ${projectId} ORDER BY a.created_at, t.name`,
        (rows) => {
          const map = new Map<string, Array<TagRow>>()
          for (const row of rows) map.set(row.dataset_name, [...(map.get(row.dataset_name) ?? []), row])
          return map
        }
      )

    /** The project's datasets, oldest first, each with its tags. */
    const listDatasets = (projectId: string) =>
      Effect.gen(function*() {
        const rows = yield* sql<DatasetRow>`SELECT ${datasets} FROM sanity_datasets WHERE project_id = ${projectId}
          ORDER BY created_at, name`
        const byDataset = yield* tagsByDataset(projectId)
        return rows.map((row) => ({ row, tags: byDataset.get(row.name) ?? [] }))
      })

    /** One dataset with its tags. */
    const getDataset = (projectId: string, name: string) =>
      Effect.gen(function*() {
        const row = yield* dataset(projectId, name)
        const byDataset = yield* tagsByDataset(projectId)
        return { row, tags: byDataset.get(name) ?? [] }
      })

    /** A new dataset created by the caller; one the project has is a `Conflict`. */
    const createDataset = (
      who: Who,
      projectId: string,
      name: string,
      input: NonNullable<typeof SanityApi.CreateDatasetRequest.Type>
    ) =>
      Effect.gen(function*() {
        yield* lockProject(sql, projectId)
        if (yield* datasetExists(projectId, name)) return yield* conflict(`Dataset "${name}" already exists`)
        const now = yield* Clock.currentTimeMillis
        const embeddings = input.embeddings?.enabled === true
        yield* sql`INSERT INTO sanity_datasets (project_id, name, acl_mode, created_by, created_at, embeddings_enabled,
            embeddings_projection, embeddings_status, embeddings_ready_at)
          VALUES (${projectId}, ${name}, ${input.aclMode ?? "public"}, ${who.userId}, ${now}, ${embeddings ? 1 : 0},
            ${input.embeddings?.projection ?? null}, ${embeddings ? "updating" : "inactive"},
            ${embeddings ? now + durations.embeddingsUpdating : null})`
        return yield* dataset(projectId, name)
      }).pipe(sql.withTransaction)

    /** `current` with the ACL mode asked for, if any. */
    const updateDataset = (current: DatasetRow, input: NonNullable<typeof SanityApi.UpdateDatasetRequest.Type>) =>
      Effect.gen(function*() {
        if (input.aclMode !== undefined && input.aclMode !== current.acl_mode) {
          yield* sql`UPDATE sanity_datasets SET acl_mode = ${input.aclMode}
            WHERE project_id = ${current.project_id} AND name = ${current.name}`
        }
        return yield* dataset(current.project_id, current.name)
      })

    /** Deletes the dataset; of several deleting it at once, one does, the others find it gone (`NotFound`). */
    const deleteDataset = (projectId: string, name: string) =>
      Effect.flatMap(
        sql`DELETE FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${name} RETURNING name`,
        (rows) => rows.length === 0 ? notFound("dataset", name, `Dataset "${name}" not found`) : Effect.void
      )

    // -------------------------------------------------------------------------------------------
    // Copy jobs
    // -------------------------------------------------------------------------------------------

    /**
     * A copy job of `source` to `target`, pending (`SanityLifecycle` runs it). A target that
     * exists, or that a copy still in flight is making, is a `Conflict`.
     */
    const startCopy = (who: Who, source: DatasetRow, input: typeof SanityApi.CopyRequest.Type) =>
      Effect.gen(function*() {
        const projectId = source.project_id
        yield* lockProject(sql, projectId)
        if (yield* datasetExists(projectId, input.targetDataset)) {
          return yield* conflict(`Dataset "${input.targetDataset}" already exists`)
        }
        const inFlight = yield* sql`SELECT id FROM sanity_copy_jobs WHERE project_id = ${projectId}
          AND target_dataset = ${input.targetDataset} AND state IN ('pending', 'running')`
        if (inFlight.length > 0) return yield* conflict(`A copy to "${input.targetDataset}" is already in progress`)
        const now = yield* Clock.currentTimeMillis
        const id = `jobId-${randomAlnum(20, mixedCase)}`
        yield* sql`INSERT INTO sanity_copy_jobs (id, org_id, project_id, source_dataset, target_dataset, with_history,
            acl_mode, state, author_id, created_at, updated_at, next_transition_at)
          VALUES (${id}, ${who.orgId}, ${projectId}, ${source.name}, ${input.targetDataset},
            ${input.skipHistory === true ? 0 : 1}, ${source.acl_mode}, 'pending', ${who.userId}, ${now}, ${now},
            ${now + durations.copyPending})`
        return id
      }).pipe(sql.withTransaction)

    /** Copy jobs newest first, of one source dataset or (`name` undefined) of the whole project. */
    const copyJobs = (
      projectId: string,
      name: string | undefined,
      query: { readonly offset: number; readonly limit: number; readonly states: ReadonlyArray<string> | undefined }
    ) =>
      sql<CopyJobRow>`SELECT ${jobs} FROM sanity_copy_jobs
        WHERE project_id = ${projectId} ${name === undefined ? sql`` : sql`AND source_dataset = ${name}`}
        ${query.states === undefined || query.states.length === 0 ? sql`` : sql`AND ${sql.in("state", query.states)}`}
        ORDER BY created_at DESC, id DESC LIMIT ${query.limit} OFFSET ${query.offset}`

    /**
     * A job of the caller's organization (of its project, for a project token); with no caller
     * (`null`: a job's event stream opened without a token, see `SanityApi.JobEventsGroup`), the
     * job its id names.
     */
    const job = (who: Who | null, jobId: string): Effect.Effect<CopyJobRow, ProjectsError.NotFound | SqlError> =>
      Effect.flatMap(
        sql<CopyJobRow>`SELECT ${jobs} FROM sanity_copy_jobs WHERE id = ${jobId}
          ${who === null ? sql`` : sql`AND org_id = ${who.orgId}`}
          ${who === null || who.projectId === null ? sql`` : sql`AND project_id = ${who.projectId}`}`,
        (rows) => rows[0] === undefined ? notFound("job", jobId, "Job not found") : Effect.succeed(rows[0])
      )

    // -------------------------------------------------------------------------------------------
    // Embeddings
    // -------------------------------------------------------------------------------------------

    /**
     * INF: enabling (or changing the projection) re-indexes: `updating`, then `ready`; disabling
     * is immediate (OFF test fixtures: `inactive`).
     */
    const setEmbeddings = (current: DatasetRow, input: typeof SanityApi.EmbeddingsRequest.Type) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        yield* sql`UPDATE sanity_datasets SET embeddings_enabled = ${input.enabled ? 1 : 0},
            embeddings_projection = ${input.projection ?? null},
            embeddings_status = ${input.enabled ? "updating" : "inactive"},
            embeddings_ready_at = ${input.enabled ? now + durations.embeddingsUpdating : null}
          WHERE project_id = ${current.project_id} AND name = ${current.name}`
        return yield* dataset(current.project_id, current.name)
      })

    // -------------------------------------------------------------------------------------------
    // Tags
    // -------------------------------------------------------------------------------------------

    const tagNamed = (projectId: string, identifier: string): Effect.Effect<TagRow, ProjectsError.NotFound | SqlError> =>
      Effect.flatMap(
        sql<TagRow>`SELECT ${tags} FROM sanity_tags WHERE project_id = ${projectId} AND name = ${identifier}`,
        (rows) => rows[0] === undefined ? notFound("tag", identifier, `Tag "${identifier}" not found`) : Effect.succeed(rows[0])
      )

    const tagTaken = (projectId: string, name: string) =>
      Effect.map(sql`SELECT id FROM sanity_tags WHERE project_id = ${projectId} AND name = ${name}`, (rows) => rows.length > 0)

    const listTags = (projectId: string) =>
      sql<TagRow>`SELECT ${tags} FROM sanity_tags WHERE project_id = ${projectId} ORDER BY created_at, name`

    /** A new tag; a name the project has is a `Conflict`. */
    const createTag = (projectId: string, input: typeof SanityApi.CreateTagRequest.Type) =>
      Effect.gen(function*() {
        yield* lockProject(sql, projectId)
        if (yield* tagTaken(projectId, input.name)) return yield* conflict(`Tag "${input.name}" already exists`)
        const now = yield* Clock.currentTimeMillis
        yield* sql`INSERT INTO sanity_tags (id, project_id, name, title, description, metadata, created_at, updated_at)
          VALUES (${Crypto.randomUUID()}, ${projectId}, ${input.name}, ${input.title}, ${input.description ?? null},
            ${JSON.stringify(input.metadata ?? {})}, ${now}, ${now})`
        return yield* tagNamed(projectId, input.name)
      }).pipe(sql.withTransaction)

    /**
     * Tag `identifier` with the fields sent replaced, in one transaction: the tag is read, `check`
     * may refuse (the caller's grant, the input), then a new name another tag has is a `Conflict`.
     */
    const updateTag = <E>(
      projectId: string,
      identifier: string,
      input: typeof SanityApi.UpdateTagRequest.Type,
      check: Effect.Effect<void, E>
    ) =>
      Effect.gen(function*() {
        yield* lockProject(sql, projectId)
        const current = yield* tagNamed(projectId, identifier)
        yield* check
        const name = input.name ?? current.name
        if (name !== current.name && (yield* tagTaken(projectId, name))) return yield* conflict(`Tag "${name}" already exists`)
        const now = Math.max(yield* Clock.currentTimeMillis, Number(current.updated_at))
        yield* sql`UPDATE sanity_tags SET name = ${name}, title = ${input.title ?? current.title},
            description = ${input.description === undefined ? current.description : input.description},
            metadata = ${input.metadata === undefined ? current.metadata : JSON.stringify(input.metadata)},
            updated_at = ${now}
          WHERE id = ${current.id}`
        return yield* tagNamed(projectId, name)
      }).pipe(sql.withTransaction)

    /**
     * Deletes tag `identifier`, in one transaction: the tag is read, `check` may refuse, then a tag
     * still assigned to datasets is a `Conflict` (DOC: it must be unassigned first).
     */
    const deleteTag = <E>(projectId: string, identifier: string, check: Effect.Effect<void, E>) =>
      Effect.gen(function*() {
        yield* lockProject(sql, projectId)
        const current = yield* tagNamed(projectId, identifier)
        yield* check
        const assigned = yield* sql<{ dataset_name: string }>`SELECT dataset_name FROM sanity_dataset_tags
          WHERE tag_id = ${current.id} ORDER BY dataset_name`
        if (assigned.length > 0) {
          return yield* conflict(
            `Tag "${identifier}" is assigned to datasets (${assigned.map((row) => row.dataset_name).join(", ")}); ` +
              `unassign it from every dataset before deleting it`
          )
        }
        yield* sql`DELETE FROM sanity_tags WHERE id = ${current.id}`
      }).pipe(sql.withTransaction)

    const datasetTags = (projectId: string, datasetName: string) =>
      Effect.map(tagsByDataset(projectId), (byDataset) => byDataset.get(datasetName) ?? [])

    /** Assigns `tag` to the dataset; assigning it again changes nothing. */
    const assignTag = (tag: TagRow, datasetName: string) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        yield* sql`INSERT INTO sanity_dataset_tags (tag_id, project_id, dataset_name, created_at)
          VALUES (${tag.id}, ${tag.project_id}, ${datasetName}, ${now})
          ON CONFLICT (tag_id, dataset_name) DO NOTHING`
        return tag
      })

    const unassignTag = (tag: TagRow, datasetName: string) =>
      Effect.gen(function*() {
        const rows = yield* sql`DELETE FROM sanity_dataset_tags WHERE tag_id = ${tag.id} AND dataset_name = ${datasetName}
          RETURNING tag_id`
        if (rows.length === 0) {
          return yield* notFound("tag", tag.name, `Tag "${tag.name}" is not assigned to dataset "${datasetName}"`)
        }
      })

    return {
      dataset,
      listDatasets,
      getDataset,
      createDataset,
      updateDataset,
      deleteDataset,
      startCopy,
      copyJobs,
      job,
      setEmbeddings,
      tag: tagNamed,
      listTags,
      createTag,
      updateTag,
      deleteTag,
      datasetTags,
      assignTag,
      unassignTag
    }
  })

export type SanityDatasetStoreService = Effect.Effect.Success<ReturnType<typeof make>>

export class SanityDatasetStore extends Context.Tag("@projectkit/server/SanityDatasetStore")<
  SanityDatasetStore,
  SanityDatasetStoreService
>() {}

export const layer = (durations: LifecycleDurations) => Layer.effect(SanityDatasetStore, make(durations))
