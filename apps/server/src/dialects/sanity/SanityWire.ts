/**
 * Rows as Sanity sends them: camelCase, ISO timestamps, `null` for unset fields (REC), and the
 * Jobs API's snake_case.
 */
import type { SanityApi } from "@projectkit/sanity"
import * as DateTime from "effect/DateTime"
import type { Who } from "./SanityAccess.js"
import type { AliasRow } from "./SanityAliases.js"
import type { CopyJobRow, DatasetRow, TagRow } from "./SanityDatasetStore.js"
import type { AttemptRow, MessageRow } from "./SanityHookDeliveries.js"
import type { HookRow } from "./SanityHooks.js"
import type { InvitationRow } from "./SanityInvitations.js"
import type { BackupRow, SchemaRow } from "./SanitySchemas.js"
import type { CorsRow, MemberRow, ProjectRow, TokenRow } from "./SanityProjectStore.js"
import * as SanityRoles from "./SanityRoles.js"

const iso = (millis: number | string) => new Date(Number(millis)).toISOString()

/** A role as members and tokens show it (`SanityRoles`: the project's role set). */
const role = (name: string) => {
  const found = SanityRoles.find(name)
  return { name, title: found?.title ?? name, description: found?.description ?? "" }
}


export const member = (row: MemberRow, who: Who) => ({
  id: row.id,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.created_at),
  isCurrentUser: row.id === who.userId,
  isRobot: row.is_robot,
  roles: [role(row.role)]
})

export const project = (
  row: ProjectRow,
  members: ReadonlyArray<MemberRow> | undefined,
  who: Who,
  /** Its plan's features (`SanityPlan`); left out when undefined (listed with `includeFeatures=false`). */
  features: ReadonlyArray<string> | undefined
): SanityApi.Project => ({
  id: row.id,
  displayName: row.display_name,
  studioHost: row.studio_host,
  organizationId: row.org_id,
  isBlocked: false,
  isDisabled: false,
  isDisabledByUser: Number(row.is_disabled_by_user) === 1,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  maxRetentionDays: 90,
  activityFeedEnabled: Number(row.activity_feed_enabled) === 1,
  createdAt: DateTime.unsafeMake(Number(row.created_at)),
  updatedAt: DateTime.unsafeMake(Number(row.updated_at)),
  ...(members === undefined ? {} : { members: members.map((m) => member(m, who)) }),
  ...(features === undefined ? {} : { features }),
  pendingInvites: 0
})

export const cors = (row: CorsRow): SanityApi.CorsOrigin => ({
  id: Number(row.id),
  origin: row.origin,
  allowCredentials: Number(row.allow_credentials) === 1,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  deletedAt: row.deleted_at === null ? null : iso(row.deleted_at),
  projectId: row.project_id
})

export const tagRef = (row: TagRow) => ({ name: row.name, title: row.title })

export const tag = (row: TagRow): SanityApi.Tag => ({
  name: row.name,
  title: row.title,
  description: row.description,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at)
})

export const dataset = (row: DatasetRow, tags: ReadonlyArray<TagRow>): SanityApi.Dataset => ({
  name: row.name,
  aclMode: row.acl_mode as SanityApi.AclMode,
  createdAt: iso(row.created_at),
  createdByUserId: row.created_by,
  tags: tags.map(tagRef)
})

export const datasetResponse = (row: DatasetRow) => ({
  datasetName: row.name,
  aclMode: row.acl_mode as SanityApi.AclMode,
  description: null
})

export const embeddings = (row: DatasetRow): SanityApi.EmbeddingsSettings => ({
  enabled: Number(row.embeddings_enabled) === 1,
  ...(row.embeddings_projection === null ? {} : { projection: row.embeddings_projection }),
  status: row.embeddings_status
})

export const copyJob = (row: CopyJobRow): SanityApi.CopyJob => ({
  id: row.id,
  state: row.state as SanityApi.JobState,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  sourceDataset: row.source_dataset,
  targetDataset: row.target_dataset,
  withHistory: Number(row.with_history) === 1,
  authors: [row.author_id]
})

export const job = (row: CopyJobRow) => ({
  id: row.id,
  state: row.state as SanityApi.JobState,
  authors: [row.author_id],
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at)
})

/** DOC /jobs-api: a `job` event. INF: progress 0 while pending, 50 while running, 100 at the end. */
export const jobEvent = (row: CopyJobRow) => ({
  job_id: row.id,
  state: row.state,
  progress: row.state === "pending" ? 0 : row.state === "running" ? 50 : 100
})

export const token = (row: TokenRow): SanityApi.Token => ({
  id: row.id,
  label: row.label,
  projectUserId: row.project_user_id,
  createdAt: iso(row.created_at),
  roles: [{ name: row.role, title: role(row.role).title }]
})

/** INF: the emulator knows no names or e-mails of people; it makes stable, recognisable ones. */
const personName = (id: string) => `projectkit user ${id.slice(0, 8)}`

export const user = (row: MemberRow, who: Who, projectId?: string): SanityApi.User => ({
  id: row.id,
  sanityUserId: row.id,
  ...(projectId === undefined ? {} : { projectId }),
  displayName: row.is_robot ? row.label ?? row.id : personName(row.id),
  familyName: null,
  givenName: null,
  middleName: null,
  imageUrl: null,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.created_at),
  isCurrentUser: row.id === who.userId,
  provider: row.is_robot ? "sanity-token" : "sanity"
})

/** `/users/me` (OFF `CurrentSanityUser`; robots have no e-mail and provider `sanity-token`). */
export const currentUser = (who: Who): SanityApi.CurrentUser => ({
  id: who.userId,
  name: who.isRobot ? who.label ?? who.userId : personName(who.userId),
  email: who.isRobot ? null : `${who.userId}@users.projectkit.invalid`,
  profileImage: null,
  role: who.role,
  provider: who.isRobot ? "sanity-token" : "sanity"
})

/** OFF CLI: an alias is `{name, datasetName}`. */
export const alias = (row: AliasRow): SanityApi.DatasetAlias => ({ name: row.name, datasetName: row.dataset_name })

/**
 * A token as the Access API shows it, a robot (OFF CLI `services/tokens.ts`): its one project
 * membership; `token`, the secret, only when it was just made or rotated.
 */
export const robot = (row: TokenRow, projectId: string, secret?: string): SanityApi.Robot => ({
  id: row.id,
  label: row.label,
  memberships: [{ resourceType: "project", resourceId: projectId, roleNames: [row.role] }],
  createdAt: iso(row.created_at),
  expiresAt: row.expires_at === null || row.expires_at === undefined ? null : iso(row.expires_at),
  ...(secret === undefined ? {} : { token: secret })
})

/** OFF CLI `getPendingInvitations`: every invitation here is pending (nobody accepts them). */
export const invitation = (row: InvitationRow): SanityApi.Invitation => ({
  id: row.id,
  email: row.email,
  roles: [{ name: row.role, title: role(row.role).title }],
  isAccepted: false,
  isRevoked: false,
  acceptedByUserId: null,
  invitedByUserId: row.invited_by,
  createdAt: iso(row.created_at)
})

/**
 * A webhook: the fields it was given, then the server's (INF: defaults a document webhook has
 * when they were not given; OFF CLI reads `type` and `httpMethod`).
 */
export const hook = (row: HookRow): SanityApi.Hook => {
  const given = JSON.parse(row.fields) as Record<string, unknown>
  const text = (key: string) => typeof given[key] === "string" ? given[key] as string : undefined
  return {
    ...given,
    id: row.id,
    projectId: row.project_id,
    name: text("name") ?? "",
    description: text("description") ?? null,
    dataset: text("dataset") ?? "*",
    url: text("url") ?? "",
    type: text("type") ?? "document",
    httpMethod: text("httpMethod") ?? "POST",
    isDisabled: given["isDisabled"] === true,
    isDisabledByUser: given["isDisabledByUser"] === true,
    createdAt: iso(row.created_at),
    createdByUserId: row.created_by,
    deletedAt: null
  }
}

/** A webhook's delivery (message) as `hooks logs` reads it. */
export const hookMessage = (row: MessageRow): SanityApi.HookMessage => ({
  id: row.id,
  projectId: row.project_id,
  hookId: row.hook_id,
  createdAt: iso(row.created_at),
  status: row.status,
  resultCode: row.result_code === null ? null : Number(row.result_code),
  failureCount: Number(row.failure_count),
  payload: row.payload
})

/** One attempt at a delivery, as `hooks attempt` reads it (each stored attempt is over: never in progress). */
export const hookAttempt = (row: AttemptRow): SanityApi.HookAttempt => ({
  id: row.id,
  projectId: row.project_id,
  hookId: row.hook_id,
  messageId: row.message_id,
  createdAt: iso(row.created_at),
  inProgress: false,
  isFailure: Number(row.is_failure) === 1,
  failureReason: row.failure_reason,
  resultCode: row.result_code === null ? null : Number(row.result_code),
  resultBody: row.result_body,
  duration: Number(row.duration)
})

/** A backup as `backups list` reads it. */
export const backup = (row: BackupRow): typeof SanityApi.Backup.Type => ({ id: row.id, createdAt: iso(row.created_at) })

/**
 * A backup with the page of its files from `start`: each document at its own URL under `base`
 * (the dialect's public base with the request's API version), named by the backup's download key and its place.
 */
export const backupDetails = (row: BackupRow, base: string, start: number, pageSize: number): typeof SanityApi.BackupDetails.Type => {
  const documents = JSON.parse(row.documents) as ReadonlyArray<{ readonly _id?: unknown }>
  const page = documents.slice(start, start + pageSize)
  const next = start + pageSize
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    totalFiles: documents.length,
    files: page.map((document, offset) => ({
      name: `${typeof document._id === "string" ? document._id : String(start + offset)}.json`,
      type: "document" as const,
      url: `${base}/backup-files/${row.download_key}/${start + offset}`
    })),
    nextCursor: next < documents.length ? String(next) : null
  }
}

/** A deployed schema as the API answers it: the document, with its id, type and times. */
export const storedSchema = (row: SchemaRow): SanityApi.StoredSchema => ({
  ...(JSON.parse(row.document) as Omit<SanityApi.StoredSchema, "_id" | "_type" | "_createdAt" | "_updatedAt">),
  _id: row.id,
  _type: "system.schema",
  _createdAt: iso(row.created_at),
  _updatedAt: iso(row.updated_at)
})
