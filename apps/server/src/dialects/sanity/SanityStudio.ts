/**
 * Sanity in the Studio: the organization's members, and its projects with their datasets (ACL
 * mode, tags, embeddings), CORS origins, tokens (label and role, never the secret) and copy jobs,
 * each job's progress as the dialect's job events report it (`SanityWire.jobEvent`), so the
 * Studio's bar and a client's listener agree.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { StudioRecord } from "../../StudioSchemas.js"
import { decodeRows, type DialectStudio, recordsOf, StoredFlag, StoredNumber, type StudioView } from "../../StudioView.js"
import * as SanityHookDeliveries from "./SanityHookDeliveries.js"
import * as SanityWire from "./SanityWire.js"

const MemberRow = Schema.Struct({ user_id: Schema.String, role: Schema.String, created_at: StoredNumber })

const ProjectRow = Schema.Struct({ id: Schema.String, display_name: Schema.String, created_at: StoredNumber })

const DatasetRow = Schema.Struct({
  project_id: Schema.String,
  name: Schema.String,
  acl_mode: Schema.String,
  embeddings_status: Schema.String
})

const DatasetTagRow = Schema.Struct({ project_id: Schema.String, dataset_name: Schema.String, name: Schema.String })

const CorsRow = Schema.Struct({
  id: StoredNumber,
  project_id: Schema.String,
  origin: Schema.String,
  allow_credentials: StoredFlag
})

const TokenRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  label: Schema.String,
  role: Schema.String,
  created_at: StoredNumber
})

/** Every column of a copy job, as `SanityWire.jobEvent` reads it. */
const CopyJobRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  source_dataset: Schema.String,
  target_dataset: Schema.String,
  with_history: StoredNumber,
  acl_mode: Schema.String,
  state: Schema.String,
  author_id: Schema.String,
  created_at: StoredNumber,
  updated_at: StoredNumber
})

const HookMessageRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  hook_id: Schema.String,
  status: Schema.String,
  result_code: Schema.NullOr(StoredNumber),
  failure_count: StoredNumber,
  created_at: StoredNumber
})

/** Work on the server's clock: a copy not done yet, an embeddings index being built. */
const copying: ReadonlySet<string> = new Set(["pending", "running"])

const views = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  // Only the deliveries' SQL: their worker is the dialect Layer's.
  const deliveries = yield* SanityHookDeliveries.make()
  const members = recordsOf(MemberRow, (row): StudioRecord => ({
    id: row.user_id,
    title: row.user_id,
    inFlight: false,
    cells: { user: row.user_id, role: row.role, since: row.created_at }
  }))
  const projects = recordsOf(ProjectRow, (row): StudioRecord => ({
    id: row.id,
    title: row.display_name,
    inFlight: false,
    cells: { id: row.id, createdAt: row.created_at }
  }))
  const datasets = decodeRows(DatasetRow)
  const datasetTags = decodeRows(DatasetTagRow)
  const cors = recordsOf(CorsRow, (row): StudioRecord => ({
    id: String(row.id),
    title: row.origin,
    parent: row.project_id,
    inFlight: false,
    cells: { origin: row.origin, credentials: row.allow_credentials ? "allowed" : "no" }
  }))
  const tokens = recordsOf(TokenRow, (row): StudioRecord => ({
    id: row.id,
    title: row.label,
    parent: row.project_id,
    inFlight: false,
    cells: { label: row.label, role: row.role, createdAt: row.created_at }
  }))
  const copyJobs = recordsOf(CopyJobRow, (row): StudioRecord => ({
    id: row.id,
    title: `Copy to ${row.target_dataset}`,
    parent: row.project_id,
    inFlight: copying.has(row.state),
    cells: {
      from: row.source_dataset,
      to: row.target_dataset,
      state: row.state,
      progress: SanityWire.jobEvent(row).progress
    }
  }))

  const memberView: StudioView = {
    description: {
      id: "members",
      title: "Members",
      layout: "table",
      columns: [
        { key: "user", label: "User", kind: "code" },
        { key: "role", label: "Role", kind: "text" },
        { key: "since", label: "Since", kind: "time" }
      ]
    },
    list: (orgId) =>
      members(sql`SELECT user_id, role, created_at FROM sanity_members WHERE org_id = ${orgId} ORDER BY created_at, user_id`)
  }

  const projectView: StudioView = {
    description: {
      id: "projects",
      title: "Projects",
      layout: "cards",
      columns: [
        { key: "id", label: "", kind: "code" },
        { key: "createdAt", label: "created", kind: "time" }
      ],
      empty: "No project yet."
    },
    list: (orgId) =>
      projects(sql`SELECT id, display_name, created_at FROM sanity_projects WHERE org_id = ${orgId} ORDER BY created_at, id`)
  }

  /** The organization's rows of a table filed under its projects. */
  const ofProjects = (orgId: string) => sql`project_id IN (SELECT id FROM sanity_projects WHERE org_id = ${orgId})`

  const datasetView: StudioView = {
    description: {
      id: "datasets",
      title: "Datasets",
      layout: "table",
      parent: "projects",
      columns: [
        { key: "name", label: "Name", kind: "text" },
        { key: "aclMode", label: "ACL mode", kind: "text" },
        { key: "tags", label: "Tags", kind: "text" },
        { key: "embeddings", label: "Embeddings", kind: "text" }
      ]
    },
    list: (orgId) =>
      Effect.gen(function*() {
        const rows = yield* Effect.flatMap(
          sql`SELECT project_id, name, acl_mode, embeddings_status FROM sanity_datasets
            WHERE ${ofProjects(orgId)} ORDER BY project_id, created_at, name`,
          datasets
        )
        const tagged = yield* Effect.flatMap(
          sql`SELECT dt.project_id, dt.dataset_name, t.name FROM sanity_dataset_tags dt
            JOIN sanity_tags t ON t.id = dt.tag_id WHERE dt.project_id IN (SELECT id FROM sanity_projects WHERE org_id = ${orgId})
            ORDER BY t.name`,
          datasetTags
        )
        const tagsOf = (projectId: string, dataset: string) =>
          tagged.filter((tag) => tag.project_id === projectId && tag.dataset_name === dataset).map((tag) => tag.name).join(", ")
        return rows.map((row): StudioRecord => ({
          id: `${row.project_id}/${row.name}`,
          title: row.name,
          parent: row.project_id,
          inFlight: row.embeddings_status === "updating",
          cells: { name: row.name, aclMode: row.acl_mode, tags: tagsOf(row.project_id, row.name), embeddings: row.embeddings_status }
        }))
      })
  }

  const corsView: StudioView = {
    description: {
      id: "cors",
      title: "CORS origins",
      layout: "table",
      parent: "projects",
      columns: [
        { key: "origin", label: "Origin", kind: "text" },
        { key: "credentials", label: "Credentials", kind: "text" }
      ]
    },
    list: (orgId) =>
      cors(sql`SELECT id, project_id, origin, allow_credentials FROM sanity_cors
            WHERE ${ofProjects(orgId)} AND deleted_at IS NULL ORDER BY project_id, id`)
  }

  const tokenView: StudioView = {
    description: {
      id: "tokens",
      title: "Tokens",
      layout: "table",
      parent: "projects",
      columns: [
        { key: "label", label: "Label", kind: "text" },
        { key: "role", label: "Role", kind: "text" },
        { key: "createdAt", label: "Created", kind: "time" }
      ]
    },
    list: (orgId) =>
      tokens(sql`SELECT id, project_id, label, role, created_at FROM sanity_tokens
            WHERE org_id = ${orgId} ORDER BY created_at, id`)
  }

  const copyJobView: StudioView = {
    description: {
      id: "copy-jobs",
      title: "Copy jobs",
      layout: "table",
      parent: "projects",
      columns: [
        { key: "from", label: "From", kind: "text" },
        { key: "to", label: "To", kind: "text" },
        { key: "state", label: "State", kind: "status" },
        { key: "progress", label: "Progress", kind: "progress" }
      ]
    },
    list: (orgId) =>
      copyJobs(sql`SELECT id, project_id, source_dataset, target_dataset, with_history, acl_mode, state, author_id,
              created_at, updated_at
            FROM sanity_copy_jobs WHERE org_id = ${orgId} ORDER BY created_at, id`)
  }

  const messageRecord = (row: typeof HookMessageRow.Type): StudioRecord => ({
    id: row.id,
    title: `Webhook ${row.hook_id}`,
    parent: row.project_id,
    inFlight: row.status === "queued",
    cells: {
      hook: row.hook_id,
      status: row.status,
      resultCode: row.result_code,
      failures: row.failure_count,
      createdAt: row.created_at
    }
  })
  const hookMessages = recordsOf(HookMessageRow, messageRecord)
  /**
   * Webhooks fired (INF: the emulator holds no documents, so the control plane fires a hook as a
   * document change would): creating a record queues a delivery of the hook its name gives.
   */
  const hookMessageView: StudioView = {
    description: {
      id: "hook-messages",
      title: "Webhook deliveries",
      layout: "table",
      parent: "projects",
      columns: [
        { key: "hook", label: "Webhook", kind: "code" },
        { key: "status", label: "Status", kind: "status" },
        { key: "resultCode", label: "Result", kind: "text" },
        { key: "failures", label: "Failures", kind: "text" },
        { key: "createdAt", label: "Fired", kind: "time" }
      ],
      actions: {
        create: {
          label: "Fire a webhook",
          fields: [
            { key: "name", label: "Webhook id" },
            { key: "operation", label: "Operation", choices: [...SanityHookDeliveries.operations] },
            { key: "document", label: "Document (JSON)" }
          ]
        }
      }
    },
    list: (orgId) => Effect.flatMap(deliveries.ofOrganization(orgId), (rows) => hookMessages(Effect.succeed(rows))),
    create: (caller, input) =>
      Effect.map(
        deliveries.fire(caller.orgId, {
          hookId: input.name,
          operation: input.options?.["operation"],
          document: input.options?.["document"]
        }),
        messageRecord
      )
  }

  return [memberView, projectView, datasetView, corsView, tokenView, copyJobView, hookMessageView]
})

export const studio: DialectStudio = {
  title: "Sanity",
  views: () => views
}
