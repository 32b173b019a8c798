/**
 * Sanity's management (Projects) API on the wire, as one `HttpApi`: the reference server
 * implements it, `SanityClient` derives its client from it, and the OpenAPI document comes from it.
 *
 * Sources, strongest first (see ../shared/providers/sanity.md): recorded real traffic (REC), the
 * official docs (DOC, the seed page), Sanity's own tools (OFF: @sanity/client, the CLI), a third
 * party Go client (3P), then inferences marked INF. Response schemas ignore fields they do not
 * know, so new fields of the real service do not break the client.
 *
 * Every path starts with the API version (`v2021-06-07`, any `vYYYY-MM-DD`, `v1`, `vX`). Besides
 * the global form `/projects/{projectId}/…`, Sanity's project host serves shortcuts without the
 * prefix (`https://{projectId}.api.sanity.io/v…/datasets/…`); the project is then named by the
 * host or, as `@sanity/client` sends it with `useProjectHostname: false`, by `X-Sanity-Project-ID`.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import { ContractDocument } from "@projectkit/http"
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { BadRequest, Conflict, Forbidden, InternalServerError, NotFound, TooManyRequests, Unauthorized } from "./SanityErrors.js"

// ---------------------------------------------------------------------------------------------
// Errors: Boom style `{statusCode, error, message}`, declared in SanityErrors with what they mean
// ---------------------------------------------------------------------------------------------

export {
  BadRequest,
  Conflict,
  Forbidden,
  InternalServerError,
  NotFound,
  reasonPhrase,
  type SanityWireError,
  TooManyRequests,
  Unauthorized
} from "./SanityErrors.js"

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** A project role (REC, DOC); `deploy-studio` and `contributor` exist for tokens (REC, 3P). */
export const RoleName = Schema.Literal("administrator", "developer", "editor", "viewer", "contributor", "deploy-studio")
export type RoleName = typeof RoleName.Type

/** Who a bearer token belongs to, as the server resolves it. */
export class SanityPrincipal extends Context.Tag("@projectkit/sanity/SanityPrincipal")<
  SanityPrincipal,
  {
    readonly organizationId: string
    readonly userId: string
    readonly role: RoleName
    /** A project token (robot) is confined to its project; a personal token is not (null). */
    readonly projectId: string | null
    readonly isRobot: boolean
    /** A project token's label. */
    readonly label?: string | undefined
    /** A project token's id (the Access API's robot id). */
    readonly tokenId?: string | undefined
  }
>() {}

/** `Authorization: Bearer <token>`; a missing or unknown token is a 401. */
export class SanityAuth extends HttpApiMiddleware.Tag<SanityAuth>()("@projectkit/sanity/SanityAuth", {
  failure: Unauthorized,
  provides: SanityPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/**
 * Whether `vYYYY-MM-DD` names a real calendar day after 1970-01-01. OFF `@sanity/client`
 * validateApiVersion refuses a date `new Date` cannot read or that is not after the epoch
 * ("Invalid API version string, expected `1` or date in format `YYYY-MM-DD`"); INF: the server
 * refuses as well a day the month does not have (`v2021-02-30`, which `new Date` rolls over).
 */
const isApiVersionDate = (version: string): boolean => {
  const match = /^v(\d{4})-(\d{2})-(\d{2})$/.exec(version)
  if (match === null) return true
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getTime() > 0 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** `v1`, `vX` or `vYYYY-MM-DD`, a real date (OFF `@sanity/client` validateApiVersion). */
export const ApiVersion = Schema.String.pipe(
  Schema.pattern(/^v(1|X|\d{4}-\d{2}-\d{2})$/, { description: "v2021-06-07, any vYYYY-MM-DD, v1 or vX" }),
  Schema.filter((version) => isApiVersionDate(version), {
    message: () => "Invalid API version string, expected `1`, `X` or a date in format `YYYY-MM-DD`"
  }),
  Schema.annotations({ identifier: "ApiVersion", description: "v2021-06-07, any real date vYYYY-MM-DD, v1 or vX" })
)

export const defaultApiVersion = "v2021-06-07"

const Deleted = Schema.Struct({ deleted: Schema.Boolean }).annotations({ identifier: "Deleted" })

const BooleanParam = Schema.Literal("true", "false")

/** The project host form names its project by header (what @sanity/client sends) or by host. */
export const ProjectHostHeaders = Schema.Struct({
  "x-sanity-project-id": Schema.optional(Schema.String.annotations({
    description: "The project, unless the Host is {projectId}.api.sanity.io; naming it neither way is a 400"
  })),
  host: Schema.optional(Schema.String)
})

/**
 * Rules the server checks in its handlers rather than its decoder (after authentication, the
 * project's existence and the caller's grant, so a refusal keeps its place among them). The schemas
 * below only carry them as annotations, for the document (`jsonSchema`) and for generated requests
 * (`arbitrary`): the wire behaviour is the handlers'.
 */
const checked = <A>(
  schema: Schema.Schema<A, A>,
  rule: { readonly description: string; readonly pattern: string; readonly generate: NonNullable<Schema.Annotations.Schema<A>["arbitrary"]> }
) => schema.annotations({ description: rule.description, jsonSchema: { pattern: rule.pattern }, arbitrary: rule.generate })

/** DOC: 1–64 characters, only a-z, 0-9, `-` and `_`, beginning and ending with a letter or a number. */
const datasetNamePattern = "^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$"

/** A dataset name where one is created (a dataset, a copy's target): another is a 400. */
export const NewDatasetName = checked(Schema.String, {
  description: "1-64 characters: lowercase letters, numbers, underscores and dashes, beginning and ending with a letter or number",
  pattern: datasetNamePattern,
  generate: () => (fc) => fc.stringMatching(new RegExp(datasetNamePattern))
})

/** Text that must not be blank (a tag's title). */
const NonBlank = checked(Schema.String, {
  description: "Not blank",
  pattern: "\\S",
  generate: () => (fc) => fc.string({ minLength: 1 }).filter((text) => text.trim() !== "")
})

/** A free-form metadata object; `null` values in a PATCH remove keys. */
const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** 3P: a colour in a project's metadata is lowercase hex (checked when a PATCH sets it: 400 otherwise). */
const colorPattern = "^#[0-9a-f]{3}([0-9a-f]{3})?$"

// ---------------------------------------------------------------------------------------------
// Projects (DOC seed, REC)
// ---------------------------------------------------------------------------------------------

export const MemberRole = Schema.Struct({
  name: Schema.String,
  title: Schema.String,
  description: Schema.optional(Schema.String)
}).annotations({ identifier: "MemberRole" })

/** The current member shape (REC); the legacy `{id, role, …}` one decodes too (client types). */
export const ProjectMember = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String),
  isCurrentUser: Schema.Boolean,
  isRobot: Schema.Boolean,
  roles: Schema.optional(Schema.Array(MemberRole)),
  role: Schema.optional(Schema.String)
}).annotations({ identifier: "ProjectMember" })

export const Project = Schema.Struct({
  id: Schema.String,
  displayName: Schema.String,
  studioHost: Schema.NullOr(Schema.String),
  organizationId: Schema.NullOr(Schema.String),
  isBlocked: Schema.Boolean,
  isDisabled: Schema.Boolean,
  isDisabledByUser: Schema.Boolean,
  metadata: Metadata,
  maxRetentionDays: Schema.optional(Schema.NullOr(Schema.Number)),
  activityFeedEnabled: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  /** Left out when listed with `includeMembers=false`. */
  members: Schema.optional(Schema.Array(ProjectMember)),
  /** Left out when listed with `includeFeatures=false`. */
  features: Schema.optional(Schema.Array(Schema.String)),
  pendingInvites: Schema.optional(Schema.Number)
}).annotations({ identifier: "Project" })
export type Project = typeof Project.Type

export const ListProjectsParams = Schema.Struct({
  includeMembers: Schema.optional(BooleanParam),
  includeFeatures: Schema.optional(BooleanParam),
  organizationId: Schema.optional(Schema.String),
  onlyExplicitMembership: Schema.optional(BooleanParam)
})

/** OFF CLI: a display name is not blank and has 80 characters at most (INF: the server's rule too). */
export const DisplayName = Schema.String.pipe(
  Schema.filter((name) => name.trim().length > 0 || "displayName must not be blank", { jsonSchema: { pattern: "\\S" } }),
  Schema.maxLength(80)
)

export const CreateProjectRequest = Schema.Struct({
  displayName: DisplayName,
  organizationId: Schema.optional(Schema.String),
  metadata: Schema.optional(Metadata),
  subscription: Schema.optional(Schema.Struct({ planId: Schema.optional(Schema.String) }))
}).annotations({ identifier: "CreateProjectRequest" })

export const UpdateProjectRequest = Schema.Struct({
  displayName: Schema.optional(DisplayName),
  /** 3P: set once (changing a set one is a 400); lowercase letters, numbers and dashes. */
  studioHost: Schema.optional(checked(Schema.String, {
    description: "Lowercase letters, numbers and dashes (1-63, not beginning or ending with a dash); set once: " +
      "changing a project's studio host is refused with 400",
    pattern: "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    generate: () => (fc) => fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
  })),
  /** Merged into the stored metadata; a key set to `null` is removed (3P). */
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
    description: "Merged into the stored metadata; a key set to null is removed. A color must be lowercase hex (#rgb or #rrggbb).",
    jsonSchema: { properties: { color: { anyOf: [{ type: "string", pattern: colorPattern }, { type: "null" }] } } }
  })),
  isDisabledByUser: Schema.optional(Schema.Boolean),
  activityFeedEnabled: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "UpdateProjectRequest" })

// ---------------------------------------------------------------------------------------------
// CORS origins (REC)
// ---------------------------------------------------------------------------------------------

export const CorsOrigin = Schema.Struct({
  id: Schema.Number,
  origin: Schema.String,
  allowCredentials: Schema.Boolean,
  createdAt: Schema.String,
  updatedAt: Schema.optional(Schema.NullOr(Schema.String)),
  deletedAt: Schema.optional(Schema.NullOr(Schema.String)),
  projectId: Schema.optional(Schema.String)
}).annotations({ identifier: "CorsOrigin" })
export type CorsOrigin = typeof CorsOrigin.Type

/**
 * DOC /cors: `protocol://hostname[:port]`, `*` wildcards allowed in the host and port; the CLI's
 * specials `*`, `null` and `file:///*`; surrounding spaces ignored (the server's `normalizeOrigin`).
 */
const originPattern = "^\\s*(?:\\*|null|file:///\\*|(?![Ff][Ii][Ll][Ee]:)[A-Za-z][A-Za-z0-9+.-]*://" +
  "(?:(?:\\*|[A-Za-z0-9-]+)(?:\\.(?:\\*|[A-Za-z0-9-]+))*|\\[[0-9A-Fa-f:]+\\])(?::(?:\\d{1,5}|\\*))?/?)\\s*$"

export const CreateCorsRequest = Schema.Struct({
  origin: checked(Schema.String, {
    description: "protocol://hostname[:port] (* wildcards allowed in the host and port), or *, null or file:///*; " +
      "anything else is refused with 400",
    pattern: originPattern,
    generate: () => (fc) =>
      fc.oneof(
        fc.constantFrom("*", "null", "file:///*"),
        fc.tuple(fc.constantFrom("http", "https"), fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
          .map(([protocol, host, port]) => `${protocol}://${host}${port === undefined ? "" : `:${port}`}`)
      )
  }),
  allowCredentials: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "CreateCorsRequest" })

export const CorsDeleted = Schema.Struct({ id: Schema.Number, deleted: Schema.Boolean })

// ---------------------------------------------------------------------------------------------
// Datasets (REC, DOC, OFF)
// ---------------------------------------------------------------------------------------------

export const AclMode = Schema.Literal("public", "private", "custom")
export type AclMode = typeof AclMode.Type

export const TagRef = Schema.Struct({ name: Schema.String, title: Schema.String }).annotations({ identifier: "TagRef" })

export const Dataset = Schema.Struct({
  name: Schema.String,
  aclMode: AclMode,
  createdAt: Schema.String,
  createdByUserId: Schema.NullOr(Schema.String),
  tags: Schema.optionalWith(Schema.Array(TagRef), { default: () => [] }),
  addonFor: Schema.optional(Schema.NullOr(Schema.String)),
  datasetProfile: Schema.optional(Schema.String),
  features: Schema.optional(Schema.Array(Schema.String))
}).annotations({ identifier: "Dataset" })
export type Dataset = typeof Dataset.Type

export const EmbeddingsRequest = Schema.Struct({
  enabled: Schema.Boolean,
  /** OFF CLI: a GROQ projection, `{…}` (checked by the server: another is a 400). */
  projection: Schema.optional(checked(Schema.String, {
    description: "A GROQ projection, such as {title, author}",
    pattern: "^\\s*\\{[\\s\\S]*\\}\\s*$",
    generate: () => (fc) => fc.string().map((fields) => `{${fields.replace(/[{}]/g, "")}}`)
  }))
}).annotations({ identifier: "EmbeddingsRequest" })

/** The body may be empty: `@sanity/client` sends none for `datasets.create(name)`. */
export const CreateDatasetRequest = Schema.NullOr(
  Schema.Struct({
    aclMode: Schema.optional(AclMode),
    embeddings: Schema.optional(EmbeddingsRequest)
  })
).annotations({ identifier: "CreateDatasetRequest" })

export const UpdateDatasetRequest = Schema.NullOr(
  Schema.Struct({ aclMode: Schema.optional(AclMode) })
).annotations({ identifier: "UpdateDatasetRequest" })

/** REC: `{"datasetName":"tfvcr","aclMode":"public","description":null}`. */
export const DatasetResponse = Schema.Struct({
  datasetName: Schema.String,
  aclMode: AclMode,
  description: Schema.optional(Schema.NullOr(Schema.String))
}).annotations({ identifier: "DatasetResponse" })

// ---------------------------------------------------------------------------------------------
// Dataset copy and jobs (DOC /copy-api, /jobs-api; OFF CLI; 3P)
// ---------------------------------------------------------------------------------------------

export const CopyRequest = Schema.Struct({
  targetDataset: NewDatasetName,
  skipHistory: Schema.optional(Schema.Boolean),
  skipContentReleases: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "CopyRequest" })

export const CopyStarted = Schema.Struct({
  datasetName: Schema.String,
  message: Schema.String,
  aclMode: AclMode,
  jobId: Schema.String
}).annotations({ identifier: "CopyStarted" })

/** 3P's states; the emulator goes pending → running → completed (or failed). */
export const JobState = Schema.Literal("pending", "running", "completed", "terminating", "terminated", "failed")
export type JobState = typeof JobState.Type

export const CopyJob = Schema.Struct({
  id: Schema.String,
  state: JobState,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  sourceDataset: Schema.String,
  targetDataset: Schema.String,
  withHistory: Schema.Boolean,
  authors: Schema.optional(Schema.Array(Schema.String))
}).annotations({ identifier: "CopyJob" })
export type CopyJob = typeof CopyJob.Type

/** A comma-separated list of states (3P), decoded to the list. */
const StateList = Schema.transform(Schema.String, Schema.Array(JobState), {
  strict: false,
  decode: (text) => text.split(",").map((state) => state.trim()).filter((state) => state !== ""),
  encode: (states) => states.join(",")
}).annotations({
  jsonSchema: {
    type: "string",
    description: `Comma separated job states, each one of ${JobState.literals.join(", ")}`
  }
})

export const CopyJobsParams = Schema.Struct({
  /** Default 0 (OFF CLI). */
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()).annotations({
    jsonSchema: { type: "integer", minimum: 0, description: "How many jobs to skip, default 0" }
  })),
  /** Default 10, at most 1000 (OFF CLI help). */
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000)).annotations({
    jsonSchema: { type: "integer", minimum: 1, maximum: 1000, description: "How many jobs, 1 to 1000, default 10" }
  })),
  state: Schema.optional(StateList)
})

/** The Jobs API answers in snake_case (DOC /jobs-api). */
export const Job = Schema.Struct({
  id: Schema.String,
  state: JobState,
  authors: Schema.Array(Schema.String),
  created_at: Schema.String,
  updated_at: Schema.String
}).annotations({ identifier: "Job" })

/** One server-sent event of `GET /jobs/{jobId}/listen`. */
export interface JobEvent {
  readonly event: string
  readonly data: unknown
}

/** The events of a complete `text/event-stream` body. */
export const parseEvents = (text: string): ReadonlyArray<JobEvent> =>
  text.split(/\r?\n\r?\n/).flatMap((block) => {
    let event = "message"
    const data: Array<string> = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim()
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart())
    }
    if (data.length === 0) return []
    const text = data.join("\n")
    try {
      return [{ event, data: JSON.parse(text) as unknown }]
    } catch {
      return [{ event, data: text }]
    }
  })

// ---------------------------------------------------------------------------------------------
// Embeddings settings (DOC seed, OFF client)
// ---------------------------------------------------------------------------------------------

export const EmbeddingsStatus = Schema.Literal("ready", "updating", "error", "inactive")

export const EmbeddingsSettings = Schema.Struct({
  enabled: Schema.Boolean,
  projection: Schema.optional(Schema.String),
  status: Schema.String
}).annotations({ identifier: "EmbeddingsSettings" })
export type EmbeddingsSettings = typeof EmbeddingsSettings.Type

// ---------------------------------------------------------------------------------------------
// Users (DOC seed, OFF client types)
// ---------------------------------------------------------------------------------------------

export const User = Schema.Struct({
  id: Schema.String,
  sanityUserId: Schema.optional(Schema.String),
  projectId: Schema.optional(Schema.String),
  displayName: Schema.String,
  familyName: Schema.NullOr(Schema.String),
  givenName: Schema.NullOr(Schema.String),
  middleName: Schema.optional(Schema.NullOr(Schema.String)),
  imageUrl: Schema.NullOr(Schema.String),
  createdAt: Schema.String,
  updatedAt: Schema.String,
  isCurrentUser: Schema.optional(Schema.Boolean),
  provider: Schema.optional(Schema.String)
}).annotations({ identifier: "User" })
export type User = typeof User.Type

/** `GET /users/me` (OFF `CurrentSanityUser`). */
export const CurrentUser = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  profileImage: Schema.optional(Schema.NullOr(Schema.String)),
  role: Schema.optional(Schema.String),
  provider: Schema.String
}).annotations({ identifier: "CurrentUser" })
export type CurrentUser = typeof CurrentUser.Type

/** `/users/me`, one user, or `/users/{id1},{id2}` (OFF). */
export const UserLookup = Schema.Union(Schema.Array(User), CurrentUser, User)

// ---------------------------------------------------------------------------------------------
// Tokens (REC)
// ---------------------------------------------------------------------------------------------

const TokenRole = Schema.Struct({ name: Schema.String, title: Schema.String })

export const Token = Schema.Struct({
  id: Schema.String,
  label: Schema.String,
  projectUserId: Schema.String,
  createdAt: Schema.String,
  roles: Schema.Array(TokenRole)
}).annotations({ identifier: "Token" })
export type Token = typeof Token.Type

export const CreateTokenRequest = Schema.Struct({
  label: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  /** A role a robot may have (checked by the server: another is a 400). */
  roleName: Schema.String.annotations({
    jsonSchema: { enum: RoleName.literals },
    arbitrary: () => (fc) => fc.constantFrom(...RoleName.literals)
  })
}).annotations({ identifier: "CreateTokenRequest" })

/** The secret `key` is in this answer only; lists never show it again (REC, DOC). */
export const CreatedToken = Schema.Struct({
  id: Schema.String,
  key: Schema.String,
  roles: Schema.Array(TokenRole),
  label: Schema.String,
  projectUserId: Schema.String
}).annotations({ identifier: "CreatedToken" })

export const TokenDeleted = Schema.Struct({ id: Schema.String, deleted: Schema.Boolean })

// ---------------------------------------------------------------------------------------------
// Tags (DOC seed, 3P)
// ---------------------------------------------------------------------------------------------

/** INF: the tag's identifier in paths is its `name`. */
export const Tag = Schema.Struct({
  name: Schema.String,
  title: Schema.String,
  description: Schema.optional(Schema.NullOr(Schema.String)),
  metadata: Schema.optional(Metadata),
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
}).annotations({ identifier: "Tag" })
export type Tag = typeof Tag.Type

/** INF: a tag's name follows the dataset naming rule (checked by the server: 400). */
const TagName = checked(Schema.String, {
  description: "1-64 characters: lowercase letters, numbers, underscores and dashes, beginning and ending with a letter or number",
  pattern: datasetNamePattern,
  generate: () => (fc) => fc.stringMatching(new RegExp(datasetNamePattern))
})

export const CreateTagRequest = Schema.Struct({
  name: TagName,
  title: NonBlank,
  description: Schema.optional(Schema.String),
  /** The seed says `metadata.color`, 3P sends `metadata.tone`: any object is kept and echoed. */
  metadata: Schema.optional(Metadata)
}).annotations({ identifier: "CreateTagRequest" })

export const UpdateTagRequest = Schema.Struct({
  name: Schema.optional(TagName),
  title: Schema.optional(NonBlank),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  metadata: Schema.optional(Metadata)
}).annotations({ identifier: "UpdateTagRequest" })

// ---------------------------------------------------------------------------------------------
// Dataset aliases (OFF CLI `services/datasetAliases.ts`, project host, v2025-09-16)
// ---------------------------------------------------------------------------------------------

/** OFF CLI: an alias is `{name, datasetName}` (the name without the `~` prefix; unlinked: null). */
export const DatasetAlias = Schema.Struct({
  name: Schema.String,
  datasetName: Schema.NullOr(Schema.String)
}).annotations({ identifier: "DatasetAlias" })
export type DatasetAlias = typeof DatasetAlias.Type

/** OFF CLI: `alias create` sends `{datasetName}` or no body at all (an alias linked to nothing). */
export const CreateAliasRequest = Schema.NullOr(
  Schema.Struct({ datasetName: Schema.optional(Schema.NullOr(Schema.String)) })
).annotations({ identifier: "CreateAliasRequest" })

export const LinkAliasRequest = Schema.Struct({ datasetName: Schema.String }).annotations({ identifier: "LinkAliasRequest" })

/** OFF CLI: `alias unlink` prints the answer's `datasetName`, the dataset the alias was linked to. */
export const UnlinkedAlias = Schema.Struct({
  name: Schema.String,
  datasetName: Schema.NullOr(Schema.String)
}).annotations({ identifier: "UnlinkedAlias" })

// ---------------------------------------------------------------------------------------------
// Roles, Access API robots, invitations (OFF CLI `services/tokens.ts`, `services/projects.ts`)
// ---------------------------------------------------------------------------------------------

/** A project role as `GET /projects/{id}/roles` and the Access API's role list give it. */
export const ProjectRole = Schema.Struct({
  name: Schema.String,
  title: Schema.String,
  description: Schema.String,
  isCustom: Schema.Boolean,
  projectId: Schema.optional(Schema.String),
  appliesToUsers: Schema.Boolean,
  appliesToRobots: Schema.Boolean
}).annotations({ identifier: "ProjectRole" })
export type ProjectRole = typeof ProjectRole.Type

/** OFF CLI: the Access API's lists are pages `{data, nextCursor}`; `nextCursor` is null on the last. */
const AccessPage = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({ data: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })

/** A page's cursor: opaque, as the previous page answered it. */
const Cursor = Schema.String.annotations({
  description: "The nextCursor of the previous page (checked by the server: another is refused with 400)"
})

export const AccessPageParams = Schema.Struct({
  nextCursor: Schema.optional(Cursor),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)).annotations({
    jsonSchema: { type: "integer", minimum: 1, maximum: 100, description: "Items per page, 1 to 100, default 100" }
  }))
})

export const RobotMembership = Schema.Struct({
  resourceType: Schema.String,
  resourceId: Schema.String,
  roleNames: Schema.Array(Schema.String)
}).annotations({ identifier: "RobotMembership" })

/** OFF CLI: a robot (a token); `token`, its secret, only in the answers that create or rotate it. */
export const Robot = Schema.Struct({
  id: Schema.String,
  label: Schema.String,
  memberships: Schema.Array(RobotMembership),
  createdAt: Schema.String,
  expiresAt: Schema.NullOr(Schema.String),
  token: Schema.optional(Schema.String)
}).annotations({ identifier: "Robot" })
export type Robot = typeof Robot.Type

export const RobotPage = AccessPage(Robot).annotations({ identifier: "RobotPage" })
export const RolePage = AccessPage(ProjectRole).annotations({ identifier: "RolePage" })

export const CreateRobotRequest = Schema.Struct({
  label: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  memberships: Schema.Array(RobotMembership).pipe(Schema.minItems(1), Schema.maxItems(1)).annotations({
    description: "One membership, of the project in the path (resourceType \"project\", resourceId its id), with one " +
      "role a robot may have (checked by the server: 400 otherwise)"
  }),
  /** An ISO 8601 time in the future (checked by the server: 400 otherwise). */
  expiresAt: Schema.optional(Schema.NullOr(Schema.String))
}).annotations({ identifier: "CreateRobotRequest" })

export const CreateRobotParams = Schema.Struct({ sendNotification: Schema.optional(BooleanParam) })

/** OFF CLI `getPendingInvitations`: the fields it reads. */
export const Invitation = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  roles: Schema.Array(Schema.Struct({ name: Schema.String, title: Schema.String })),
  isAccepted: Schema.Boolean,
  isRevoked: Schema.Boolean,
  acceptedByUserId: Schema.NullOr(Schema.String),
  invitedByUserId: Schema.String,
  createdAt: Schema.String
}).annotations({ identifier: "Invitation" })
export type Invitation = typeof Invitation.Type

export const CreateInvitationRequest = Schema.Struct({
  email: checked(Schema.String, {
    description: "An email address",
    pattern: "^[^@\\s]+@[^@\\s]+$",
    generate: () => (fc) => fc.emailAddress()
  }),
  role: Schema.String
}).annotations({ identifier: "CreateInvitationRequest" })

// ---------------------------------------------------------------------------------------------
// Organizations (OFF CLI `services/organizations.ts`, v2025-05-14: what `projects create` reads)
// ---------------------------------------------------------------------------------------------

/** OFF CLI: it finds an organization by `id` or `slug` and shows its `name`. */
export const Organization = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.NullOr(Schema.String),
  createdAt: Schema.optional(Schema.String)
}).annotations({ identifier: "Organization" })

/**
 * OFF CLI `hasProjectAttachGrant`: the caller's grants on the organization, by permission group,
 * each a list of resources with their grants' names (`sanity.organization.projects` → `attach`).
 */
export const OrganizationGrants = Schema.Record({
  key: Schema.String,
  value: Schema.Array(Schema.Struct({ grants: Schema.Array(Schema.Struct({ name: Schema.String })) }))
}).annotations({ identifier: "OrganizationGrants" })

// ---------------------------------------------------------------------------------------------
// Webhooks (OFF CLI `services/hooks.ts`, global, v2025-08-04; the Terraform provider's go-sanity)
// ---------------------------------------------------------------------------------------------

/**
 * A webhook as stored: the fields it was created with (kept and echoed as given, so fields this
 * contract does not name survive), and the server's own. OFF CLI reads `id`, `name`, `dataset`,
 * `url`, `type`, `httpMethod`, `description`.
 */
export const Hook = Schema.Struct(
  {
    id: Schema.String,
    projectId: Schema.String,
    name: Schema.String,
    description: Schema.NullOr(Schema.String),
    dataset: Schema.String,
    url: Schema.String,
    type: Schema.String,
    httpMethod: Schema.optional(Schema.String),
    apiVersion: Schema.optional(Schema.String),
    isDisabled: Schema.Boolean,
    isDisabledByUser: Schema.Boolean,
    createdAt: Schema.String,
    createdByUserId: Schema.String,
    deletedAt: Schema.NullOr(Schema.String)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "Hook" })
export type Hook = typeof Hook.Type

/** A webhook's URL: absolute http(s) (INF: the real API delivers over http(s) only); another is a 400. */
export const hookUrlPattern = "^https?://[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d{1,5})?(?:/[^\\s]*)?$"

export const HookUrl = checked(Schema.String, {
  description: "An absolute http(s) URL; anything else is refused with 400",
  pattern: hookUrlPattern,
  generate: () => (fc) =>
    fc.tuple(fc.constantFrom("http", "https"), fc.domain(), fc.webPath())
      .map(([protocol, host, path]) => `${protocol}://${host}${path}`)
})

/** What a webhook is created with: its name, dataset and URL at least; anything else is kept. */
export const CreateHookRequest = Schema.Struct(
  {
    name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
    dataset: Schema.String.pipe(Schema.minLength(1)),
    url: HookUrl,
    type: Schema.optional(Schema.Literal("document", "transaction")),
    description: Schema.optional(Schema.NullOr(Schema.String)),
    httpMethod: Schema.optional(Schema.Literal("POST", "PUT", "PATCH", "DELETE", "GET")),
    isDisabledByUser: Schema.optional(Schema.Boolean)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "CreateHookRequest" })

/** A change: the fields sent replace the stored ones. */
export const UpdateHookRequest = Schema.Record({ key: Schema.String, value: Schema.Unknown })
  .annotations({ identifier: "UpdateHookRequest" })

/**
 * OFF CLI `hooks logs`: a delivery (message) of a webhook fired, newest first. The CLI reads
 * `id`, `createdAt`, `status`, `resultCode`, `failureCount` and `payload` (the body sent, JSON text).
 */
export const HookMessage = Schema.Struct({
  id: Schema.String,
  projectId: Schema.String,
  hookId: Schema.String,
  createdAt: Schema.String,
  /** INF: `queued` (an attempt is due), `delivered`, or `failed` (the attempts ran out). */
  status: Schema.String,
  resultCode: Schema.NullOr(Schema.Number),
  failureCount: Schema.Number,
  payload: Schema.String
}).annotations({ identifier: "HookMessage" })
export type HookMessage = typeof HookMessage.Type

/**
 * OFF CLI `hooks logs --detailed` and `hooks attempt`: one attempt at delivering a message. The CLI
 * reads `id`, `messageId`, `createdAt`, `inProgress`, `isFailure`, `failureReason` (`http`,
 * `network`, `timeout`, `other`), `resultCode`, `resultBody` and `duration` (milliseconds).
 */
export const HookAttempt = Schema.Struct({
  id: Schema.String,
  projectId: Schema.String,
  hookId: Schema.String,
  messageId: Schema.String,
  createdAt: Schema.String,
  inProgress: Schema.Boolean,
  isFailure: Schema.Boolean,
  failureReason: Schema.NullOr(Schema.String),
  resultCode: Schema.NullOr(Schema.Number),
  resultBody: Schema.NullOr(Schema.String),
  duration: Schema.Number
}).annotations({ identifier: "HookAttempt" })
export type HookAttempt = typeof HookAttempt.Type

// ---------------------------------------------------------------------------------------------
// Deployed schemas (OFF CLI `services/schemas.ts`, global, v2025-03-01) and backups (`services/backup.ts`)
// ---------------------------------------------------------------------------------------------

/** One workspace's schema as `schemas deploy` sends it. */
export const WorkspaceSchema = Schema.Struct({
  workspace: Schema.Struct({ name: Schema.String.pipe(Schema.minLength(1)), title: Schema.optional(Schema.String) }),
  schema: Schema.Unknown,
  version: Schema.optional(Schema.String),
  tag: Schema.optional(Schema.String)
}).annotations({ identifier: "WorkspaceSchema" })

export const DeploySchemasRequest = Schema.Struct({
  schemas: Schema.Array(WorkspaceSchema).pipe(Schema.minItems(1))
}).annotations({ identifier: "DeploySchemasRequest" })

export const DeployedSchemas = Schema.Struct({ documentIds: Schema.Array(Schema.String) })
  .annotations({ identifier: "DeployedSchemas" })

/** A stored schema document (OFF CLI `listSchemas` reads `_id`, `_createdAt`, `workspace.name`). */
export const StoredSchema = Schema.Struct({
  _id: Schema.String,
  _type: Schema.String,
  _createdAt: Schema.String,
  _updatedAt: Schema.String,
  workspace: Schema.Struct({ name: Schema.String, title: Schema.optional(Schema.String) }),
  schema: Schema.Unknown,
  version: Schema.optional(Schema.String),
  tag: Schema.optional(Schema.String)
}).annotations({ identifier: "StoredSchema" })
export type StoredSchema = typeof StoredSchema.Type

export const BackupSettingsRequest = Schema.Struct({ enabled: Schema.Boolean }).annotations({ identifier: "BackupSettingsRequest" })
export const BackupSettings = Schema.Struct({ enabled: Schema.Boolean }).annotations({ identifier: "BackupSettings" })

/** OFF CLI `backups list`: `{backups: [{id, createdAt}]}`. */
export const Backup = Schema.Struct({ id: Schema.String, createdAt: Schema.String }).annotations({ identifier: "Backup" })
export const BackupList = Schema.Struct({ backups: Schema.Array(Backup) }).annotations({ identifier: "BackupList" })

/**
 * One file of a backup (OFF CLI `backups download`): a document, or an asset (`file`, `image`),
 * fetched at `url` with no token (the real service hands out signed storage URLs).
 */
export const BackupFile = Schema.Struct({
  name: Schema.String,
  type: Schema.Literal("document", "file", "image"),
  url: Schema.String
}).annotations({ identifier: "BackupFile" })

/**
 * A backup with one page of its files (OFF CLI `PaginatedGetBackupStream`: reads `totalFiles`,
 * `files`, and asks again with `nextCursor` until it is empty or null).
 */
export const BackupDetails = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.String,
  totalFiles: Schema.Number,
  files: Schema.Array(BackupFile),
  nextCursor: Schema.NullOr(Schema.String)
}).annotations({ identifier: "BackupDetails" })

export const BackupDetailsParams = Schema.Struct({ nextCursor: Schema.optional(Cursor) })

/** A document of a backup, as its file's URL answers it: the JSON document (OFF CLI: one NDJSON line each). */
export const BackupDocument = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "BackupDocument"
})

export const BackupListParams = Schema.Struct({
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive()).annotations({
    jsonSchema: { type: "integer", minimum: 1, description: "How many backups" }
  })),
  after: Schema.optional(Schema.String.annotations({ description: "A date or time (checked by the server: 400 otherwise)" })),
  before: Schema.optional(Schema.String.annotations({ description: "A date or time (checked by the server: 400 otherwise)" }))
})

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

const V = Schema.Struct({ apiVersion: ApiVersion })
const P = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String })
const PD = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, name: Schema.String })
/** A new dataset's path: its name is checked (400), where other routes only look it up (404). */
const NewPD = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, name: NewDatasetName })
// (Composed rather than refined, so the document can say "integer": an `int()` refinement's own
// JSON Schema hides an annotation saying so.)
const CorsId = Schema.compose(Schema.NumberFromString, Schema.Int).annotations({
  jsonSchema: { type: "integer", description: "A CORS origin's id" }
})

/**
 * A group of Sanity's API. Every endpoint needs a bearer token (`SanityAuth`, whose failure is the
 * 401) and may answer a 400, 403, 404 or 409 in Sanity's error body (the API adds 429 and 500):
 * declared here once, for the whole group, rather than again on each endpoint.
 */
const group = <const Name extends string>(name: Name) =>
  HttpApiGroup.make(name)
    .addError(BadRequest)
    .addError(Forbidden)
    .addError(NotFound)
    .addError(Conflict)
    .middleware(SanityAuth)

// Group names are unique across every dialect the server mounts, hence the `sanity` prefix.
export class ProjectsGroup extends group("sanityProjects")
  .add(
    HttpApiEndpoint.get("list", "/:apiVersion/projects")
      .setPath(V)
      .setUrlParams(ListProjectsParams)
      .addSuccess(Schema.Array(Project))
  )
  .add(
    HttpApiEndpoint.post("create", "/:apiVersion/projects")
      .setPath(V)
      .setPayload(CreateProjectRequest)
      .addSuccess(Project, { status: 201 })
  )
  .add(HttpApiEndpoint.get("get", "/:apiVersion/projects/:projectId").setPath(P).addSuccess(Project))
  .add(
    HttpApiEndpoint.patch("update", "/:apiVersion/projects/:projectId")
      .setPath(P)
      .setPayload(UpdateProjectRequest)
      .addSuccess(Project)
  )
  .add(
    // INF (3P): `{deleted: true}`.
    HttpApiEndpoint.del("delete", "/:apiVersion/projects/:projectId")
      .setPath(P)
      .addSuccess(Deleted)
  )
  .annotate(OpenApi.Title, "Projects")
{}

export class CorsGroup extends group("sanityCors")
  .add(
    HttpApiEndpoint.get("list", "/:apiVersion/projects/:projectId/cors").setPath(P)
      .addSuccess(Schema.Array(CorsOrigin))
  )
  .add(
    HttpApiEndpoint.post("create", "/:apiVersion/projects/:projectId/cors")
      .setPath(P)
      .setPayload(CreateCorsRequest)
      .addSuccess(CorsOrigin, { status: 201 })
  )
  .add(
    HttpApiEndpoint.del("delete", "/:apiVersion/projects/:projectId/cors/:id")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, id: CorsId }))
      .addSuccess(CorsDeleted)
  )
  // The project host's shortcuts (OFF: the CLI's `cors` commands).
  .add(
    HttpApiEndpoint.get("listHere", "/:apiVersion/cors").setPath(V).setHeaders(ProjectHostHeaders)
      .addSuccess(Schema.Array(CorsOrigin))
  )
  .add(
    HttpApiEndpoint.post("createHere", "/:apiVersion/cors")
      .setPath(V)
      .setHeaders(ProjectHostHeaders)
      .setPayload(CreateCorsRequest)
      .addSuccess(CorsOrigin, { status: 201 })
  )
  .add(
    HttpApiEndpoint.del("deleteHere", "/:apiVersion/cors/:id")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, id: CorsId }))
      .setHeaders(ProjectHostHeaders)
      .addSuccess(CorsDeleted)
  )
  .annotate(OpenApi.Title, "CORS origins")
{}

/** The dataset endpoints, in the global form (`/projects/:projectId/datasets…`). */
export class DatasetsGroup extends group("sanityDatasets")
  .add(
    HttpApiEndpoint.get("list", "/:apiVersion/projects/:projectId/datasets").setPath(P).addSuccess(Schema.Array(Dataset))
  )
  .add(
    // DOC lists it; no tool uses it (they list and filter): INF the list item's shape.
    HttpApiEndpoint.get("get", "/:apiVersion/projects/:projectId/datasets/:name").setPath(PD).addSuccess(Dataset)
  )
  .add(
    // Created by PUT (REC); 201.
    HttpApiEndpoint.put("create", "/:apiVersion/projects/:projectId/datasets/:name")
      .setPath(NewPD)
      .setPayload(CreateDatasetRequest)
      .addSuccess(DatasetResponse, { status: 201 })
  )
  .add(
    HttpApiEndpoint.patch("update", "/:apiVersion/projects/:projectId/datasets/:name")
      .setPath(PD)
      .setPayload(UpdateDatasetRequest)
      .addSuccess(DatasetResponse)
  )
  .add(
    HttpApiEndpoint.del("delete", "/:apiVersion/projects/:projectId/datasets/:name")
      .setPath(PD)
      .addSuccess(Deleted)
  )
  .add(
    // A PUT (DOC /copy-api; the seed's POST is wrong), answered at once; the copy is a job.
    HttpApiEndpoint.put("copy", "/:apiVersion/projects/:projectId/datasets/:name/copy")
      .setPath(PD)
      .setPayload(CopyRequest)
      .addSuccess(CopyStarted)
  )
  .add(
    // DOC: the history of the dataset's copy jobs, newest first, by offset and limit.
    HttpApiEndpoint.get("copyJobs", "/:apiVersion/projects/:projectId/datasets/:name/copy")
      .setPath(PD)
      .setUrlParams(CopyJobsParams)
      .addSuccess(Schema.Array(CopyJob))
  )
  .add(
    // OFF CLI (`datasets copy --list`): every copy job of the project, newest first. It shadows a
    // dataset named "copy" for GET, as it must on the real service too (INF).
    HttpApiEndpoint.get("projectCopyJobs", "/:apiVersion/projects/:projectId/datasets/copy")
      .setPath(P)
      .setUrlParams(CopyJobsParams)
      .addSuccess(Schema.Array(CopyJob))
  )
  .add(
    HttpApiEndpoint.get("getEmbeddings", "/:apiVersion/projects/:projectId/datasets/:name/settings/embeddings")
      .setPath(PD)
      .addSuccess(EmbeddingsSettings)
  )
  .add(
    HttpApiEndpoint.put("setEmbeddings", "/:apiVersion/projects/:projectId/datasets/:name/settings/embeddings")
      .setPath(PD)
      .setPayload(EmbeddingsRequest)
      .addSuccess(EmbeddingsSettings)
  )
  .annotate(OpenApi.Title, "Datasets")
{}

/** The dataset routes the project host serves too (the copy job lists are global only). */
type ProjectHostRoute = "list" | "get" | "create" | "update" | "delete" | "copy" | "getEmbeddings" | "setEmbeddings"

type DatasetEndpoint<Name extends string> = HttpApiEndpoint.HttpApiEndpoint.WithName<
  HttpApiGroup.HttpApiGroup.Endpoints<typeof DatasetsGroup>,
  Name
>

/** A global endpoint as the project host serves it: no `projectId` in its path, `ProjectHostHeaders` instead. */
type OnProjectHost<Endpoint> = Endpoint extends HttpApiEndpoint.HttpApiEndpoint<
  infer Name,
  infer Method,
  infer Path,
  infer UrlParams,
  infer Payload,
  infer _Headers,
  infer Success,
  infer Error,
  infer R,
  infer RE
> ? HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Omit<Path, "projectId">,
    UrlParams,
    Payload,
    typeof ProjectHostHeaders.Type,
    Success,
    Error,
    R,
    RE
  >
  : never

/**
 * The dataset endpoint `name` of `DatasetsGroup` on the project host: the same method, payload,
 * answers and errors, its path without `/projects/:projectId` (`/:apiVersion/datasets/:name`), the
 * project named by `X-Sanity-Project-ID` or the host instead.
 */
const onProjectHost = <Name extends ProjectHostRoute>(name: Name): OnProjectHost<DatasetEndpoint<Name>> => {
  // `endpoints` is keyed by endpoint name, so this is the endpoint `DatasetEndpoint<Name>` names;
  // read here through the shape every endpoint has.
  const global = DatasetsGroup.endpoints[name] as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
  // Every dataset path is a `Schema.Struct` (P, PD above).
  const path = (Option.getOrThrow(global.pathSchema) as Schema.Struct<Schema.Struct.Fields>).omit("projectId")
  const hosted = HttpApiEndpoint.make(global.method)(
    global.name,
    global.path.replace("/projects/:projectId", "") as HttpApiEndpoint.PathSegment
  )
    .setPath(path)
    .setHeaders(ProjectHostHeaders)
    .addSuccess(global.successSchema)
    .annotateContext(global.annotations)
  const withErrors = AST.isNeverKeyword(global.errorSchema.ast) ? hosted : hosted.addError(global.errorSchema)
  const withPayload = Option.match(global.payloadSchema, {
    onNone: () => withErrors,
    onSome: (payload) => withErrors.setPayload(payload)
  })
  // Built at run time from the global endpoint, so its type is stated rather than inferred.
  return Option.match(global.urlParamsSchema, {
    onNone: () => withPayload,
    onSome: (params) => withPayload.setUrlParams(params as Schema.Schema<unknown, Readonly<Record<string, string | undefined>>>)
  }) as unknown as OnProjectHost<DatasetEndpoint<Name>>
}

/** The same dataset endpoints on the project host (`/datasets…`, project by header or host). */
export class ProjectHostDatasetsGroup extends group("sanityProjectHostDatasets")
  .add(onProjectHost("list"))
  .add(onProjectHost("get"))
  .add(onProjectHost("create"))
  .add(onProjectHost("update"))
  .add(onProjectHost("delete"))
  .add(onProjectHost("copy"))
  .add(onProjectHost("getEmbeddings"))
  .add(onProjectHost("setEmbeddings"))
  .add(
    HttpApiEndpoint.get("features", "/:apiVersion/features").setPath(V).setHeaders(ProjectHostHeaders)
      .addSuccess(Schema.Array(Schema.String))
  )
  .annotate(OpenApi.Title, "Project host")
{}

export class JobsGroup extends group("sanityJobs")
  .add(
    HttpApiEndpoint.get("get", "/:apiVersion/jobs/:jobId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, jobId: Schema.String }))
      .addSuccess(Job)
  )
  .annotate(OpenApi.Title, "Jobs")
{}

/**
 * A job's progress as server-sent events. OFF CLI (`followCopyJobProgress`): the CLI opens it as a
 * plain `EventSource` on `{client url}/jobs/{jobId}/listen`, with no Authorization header, so the
 * real service answers it for the job id alone (an unguessable id, like `jobId-…`). INF: a token,
 * when one is sent, is still checked (401 when unknown) and confines the job to its caller.
 * Outside `group` (whose middleware requires a token) for that reason.
 */
export const JobEventsHeaders = Schema.Struct({
  authorization: Schema.optional(Schema.String.annotations({
    description: "Bearer <token>: optional (the CLI sends none); when sent it must be valid, and the job the caller's"
  }))
})

export class JobEventsGroup extends HttpApiGroup.make("sanityJobEvents")
  .addError(BadRequest)
  .addError(NotFound)
  .addError(Unauthorized)
  .add(
    // DOC /jobs-api: server-sent events — `welcome` ({listener_id}), then `job` ({job_id, state,
    // progress}) at each change; OFF CLI also handles `done` (sent once the job has ended) and
    // `channel_error`. The stream ends after `done`.
    HttpApiEndpoint.get("listen", "/:apiVersion/jobs/:jobId/listen")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, jobId: Schema.String }))
      .setHeaders(JobEventsHeaders)
      .addSuccess(Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" })))
  )
  .annotate(OpenApi.Title, "Job events")
{}

/**
 * A backup's files, at the URLs `GET …/backups/{id}` lists. OFF CLI: it fetches them with no
 * token (the real URLs are signed storage URLs); here a URL names the backup by an unguessable
 * key of its own (INF), and an unknown key or file is a 404. Outside `group` for that reason.
 */
export class BackupFilesGroup extends HttpApiGroup.make("sanityBackupFiles")
  .addError(NotFound)
  .add(
    HttpApiEndpoint.get("document", "/:apiVersion/backup-files/:key/:file")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, key: Schema.String, file: Schema.String }))
      .addSuccess(BackupDocument)
  )
  .annotate(OpenApi.Title, "Backup files")
{}

export class AccessGroup extends group("sanityAccess")
  .add(
    HttpApiEndpoint.get("features", "/:apiVersion/projects/:projectId/features").setPath(P)
      .addSuccess(Schema.Array(Schema.String))
  )
  .add(
    // 3P: whether one feature is active.
    HttpApiEndpoint.get("feature", "/:apiVersion/projects/:projectId/features/:feature")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, feature: Schema.String }))
      .addSuccess(Schema.Boolean)
  )
  .add(
    // The caller's grants on the project (ROUTES path; 3P shape).
    HttpApiEndpoint.get("permissions", "/:apiVersion/projects/:projectId/permissions").setPath(P)
      .addSuccess(Schema.Array(Schema.String))
  )
  .annotate(OpenApi.Title, "Features and permissions")
{}

export class UsersGroup extends group("sanityUsers")
  .add(
    // Both hosts answer it. On the project host (what `@sanity/client`'s `users.getById` reaches,
    // naming the project by `X-Sanity-Project-ID`, or `{projectId}.api.…`) the users are the
    // project's (OFF `SanityUser`, with its `projectId`; an unknown project is a 404); on the
    // global host the caller's organization's. (The header is read by the server rather than
    // declared: optional here, where the project-host routes require it.)
    HttpApiEndpoint.get("get", "/:apiVersion/users/:userId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, userId: Schema.String }))
      .addSuccess(UserLookup)
      .annotate(
        OpenApi.Description,
        "`me`, one user, or several comma-separated ids (a list). With X-Sanity-Project-ID (or on " +
          "{projectId}.api.…) the project's users, with their projectId (an unknown project is a 404); " +
          "without, the organization's."
      )
  )
  .add(
    HttpApiEndpoint.get("getInProject", "/:apiVersion/projects/:projectId/users/:userId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, userId: Schema.String }))
      .addSuccess(User)
  )
  .annotate(OpenApi.Title, "Users")
{}

export class TokensGroup extends group("sanityTokens")
  .add(
    HttpApiEndpoint.get("list", "/:apiVersion/projects/:projectId/tokens").setPath(P).addSuccess(Schema.Array(Token))
  )
  .add(
    HttpApiEndpoint.post("create", "/:apiVersion/projects/:projectId/tokens")
      .setPath(P)
      .setPayload(CreateTokenRequest)
      .addSuccess(CreatedToken, { status: 201 })
  )
  .add(
    HttpApiEndpoint.del("delete", "/:apiVersion/projects/:projectId/tokens/:tokenId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, tokenId: Schema.String }))
      .addSuccess(TokenDeleted)
  )
  .annotate(OpenApi.Title, "Tokens")
{}

const TagPath = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, tagIdentifier: Schema.String })
const DatasetTagPath = Schema.Struct({
  apiVersion: ApiVersion,
  projectId: Schema.String,
  datasetName: Schema.String,
  tagIdentifier: Schema.String
})

export class TagsGroup extends group("sanityTags")
  .add(HttpApiEndpoint.get("list", "/:apiVersion/projects/:projectId/tags").setPath(P).addSuccess(Schema.Array(Tag)))
  .add(
    // INF: 201, as every other create by POST.
    HttpApiEndpoint.post("create", "/:apiVersion/projects/:projectId/tags")
      .setPath(P)
      .setPayload(CreateTagRequest)
      .addSuccess(Tag, { status: 201 })
  )
  .add(
    // 3P: the update is a PUT.
    HttpApiEndpoint.put("update", "/:apiVersion/projects/:projectId/tags/:tagIdentifier")
      .setPath(TagPath)
      .setPayload(UpdateTagRequest)
      .addSuccess(Tag)
  )
  .add(
    // DOC: a tag must not be assigned to any dataset to be deleted (INF: 409 otherwise).
    HttpApiEndpoint.del("delete", "/:apiVersion/projects/:projectId/tags/:tagIdentifier")
      .setPath(TagPath)
      .addSuccess(Deleted)
  )
  .add(
    HttpApiEndpoint.get("listForDataset", "/:apiVersion/projects/:projectId/datasets/:datasetName/tags")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, datasetName: Schema.String }))
      .addSuccess(Schema.Array(Tag))
  )
  .add(
    HttpApiEndpoint.put("assign", "/:apiVersion/projects/:projectId/datasets/:datasetName/tags/:tagIdentifier")
      .setPath(DatasetTagPath)
      .addSuccess(Tag)
  )
  .add(
    HttpApiEndpoint.del("unassign", "/:apiVersion/projects/:projectId/datasets/:datasetName/tags/:tagIdentifier")
      .setPath(DatasetTagPath)
      .addSuccess(Deleted)
  )
  .annotate(OpenApi.Title, "Tags")
{}

const AliasPath = Schema.Struct({ apiVersion: ApiVersion, name: Schema.String })

/** Dataset aliases, on the project host (OFF CLI; the CLI first checks `advancedDatasetManagement`). */
export class AliasesGroup extends group("sanityAliases")
  .add(
    HttpApiEndpoint.get("list", "/:apiVersion/aliases").setPath(V).setHeaders(ProjectHostHeaders)
      .addSuccess(Schema.Array(DatasetAlias))
  )
  .add(
    // INF: 201 and the alias, as every other create.
    HttpApiEndpoint.put("create", "/:apiVersion/aliases/:name")
      .setPath(AliasPath)
      .setHeaders(ProjectHostHeaders)
      .setPayload(CreateAliasRequest)
      .addSuccess(DatasetAlias, { status: 201 })
  )
  .add(
    HttpApiEndpoint.patch("link", "/:apiVersion/aliases/:name")
      .setPath(AliasPath)
      .setHeaders(ProjectHostHeaders)
      .setPayload(LinkAliasRequest)
      .addSuccess(DatasetAlias)
  )
  .add(
    HttpApiEndpoint.patch("unlink", "/:apiVersion/aliases/:name/unlink")
      .setPath(AliasPath)
      .setHeaders(ProjectHostHeaders)
      .setPayload(Schema.NullOr(Schema.Struct({})))
      .addSuccess(UnlinkedAlias)
  )
  .add(
    HttpApiEndpoint.del("delete", "/:apiVersion/aliases/:name")
      .setPath(AliasPath)
      .setHeaders(ProjectHostHeaders)
      .addSuccess(Deleted)
  )
  .annotate(OpenApi.Title, "Dataset aliases")
{}

const RobotPath = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, robotId: Schema.String })

/**
 * The Access API (global, v2025-07-11), what the CLI's `tokens` commands use: a project's robots
 * (the same tokens as `/projects/{id}/tokens`) and roles, in pages `{data, nextCursor}`.
 */
export class AccessApiGroup extends group("sanityAccessApi")
  .add(
    HttpApiEndpoint.get("robots", "/:apiVersion/access/project/:projectId/robots")
      .setPath(P)
      .setUrlParams(AccessPageParams)
      .addSuccess(RobotPage)
  )
  .add(
    HttpApiEndpoint.post("createRobot", "/:apiVersion/access/project/:projectId/robots")
      .setPath(P)
      .setUrlParams(CreateRobotParams)
      .setPayload(CreateRobotRequest)
      .addSuccess(Robot, { status: 201 })
  )
  .add(
    HttpApiEndpoint.del("deleteRobot", "/:apiVersion/access/project/:projectId/robots/:robotId")
      .setPath(RobotPath)
      .addSuccess(Deleted)
  )
  .add(
    // OFF CLI: authenticated as the robot itself; the old secret stops working at once.
    HttpApiEndpoint.post("rotate", "/:apiVersion/access/robots/me/rotate").setPath(V).addSuccess(Robot)
  )
  .add(
    HttpApiEndpoint.get("roles", "/:apiVersion/access/project/:projectId/roles")
      .setPath(P)
      .setUrlParams(AccessPageParams)
      .addSuccess(RolePage)
  )
  .annotate(OpenApi.Title, "Access API")
{}

/** A project's roles and its invitations (OFF CLI `users` commands). */
export class MembersGroup extends group("sanityMembers")
  .add(HttpApiEndpoint.get("roles", "/:apiVersion/projects/:projectId/roles").setPath(P).addSuccess(Schema.Array(ProjectRole)))
  .add(
    HttpApiEndpoint.get("invitations", "/:apiVersion/invitations/project/:projectId").setPath(P)
      .addSuccess(Schema.Array(Invitation))
  )
  .add(
    HttpApiEndpoint.post("invite", "/:apiVersion/invitations/project/:projectId")
      .setPath(P)
      .setPayload(CreateInvitationRequest)
      .addSuccess(Invitation, { status: 201 })
  )
  .annotate(OpenApi.Title, "Roles and invitations")
{}

/** The caller's organizations and grants (OFF CLI `projects create` picks one by them). */
export class OrganizationsGroup extends group("sanityOrganizations")
  .add(HttpApiEndpoint.get("list", "/:apiVersion/organizations").setPath(V).addSuccess(Schema.Array(Organization)))
  .add(
    HttpApiEndpoint.get("grants", "/:apiVersion/organizations/:organizationId/grants")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, organizationId: Schema.String }))
      .addSuccess(OrganizationGrants)
  )
  .annotate(OpenApi.Title, "Organizations")
{}

const HookPath = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, hookId: Schema.String })

/** A project's webhooks (OFF CLI `hooks list|delete|logs|attempt`), global host. */
export class HooksGroup extends group("sanityHooks")
  .add(HttpApiEndpoint.get("list", "/:apiVersion/hooks/projects/:projectId").setPath(P).addSuccess(Schema.Array(Hook)))
  .add(
    HttpApiEndpoint.post("create", "/:apiVersion/hooks/projects/:projectId")
      .setPath(P)
      .setPayload(CreateHookRequest)
      .addSuccess(Hook, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("attempt", "/:apiVersion/hooks/projects/:projectId/attempts/:attemptId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, attemptId: Schema.String }))
      .addSuccess(HookAttempt)
  )
  .add(HttpApiEndpoint.get("get", "/:apiVersion/hooks/projects/:projectId/:hookId").setPath(HookPath).addSuccess(Hook))
  .add(
    HttpApiEndpoint.patch("update", "/:apiVersion/hooks/projects/:projectId/:hookId")
      .setPath(HookPath)
      .setPayload(UpdateHookRequest)
      .addSuccess(Hook)
  )
  .add(HttpApiEndpoint.del("delete", "/:apiVersion/hooks/projects/:projectId/:hookId").setPath(HookPath).addSuccess(Deleted))
  .add(
    HttpApiEndpoint.get("messages", "/:apiVersion/hooks/projects/:projectId/:hookId/messages")
      .setPath(HookPath)
      .addSuccess(Schema.Array(HookMessage))
  )
  .add(
    HttpApiEndpoint.get("attempts", "/:apiVersion/hooks/projects/:projectId/:hookId/attempts")
      .setPath(HookPath)
      .addSuccess(Schema.Array(HookAttempt))
  )
  .annotate(OpenApi.Title, "Webhooks")
{}

const SchemaPath = Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, name: Schema.String, schemaId: Schema.String })

/** A dataset's deployed schemas and its backups (OFF CLI `schemas` and `backups` commands). */
export class DatasetSettingsGroup extends group("sanityDatasetSettings")
  .add(
    HttpApiEndpoint.put("deploySchemas", "/:apiVersion/projects/:projectId/datasets/:name/schemas")
      .setPath(PD)
      .setPayload(DeploySchemasRequest)
      .addSuccess(DeployedSchemas)
  )
  .add(
    HttpApiEndpoint.get("schemas", "/:apiVersion/projects/:projectId/datasets/:name/schemas").setPath(PD)
      .addSuccess(Schema.Array(StoredSchema))
  )
  .add(
    // The issue's note of the real API (as the Terraform provider meets it): an unknown id is `[]`.
    HttpApiEndpoint.get("schema", "/:apiVersion/projects/:projectId/datasets/:name/schemas/:schemaId").setPath(SchemaPath)
      .addSuccess(Schema.Union(StoredSchema, Schema.Array(StoredSchema)))
  )
  .add(
    HttpApiEndpoint.del("deleteSchema", "/:apiVersion/projects/:projectId/datasets/:name/schemas/:schemaId").setPath(SchemaPath)
      .addSuccess(Deleted)
  )
  .add(
    HttpApiEndpoint.get("backups", "/:apiVersion/projects/:projectId/datasets/:name/backups")
      .setPath(PD)
      .setUrlParams(BackupListParams)
      .addSuccess(BackupList)
  )
  .add(
    HttpApiEndpoint.get("backup", "/:apiVersion/projects/:projectId/datasets/:name/backups/:backupId")
      .setPath(Schema.Struct({ apiVersion: ApiVersion, projectId: Schema.String, name: Schema.String, backupId: Schema.String }))
      .setUrlParams(BackupDetailsParams)
      .addSuccess(BackupDetails)
  )
  .add(
    HttpApiEndpoint.put("setBackups", "/:apiVersion/projects/:projectId/datasets/:name/settings/backups")
      .setPath(PD)
      .setPayload(BackupSettingsRequest)
      .addSuccess(BackupSettings)
  )
  .annotate(OpenApi.Title, "Schemas and backups")
{}

/**
 * INF: Sanity's answer to a body over the server's limit, in its error body (Boom's reason phrase).
 * (Not a class of `SanityErrors`: no endpoint fails with it, the server's door does.)
 */
export const PayloadTooLarge = Schema.Struct({
  statusCode: Schema.Literal(413),
  error: Schema.String,
  message: Schema.String
}).annotations({ identifier: "PayloadTooLarge", description: "The body is larger than the server accepts" })

/** INF: Sanity's answer to a body in a media type the operation does not declare (Boom's reason phrase). */
export const UnsupportedMediaType = Schema.Struct({
  statusCode: Schema.Literal(415),
  error: Schema.String,
  message: Schema.String
}).annotations({ identifier: "UnsupportedMediaType", description: "The body's Content-Type is not one the operation declares" })

/**
 * The bodies of the refusals no endpoint declares (a request that does not decode or breaks a rule
 * every route holds; a body too large), as the document and the server's fallback write them.
 */
export const refusals: ContractDocument.Refusals = {
  badRequest: BadRequest,
  payloadTooLarge: PayloadTooLarge,
  unsupportedMediaType: UnsupportedMediaType
}

/**
 * Sanity's management API. Every endpoint needs a bearer token (but a job's event stream, see
 * `JobEventsGroup`) and may answer 429 or 500.
 */
export class SanityApi extends HttpApi.make("sanity")
  .add(ProjectsGroup)
  .add(CorsGroup)
  .add(DatasetsGroup)
  .add(ProjectHostDatasetsGroup)
  .add(JobsGroup)
  .add(JobEventsGroup)
  .add(BackupFilesGroup)
  .add(AccessGroup)
  .add(UsersGroup)
  .add(TokensGroup)
  .add(TagsGroup)
  .add(AliasesGroup)
  .add(AccessApiGroup)
  .add(MembersGroup)
  .add(OrganizationsGroup)
  .add(HooksGroup)
  .add(DatasetSettingsGroup)
  .addError(TooManyRequests)
  .addError(InternalServerError)
  .annotate(OpenApi.Title, "Sanity Projects API (projectkit)")
  .annotate(OpenApi.Version, "2021-06-07")
  .pipe(ContractDocument.annotate(refusals))
{}
