/**
 * The Sanity management client: every endpoint of the contract, typed, with errors mapped to
 * projectkit's core errors and requests retried by the core policy; and the neutral `Projects`
 * service on top. Points at the real `https://api.sanity.io` by default, or at any base URL (the
 * reference server's is `http://localhost:4000/sanity`).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Capabilities from "@projectkit/core/Capabilities"
import * as Pagination from "@projectkit/core/Pagination"
import * as Project from "@projectkit/core/Project"
import * as Projects from "@projectkit/core/Projects"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type * as Retry from "@projectkit/core/Retry"
import { Adapter, ProviderHttp } from "@projectkit/http"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as SanityApi from "./SanityApi.js"
import * as SanityErrors from "./SanityErrors.js"

export const defaultBaseUrl = "https://api.sanity.io"

export interface SanityConfig {
  readonly token: Redacted.Redacted | string
  /** `v2021-06-07` unless given (DOC: this API's default); any `vYYYY-MM-DD`, `v1`. */
  readonly apiVersion?: string | undefined
  /** `https://api.sanity.io` unless given; the reference server's is `http://localhost:4000/sanity`. */
  readonly baseUrl?: string | undefined
  readonly retryPolicy?: Retry.RetryPolicy | undefined
}

/** What a Sanity call can fail with, in projectkit's core terms (see `SanityErrors`). */
export type SanityError = Adapter.Failure<SanityErrors.SanityCoreError>

type Call<A> = Effect.Effect<A, SanityError>

type Deleted = { readonly deleted: boolean }
export type ListProjectsParams = typeof SanityApi.ListProjectsParams.Type
export type CreateProjectRequest = typeof SanityApi.CreateProjectRequest.Type
export type UpdateProjectRequest = typeof SanityApi.UpdateProjectRequest.Type
export type CreateDatasetRequest = NonNullable<typeof SanityApi.CreateDatasetRequest.Type>
export type UpdateDatasetRequest = NonNullable<typeof SanityApi.UpdateDatasetRequest.Type>
export type CopyJobsParams = typeof SanityApi.CopyJobsParams.Type

export interface SanityClientService {
  readonly projects: {
    /** Every project the token can see, oldest first (no pagination: DOC). */
    readonly list: (params?: ListProjectsParams) => Call<ReadonlyArray<SanityApi.Project>>
    readonly create: (request: CreateProjectRequest) => Call<SanityApi.Project>
    readonly get: (projectId: string) => Call<SanityApi.Project>
    /** Changes only the fields sent; `metadata: { key: null }` removes `key`. */
    readonly update: (projectId: string, patch: UpdateProjectRequest) => Call<SanityApi.Project>
    readonly delete: (projectId: string) => Call<Deleted>
  }
  readonly cors: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.CorsOrigin>>
    readonly create: (projectId: string, request: typeof SanityApi.CreateCorsRequest.Type) => Call<SanityApi.CorsOrigin>
    readonly delete: (projectId: string, id: number) => Call<typeof SanityApi.CorsDeleted.Type>
  }
  readonly datasets: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.Dataset>>
    readonly get: (projectId: string, name: string) => Call<SanityApi.Dataset>
    readonly create: (
      projectId: string,
      name: string,
      request?: CreateDatasetRequest
    ) => Call<typeof SanityApi.DatasetResponse.Type>
    readonly update: (
      projectId: string,
      name: string,
      request: UpdateDatasetRequest
    ) => Call<typeof SanityApi.DatasetResponse.Type>
    readonly delete: (projectId: string, name: string) => Call<Deleted>
    /** Starts copying `name` to `request.targetDataset`; follow the job with `copyJobs` or `jobs.get`. */
    readonly copy: (
      projectId: string,
      name: string,
      request: typeof SanityApi.CopyRequest.Type
    ) => Call<typeof SanityApi.CopyStarted.Type>
    /** The dataset's copy jobs, newest first. */
    readonly copyJobs: (projectId: string, name: string, params?: CopyJobsParams) => Call<ReadonlyArray<SanityApi.CopyJob>>
    /** Every copy job of the project, newest first (what the CLI's `datasets copy --list` reads). */
    readonly projectCopyJobs: (projectId: string, params?: CopyJobsParams) => Call<ReadonlyArray<SanityApi.CopyJob>>
    readonly getEmbeddings: (projectId: string, name: string) => Call<SanityApi.EmbeddingsSettings>
    readonly setEmbeddings: (
      projectId: string,
      name: string,
      request: typeof SanityApi.EmbeddingsRequest.Type
    ) => Call<SanityApi.EmbeddingsSettings>
  }
  readonly jobs: {
    readonly get: (jobId: string) => Call<typeof SanityApi.Job.Type>
    /** Follows the job's event stream to its end (`done`), answering every event it sent. */
    readonly listen: (jobId: string) => Call<ReadonlyArray<SanityApi.JobEvent>>
  }
  readonly features: {
    readonly list: (projectId: string) => Call<ReadonlyArray<string>>
    readonly has: (projectId: string, feature: string) => Call<boolean>
  }
  /** The caller's grants on the project. */
  readonly permissions: (projectId: string) => Call<ReadonlyArray<string>>
  readonly users: {
    /** The token's own user (`/users/me`). */
    readonly me: Call<SanityApi.CurrentUser>
    readonly get: (userId: string) => Call<SanityApi.User>
    readonly getInProject: (projectId: string, userId: string) => Call<SanityApi.User>
  }
  readonly tokens: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.Token>>
    /** The answer carries the secret `key`: the only time it is shown. */
    readonly create: (
      projectId: string,
      request: typeof SanityApi.CreateTokenRequest.Type
    ) => Call<typeof SanityApi.CreatedToken.Type>
    readonly delete: (projectId: string, tokenId: string) => Call<typeof SanityApi.TokenDeleted.Type>
  }
  readonly tags: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.Tag>>
    readonly create: (projectId: string, request: typeof SanityApi.CreateTagRequest.Type) => Call<SanityApi.Tag>
    readonly update: (
      projectId: string,
      tag: string,
      request: typeof SanityApi.UpdateTagRequest.Type
    ) => Call<SanityApi.Tag>
    /** Fails with `Conflict` while the tag is assigned to a dataset. */
    readonly delete: (projectId: string, tag: string) => Call<Deleted>
    readonly listForDataset: (projectId: string, dataset: string) => Call<ReadonlyArray<SanityApi.Tag>>
    readonly assign: (projectId: string, dataset: string, tag: string) => Call<SanityApi.Tag>
    readonly unassign: (projectId: string, dataset: string, tag: string) => Call<Deleted>
  }
  /** Dataset aliases (on the project host: the project is sent as `X-Sanity-Project-ID`). */
  readonly aliases: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.DatasetAlias>>
    /** An alias linked to `datasetName`, or to none. */
    readonly create: (projectId: string, name: string, datasetName?: string) => Call<SanityApi.DatasetAlias>
    readonly link: (projectId: string, name: string, datasetName: string) => Call<SanityApi.DatasetAlias>
    readonly unlink: (projectId: string, name: string) => Call<typeof SanityApi.UnlinkedAlias.Type>
    readonly delete: (projectId: string, name: string) => Call<Deleted>
  }
  /** The Access API: a project's robots (its tokens) and roles, page by page. */
  readonly access: {
    readonly robots: (projectId: string, params?: typeof SanityApi.AccessPageParams.Type) => Call<typeof SanityApi.RobotPage.Type>
    readonly createRobot: (projectId: string, request: typeof SanityApi.CreateRobotRequest.Type) => Call<SanityApi.Robot>
    readonly deleteRobot: (projectId: string, robotId: string) => Call<Deleted>
    /** A new secret for the robot whose token this client holds; the old one stops working. */
    readonly rotate: Call<SanityApi.Robot>
    readonly roles: (projectId: string, params?: typeof SanityApi.AccessPageParams.Type) => Call<typeof SanityApi.RolePage.Type>
  }
  readonly members: {
    readonly roles: (projectId: string) => Call<ReadonlyArray<SanityApi.ProjectRole>>
    readonly invitations: (projectId: string) => Call<ReadonlyArray<SanityApi.Invitation>>
    readonly invite: (projectId: string, request: typeof SanityApi.CreateInvitationRequest.Type) => Call<SanityApi.Invitation>
  }
  readonly organizations: {
    readonly list: Call<ReadonlyArray<typeof SanityApi.Organization.Type>>
    readonly grants: (organizationId: string) => Call<typeof SanityApi.OrganizationGrants.Type>
  }
  readonly hooks: {
    readonly list: (projectId: string) => Call<ReadonlyArray<SanityApi.Hook>>
    readonly create: (projectId: string, request: typeof SanityApi.CreateHookRequest.Type) => Call<SanityApi.Hook>
    readonly get: (projectId: string, hookId: string) => Call<SanityApi.Hook>
    readonly update: (projectId: string, hookId: string, change: typeof SanityApi.UpdateHookRequest.Type) => Call<SanityApi.Hook>
    readonly delete: (projectId: string, hookId: string) => Call<Deleted>
    readonly messages: (projectId: string, hookId: string) => Call<ReadonlyArray<typeof SanityApi.HookMessage.Type>>
    readonly attempts: (projectId: string, hookId: string) => Call<ReadonlyArray<typeof SanityApi.HookAttempt.Type>>
    readonly attempt: (projectId: string, attemptId: string) => Call<typeof SanityApi.HookAttempt.Type>
  }
  /** A dataset's deployed schemas and backups. */
  readonly datasetSettings: {
    readonly deploySchemas: (
      projectId: string,
      dataset: string,
      request: typeof SanityApi.DeploySchemasRequest.Type
    ) => Call<typeof SanityApi.DeployedSchemas.Type>
    readonly schemas: (projectId: string, dataset: string) => Call<ReadonlyArray<SanityApi.StoredSchema>>
    /** The schema, or none (the API answers an unknown id with an empty list). */
    readonly schema: (projectId: string, dataset: string, schemaId: string) => Call<SanityApi.StoredSchema | undefined>
    readonly deleteSchema: (projectId: string, dataset: string, schemaId: string) => Call<Deleted>
    readonly backups: (projectId: string, dataset: string, params?: typeof SanityApi.BackupListParams.Type) => Call<typeof SanityApi.BackupList.Type>
    /** A backup and one page of its files (the next with `nextCursor`). */
    readonly backup: (
      projectId: string,
      dataset: string,
      backupId: string,
      nextCursor?: string
    ) => Call<typeof SanityApi.BackupDetails.Type>
    /** A document of a backup, by its file's key and name (the last two segments of its `url`); no token needed. */
    readonly backupDocument: (key: string, file: string) => Call<typeof SanityApi.BackupDocument.Type>
    readonly setBackups: (projectId: string, dataset: string, enabled: boolean) => Call<typeof SanityApi.BackupSettings.Type>
  }
}

export class SanityClient extends Context.Tag("@projectkit/sanity/SanityClient")<SanityClient, SanityClientService>() {}

// ---------------------------------------------------------------------------------------------
// Errors: what each wire error means is SanityErrors' call
// ---------------------------------------------------------------------------------------------

const call = Adapter.call(SanityErrors.table)

const isCurrentUser = (user: typeof SanityApi.UserLookup.Type): user is SanityApi.CurrentUser =>
  !Array.isArray(user) && "name" in user && "email" in user

const isUser = (user: typeof SanityApi.UserLookup.Type): user is SanityApi.User =>
  !Array.isArray(user) && "displayName" in user

const unexpected = (description: string) =>
  Effect.fail(new ProjectsError.ProviderFailure({ provider: "sanity", status: 200, body: null, description }))

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

export const make = (config: SanityConfig): Effect.Effect<SanityClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpApiClient.make(SanityApi.SanityApi, {
      transformClient: ProviderHttp.transport({
        provider: "sanity",
        baseUrl: config.baseUrl ?? defaultBaseUrl,
        headers: { authorization: `Bearer ${Adapter.secret(config.token)}` },
        retryPolicy: config.retryPolicy
      })
    })
    const apiVersion = config.apiVersion ?? SanityApi.defaultApiVersion
    const p = (projectId: string) => ({ apiVersion, projectId })
    const pd = (projectId: string, name: string) => ({ apiVersion, projectId, name })
    const project = (projectId: string) => ({ resource: "project", id: projectId })
    const dataset = (name: string) => ({ resource: "dataset", id: name })
    const alias = (name: string) => ({ resource: "alias", id: name })
    const hook = (hookId: string) => ({ resource: "hook", id: hookId })
    /** The project-host routes name their project by header. */
    const here = (projectId: string) => ({ "x-sanity-project-id": projectId })
    const getUser = (userId: string) =>
      call({ resource: "user", id: userId }, client.sanityUsers.get({ path: { apiVersion, userId } }))
    return {
      projects: {
        list: (params = {}) => call({ resource: "project" }, client.sanityProjects.list({ path: { apiVersion }, urlParams: params })),
        create: (request) => call({ resource: "project" }, client.sanityProjects.create({ path: { apiVersion }, payload: request })),
        get: (projectId) => call(project(projectId), client.sanityProjects.get({ path: p(projectId) })),
        update: (projectId, patch) =>
          call(project(projectId), client.sanityProjects.update({ path: p(projectId), payload: patch })),
        delete: (projectId) => call(project(projectId), client.sanityProjects.delete({ path: p(projectId) }))
      },
      cors: {
        list: (projectId) => call(project(projectId), client.sanityCors.list({ path: p(projectId) })),
        create: (projectId, request) =>
          call(project(projectId), client.sanityCors.create({ path: p(projectId), payload: request })),
        delete: (projectId, id) =>
          call({ resource: "cors origin", id: String(id) }, client.sanityCors.delete({ path: { ...p(projectId), id } }))
      },
      datasets: {
        list: (projectId) => call(project(projectId), client.sanityDatasets.list({ path: p(projectId) })),
        get: (projectId, name) => call(dataset(name), client.sanityDatasets.get({ path: pd(projectId, name) })),
        create: (projectId, name, request = {}) =>
          call(dataset(name), client.sanityDatasets.create({ path: pd(projectId, name), payload: request })),
        update: (projectId, name, request) =>
          call(dataset(name), client.sanityDatasets.update({ path: pd(projectId, name), payload: request })),
        delete: (projectId, name) => call(dataset(name), client.sanityDatasets.delete({ path: pd(projectId, name) })),
        copy: (projectId, name, request) =>
          call(dataset(name), client.sanityDatasets.copy({ path: pd(projectId, name), payload: request })),
        copyJobs: (projectId, name, params = {}) =>
          call(dataset(name), client.sanityDatasets.copyJobs({ path: pd(projectId, name), urlParams: params })),
        projectCopyJobs: (projectId, params = {}) =>
          call(project(projectId), client.sanityDatasets.projectCopyJobs({ path: p(projectId), urlParams: params })),
        getEmbeddings: (projectId, name) =>
          call(dataset(name), client.sanityDatasets.getEmbeddings({ path: pd(projectId, name) })),
        setEmbeddings: (projectId, name, request) =>
          call(dataset(name), client.sanityDatasets.setEmbeddings({ path: pd(projectId, name), payload: request }))
      },
      jobs: {
        get: (jobId) => call({ resource: "job", id: jobId }, client.sanityJobs.get({ path: { apiVersion, jobId } })),
        listen: (jobId) =>
          Effect.map(
            call({ resource: "job", id: jobId }, client.sanityJobEvents.listen({ path: { apiVersion, jobId }, headers: {} })),
            SanityApi.parseEvents
          )
      },
      features: {
        list: (projectId) => call(project(projectId), client.sanityAccess.features({ path: p(projectId) })),
        has: (projectId, feature) =>
          call(project(projectId), client.sanityAccess.feature({ path: { ...p(projectId), feature } }))
      },
      permissions: (projectId) => call(project(projectId), client.sanityAccess.permissions({ path: p(projectId) })),
      users: {
        me: Effect.flatMap(getUser("me"), (user) =>
          isCurrentUser(user) ? Effect.succeed(user) : unexpected("/users/me did not answer with the current user")),
        get: (userId) =>
          Effect.flatMap(getUser(userId), (user) =>
            isUser(user) ? Effect.succeed(user) : unexpected(`/users/${userId} did not answer with one user`)),
        getInProject: (projectId, userId) =>
          call({ resource: "user", id: userId }, client.sanityUsers.getInProject({ path: { ...p(projectId), userId } }))
      },
      tokens: {
        list: (projectId) => call(project(projectId), client.sanityTokens.list({ path: p(projectId) })),
        create: (projectId, request) =>
          call(project(projectId), client.sanityTokens.create({ path: p(projectId), payload: request })),
        delete: (projectId, tokenId) =>
          call({ resource: "token", id: tokenId }, client.sanityTokens.delete({ path: { ...p(projectId), tokenId } }))
      },
      tags: {
        list: (projectId) => call(project(projectId), client.sanityTags.list({ path: p(projectId) })),
        create: (projectId, request) =>
          call(project(projectId), client.sanityTags.create({ path: p(projectId), payload: request })),
        update: (projectId, tag, request) =>
          call(
            { resource: "tag", id: tag },
            client.sanityTags.update({ path: { ...p(projectId), tagIdentifier: tag }, payload: request })
          ),
        delete: (projectId, tag) =>
          call({ resource: "tag", id: tag }, client.sanityTags.delete({ path: { ...p(projectId), tagIdentifier: tag } })),
        listForDataset: (projectId, datasetName) =>
          call(dataset(datasetName), client.sanityTags.listForDataset({ path: { ...p(projectId), datasetName } })),
        assign: (projectId, datasetName, tag) =>
          call(
            { resource: "tag", id: tag },
            client.sanityTags.assign({ path: { ...p(projectId), datasetName, tagIdentifier: tag } })
          ),
        unassign: (projectId, datasetName, tag) =>
          call(
            { resource: "tag", id: tag },
            client.sanityTags.unassign({ path: { ...p(projectId), datasetName, tagIdentifier: tag } })
          )
      },
      aliases: {
        list: (projectId) =>
          call(project(projectId), client.sanityAliases.list({ path: { apiVersion }, headers: here(projectId) })),
        create: (projectId, name, datasetName) =>
          call(alias(name), client.sanityAliases.create({
            path: { apiVersion, name },
            headers: here(projectId),
            payload: datasetName === undefined ? null : { datasetName }
          })),
        link: (projectId, name, datasetName) =>
          call(alias(name), client.sanityAliases.link({ path: { apiVersion, name }, headers: here(projectId), payload: { datasetName } })),
        unlink: (projectId, name) =>
          call(alias(name), client.sanityAliases.unlink({ path: { apiVersion, name }, headers: here(projectId), payload: {} })),
        delete: (projectId, name) =>
          call(alias(name), client.sanityAliases.delete({ path: { apiVersion, name }, headers: here(projectId) }))
      },
      access: {
        robots: (projectId, params = {}) =>
          call(project(projectId), client.sanityAccessApi.robots({ path: p(projectId), urlParams: params })),
        createRobot: (projectId, request) =>
          call(project(projectId), client.sanityAccessApi.createRobot({ path: p(projectId), urlParams: {}, payload: request })),
        deleteRobot: (projectId, robotId) =>
          call({ resource: "robot", id: robotId }, client.sanityAccessApi.deleteRobot({ path: { ...p(projectId), robotId } })),
        rotate: call({ resource: "robot" }, client.sanityAccessApi.rotate({ path: { apiVersion } })),
        roles: (projectId, params = {}) =>
          call(project(projectId), client.sanityAccessApi.roles({ path: p(projectId), urlParams: params }))
      },
      members: {
        roles: (projectId) => call(project(projectId), client.sanityMembers.roles({ path: p(projectId) })),
        invitations: (projectId) => call(project(projectId), client.sanityMembers.invitations({ path: p(projectId) })),
        invite: (projectId, request) => call(project(projectId), client.sanityMembers.invite({ path: p(projectId), payload: request }))
      },
      organizations: {
        list: call({ resource: "organization" }, client.sanityOrganizations.list({ path: { apiVersion } })),
        grants: (organizationId) =>
          call(
            { resource: "organization", id: organizationId },
            client.sanityOrganizations.grants({ path: { apiVersion, organizationId } })
          )
      },
      hooks: {
        list: (projectId) => call(project(projectId), client.sanityHooks.list({ path: p(projectId) })),
        create: (projectId, request) => call(project(projectId), client.sanityHooks.create({ path: p(projectId), payload: request })),
        get: (projectId, hookId) => call(hook(hookId), client.sanityHooks.get({ path: { ...p(projectId), hookId } })),
        update: (projectId, hookId, change) =>
          call(hook(hookId), client.sanityHooks.update({ path: { ...p(projectId), hookId }, payload: change })),
        delete: (projectId, hookId) => call(hook(hookId), client.sanityHooks.delete({ path: { ...p(projectId), hookId } })),
        messages: (projectId, hookId) => call(hook(hookId), client.sanityHooks.messages({ path: { ...p(projectId), hookId } })),
        attempts: (projectId, hookId) => call(hook(hookId), client.sanityHooks.attempts({ path: { ...p(projectId), hookId } })),
        attempt: (projectId, attemptId) =>
          call({ resource: "attempt", id: attemptId }, client.sanityHooks.attempt({ path: { ...p(projectId), attemptId } }))
      },
      datasetSettings: {
        deploySchemas: (projectId, name, request) =>
          call(dataset(name), client.sanityDatasetSettings.deploySchemas({ path: pd(projectId, name), payload: request })),
        schemas: (projectId, name) => call(dataset(name), client.sanityDatasetSettings.schemas({ path: pd(projectId, name) })),
        schema: (projectId, name, schemaId) =>
          Effect.map(
            call({ resource: "schema", id: schemaId }, client.sanityDatasetSettings.schema({ path: { ...pd(projectId, name), schemaId } })),
            (found) => Array.isArray(found) ? found[0] : found as SanityApi.StoredSchema
          ),
        deleteSchema: (projectId, name, schemaId) =>
          call({ resource: "schema", id: schemaId }, client.sanityDatasetSettings.deleteSchema({ path: { ...pd(projectId, name), schemaId } })),
        backups: (projectId, name, params = {}) =>
          call(dataset(name), client.sanityDatasetSettings.backups({ path: pd(projectId, name), urlParams: params })),
        backup: (projectId, name, backupId, nextCursor) =>
          call(
            { resource: "backup", id: backupId },
            client.sanityDatasetSettings.backup({
              path: { ...pd(projectId, name), backupId },
              urlParams: nextCursor === undefined ? {} : { nextCursor }
            })
          ),
        backupDocument: (key, file) =>
          call({ resource: "backup file", id: `${key}/${file}` }, client.sanityBackupFiles.document({ path: { apiVersion, key, file } })),
        setBackups: (projectId, name, enabled) =>
          call(dataset(name), client.sanityDatasetSettings.setBackups({ path: pd(projectId, name), payload: { enabled } }))
      }
    } satisfies SanityClientService
  })

// ---------------------------------------------------------------------------------------------
// The neutral Projects service
// ---------------------------------------------------------------------------------------------

const exactly = { asc: "emulated", desc: "emulated" } as const

/**
 * What Sanity projects can do: a name (`displayName`), no description. Sanity lists every project
 * at once, unpaged and oldest first (DOC), with no search or sort; the adapter therefore emulates
 * search, every sort and keyset paging exactly on the complete list, fetched for each page.
 */
export const capabilities = new Capabilities.Capabilities({
  provider: "sanity",
  search: "emulated",
  sort: { name: exactly, createdAt: exactly, updatedAt: exactly },
  defaultSort: { sortBy: "createdAt", direction: "asc" },
  cursorPagination: "emulated",
  description: "unsupported",
  attachments: "unsupported",
  maxPageSize: 100
})

export const toProject = (project: SanityApi.Project): Project.Project =>
  new Project.Project({
    id: project.id,
    name: project.displayName,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    provider: "sanity",
    raw: project
  })

/**
 * Cursors of the emulated list. The secret only makes them tamper-evident: every page is cut from
 * the caller's own complete list anyway.
 */
const cursors = Pagination.makeCursorCodec("projectkit-sanity-projects-v1")

export const makeProjects = (client: SanityClientService): Projects.ProjectsService =>
  Projects.make({
    capabilities,
    create: (input) => Effect.map(client.projects.create({ displayName: input.name }), toProject),
    get: (id) => Effect.map(client.projects.get(id), toProject),
    update: (id, patch) =>
      Effect.map(
        patch.name === undefined ? client.projects.get(id) : client.projects.update(id, { displayName: patch.name }),
        toProject
      ),
    delete: (id) => Effect.asVoid(client.projects.delete(id)),
    listPage: (query) =>
      Effect.flatMap(
        client.projects.list({ includeMembers: "false", includeFeatures: "false" }),
        (all) => Projects.emulatePage(cursors, all.map(toProject), query)
      )
  })

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/** `SanityClient` and the core `Projects`, over the `HttpClient` in context. */
export const layer: (config: SanityConfig) => Layer.Layer<SanityClient | Projects.Projects, never, HttpClient.HttpClient> =
  Adapter.layer(SanityClient, make, makeProjects)

/**
 * The same, configured by `SANITY_TOKEN`, `SANITY_API_VERSION` (default `v2021-06-07`) and
 * `SANITY_BASE_URL` (default the real service).
 */
export const layerConfig = (
  config: Config.Config<SanityConfig> = Config.all({
    token: Config.redacted("SANITY_TOKEN"),
    apiVersion: Config.string("SANITY_API_VERSION").pipe(Config.withDefault(SanityApi.defaultApiVersion)),
    baseUrl: Config.string("SANITY_BASE_URL").pipe(Config.withDefault(defaultBaseUrl))
  })
): Layer.Layer<SanityClient | Projects.Projects, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Adapter.layerConfig(layer, config)
