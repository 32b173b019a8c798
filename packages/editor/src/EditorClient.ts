/**
 * The editor Open API client: every endpoint of the contract, typed, with errors mapped to
 * projectkit's core errors and requests retried by the core policy; and the neutral `Projects`
 * service on top (name ↔ title, description ↔ description).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Capabilities from "@projectkit/core/Capabilities"
import * as Pagination from "@projectkit/core/Pagination"
import * as Project from "@projectkit/core/Project"
import * as Projects from "@projectkit/core/Projects"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type * as Retry from "@projectkit/core/Retry"
import { ProviderHttp } from "@projectkit/http"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as EditorApi from "./EditorApi.js"

/**
 * INF: the real service's host is not in our sources, so the default is the reference server's
 * editor dialect; pass the real base URL in `baseUrl`.
 */
export const defaultBaseUrl = "http://localhost:4000/editor"

export interface EditorConfig {
  readonly apiKey: Redacted.Redacted | string
  readonly baseUrl?: string | undefined
  /** The core policy by default; `Retry.noRetries` for callers that retry themselves. */
  readonly retryPolicy?: Retry.RetryPolicy | undefined
}

/** What an editor call can fail with, in projectkit's core terms. */
export type EditorError =
  | ProjectsError.NotFound
  | ProjectsError.Unauthorized
  | ProjectsError.Forbidden
  | ProjectsError.InvalidReference
  | ProjectsError.Validation
  | ProjectsError.RateLimited
  | ProjectsError.ProviderFailure

type Call<A> = Effect.Effect<A, EditorError>

export type ListProjectsParams = typeof EditorApi.ListProjectsParams.Type
export type ListExportsParams = typeof EditorApi.ListExportsParams.Type

export interface EditorClientService {
  readonly projects: {
    readonly create: (request: typeof EditorApi.CreateProjectRequest.Type) => Call<EditorApi.Project>
    /** Metadata and the latest persisted `editorState`. */
    readonly get: (projectId: string) => Call<EditorApi.Project>
    /** Changes `title` and `description` only; `description: null` clears it. */
    readonly update: (projectId: string, patch: typeof EditorApi.UpdateProjectRequest.Type) => Call<EditorApi.ProjectSummary>
    /** Replaces `editorState` and `stateVersion`; over the project's limit, `RateLimited`. */
    readonly sync: (projectId: string, request: typeof EditorApi.SyncRequest.Type) => Call<EditorApi.SyncResult>
    readonly delete: (projectId: string) => Call<void>
    readonly list: (params?: ListProjectsParams) => Call<typeof EditorApi.ProjectList.Type>
    readonly stream: (params?: Omit<ListProjectsParams, "cursor">) => Stream.Stream<EditorApi.ProjectSummary, EditorError>
  }
  readonly assets: {
    readonly register: (projectId: string, request: typeof EditorApi.RegisterAssetRequest.Type) => Call<EditorApi.Asset>
    readonly upload: (projectId: string, bytes: Uint8Array, name?: string) => Call<EditorApi.Asset>
    readonly list: (projectId: string) => Call<ReadonlyArray<EditorApi.Asset>>
  }
  readonly exports: {
    /** Renders the project's latest saved state. */
    readonly fromProject: (projectId: string, request?: typeof EditorApi.ProjectExportRequest.Type) => Call<EditorApi.ExportTask>
    /** Renders `editorState` as sent, without a project. */
    readonly fromState: (request: typeof EditorApi.StatelessExportRequest.Type) => Call<EditorApi.ExportTask>
    readonly get: (taskId: string) => Call<EditorApi.ExportTask>
    readonly list: (params?: ListExportsParams) => Call<typeof EditorApi.ExportList.Type>
    readonly stream: (params?: Omit<ListExportsParams, "cursor">) => Stream.Stream<EditorApi.ExportTask, EditorError>
  }
}

export class EditorClient extends Context.Tag("@projectkit/editor/EditorClient")<EditorClient, EditorClientService>() {}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

interface Subject {
  readonly resource: string
  readonly id?: string
}

const toCoreError = (subject: Subject) => (error: unknown): Effect.Effect<never, EditorError> => {
  if (error instanceof EditorApi.ValidationFailed) {
    return Effect.fail(ProjectsError.Validation.single([], error.message))
  }
  if (error instanceof EditorApi.Unauthorized) {
    return Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: error.message }))
  }
  if (error instanceof EditorApi.RuntimeAccessForbidden) {
    return Effect.fail(new ProjectsError.Forbidden({ reason: "AccessDisabled", description: error.message }))
  }
  if (error instanceof EditorApi.NotFound) {
    const resource = error.code === "OPEN_API_EXPORT_NOT_FOUND" ? "export" : error.code === "OPEN_API_ASSET_NOT_FOUND" ? "asset" : subject.resource
    return Effect.fail(new ProjectsError.NotFound({ resource, id: subject.id ?? "" }))
  }
  if (error instanceof EditorApi.UnknownAssetReference) {
    return Effect.fail(
      new ProjectsError.InvalidReference({ field: "editorState.assetId", id: error.assetIds?.[0] ?? error.message })
    )
  }
  if (error instanceof EditorApi.PayloadTooLarge) {
    return Effect.fail(ProjectsError.Validation.single(["editorState"], error.message))
  }
  if (error instanceof EditorApi.InternalError) {
    return Effect.fail(new ProjectsError.ProviderFailure({ provider: "editor", status: 500, body: error }))
  }
  return ProviderHttp.undescribed("editor", error)
}

const call = <A, E>(subject: Subject, effect: Effect.Effect<A, E>): Call<A> =>
  Effect.catchAll(effect, toCoreError(subject)) as Call<A>

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

const pages = <A>(
  fetch: (cursor: string | undefined) => Call<{ readonly items: ReadonlyArray<A>; readonly nextCursor: string | null }>
) =>
  Pagination.stream((cursor) =>
    Effect.map(fetch(Option.getOrUndefined(cursor)), (page) => ({
      items: page.items,
      nextCursor: Option.fromNullable(page.nextCursor)
    }))
  )

const defined = <A extends object>(params: A): A =>
  Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as A

export const make = (config: EditorConfig): Effect.Effect<EditorClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const apiKey = Redacted.isRedacted(config.apiKey) ? Redacted.value(config.apiKey) : config.apiKey
    const client = yield* HttpApiClient.make(EditorApi.EditorApi, {
      transformClient: ProviderHttp.transport({
        provider: "editor",
        baseUrl: config.baseUrl ?? defaultBaseUrl,
        headers: { authorization: `Bearer ${apiKey}` },
        retryPolicy: config.retryPolicy
      })
    })
    const project = (projectId: string) => ({ resource: "project", id: projectId })
    const listProjects = (params: ListProjectsParams = {}) =>
      call({ resource: "project" }, client.editorProjects.list({ urlParams: params }))
    const listExports = (params: ListExportsParams = {}) =>
      call({ resource: "export" }, client.editorExports.list({ urlParams: params }))
    return {
      projects: {
        create: (request) => call({ resource: "project" }, client.editorProjects.create({ payload: request })),
        get: (projectId) => call(project(projectId), client.editorProjects.get({ path: { projectId } })),
        update: (projectId, patch) =>
          call(project(projectId), client.editorProjects.update({ path: { projectId }, payload: patch })),
        sync: (projectId, request) =>
          call(project(projectId), client.editorProjects.sync({ path: { projectId }, payload: request })),
        delete: (projectId) => call(project(projectId), client.editorProjects.delete({ path: { projectId } })),
        list: listProjects,
        stream: (params = {}) => pages((cursor) => listProjects(defined({ ...params, cursor })))
      },
      assets: {
        register: (projectId, request) =>
          call(project(projectId), client.editorProjects.registerAsset({ path: { projectId }, payload: request })),
        upload: (projectId, bytes, name) =>
          call(
            project(projectId),
            client.editorProjects.uploadAsset({ path: { projectId }, urlParams: defined({ name }), payload: bytes })
          ),
        list: (projectId) =>
          Effect.map(
            call(project(projectId), client.editorProjects.listAssets({ path: { projectId } })),
            (list) => list.items
          )
      },
      exports: {
        fromProject: (projectId, request = {}) =>
          call(project(projectId), client.editorProjects.export({ path: { projectId }, payload: request })),
        fromState: (request) => call({ resource: "export" }, client.editorExports.create({ payload: request })),
        get: (taskId) => call({ resource: "export", id: taskId }, client.editorExports.get({ path: { taskId } })),
        list: listExports,
        stream: (params = {}) => pages((cursor) => listExports(defined({ ...params, cursor })))
      }
    } satisfies EditorClientService
  })

// ---------------------------------------------------------------------------------------------
// The neutral Projects service
// ---------------------------------------------------------------------------------------------

const both = { asc: "native", desc: "native" } as const

/** Everything natively: title search, every sort key both ways, descriptions, cursors. */
export const capabilities = new Capabilities.Capabilities({
  provider: "editor",
  search: "native",
  sort: { name: both, createdAt: both, updatedAt: both },
  defaultSort: { sortBy: "createdAt", direction: "desc" },
  cursorPagination: "native",
  description: "native",
  attachments: "native",
  maxPageSize: 100
})

export const toProject = (project: EditorApi.ProjectSummary): Project.Project =>
  new Project.Project({
    id: project.projectId,
    name: project.title,
    ...(project.description === null ? {} : { description: project.description }),
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    provider: "editor",
    raw: project
  })

export const makeProjects = (client: EditorClientService): Projects.ProjectsService =>
  Projects.make({
    capabilities,
    create: (input) => Effect.map(client.projects.create(defined({ title: input.name, description: input.description })), toProject),
    get: (id) => Effect.map(client.projects.get(id), toProject),
    update: (id, patch) =>
      Effect.map(
        patch.isEmpty ? client.projects.get(id) : client.projects.update(id, defined({ title: patch.name, description: patch.description })),
        toProject
      ),
    delete: client.projects.delete,
    listPage: (query) =>
      Effect.map(
        client.projects.list(defined({
          limit: query.limit,
          cursor: query.cursor,
          search: query.search === "" ? undefined : query.search,
          sortBy: query.sortBy === "name" ? "title" as const : query.sortBy,
          order: query.direction
        })),
        (page) => ({ items: page.items.map(toProject), nextCursor: Option.fromNullable(page.nextCursor) })
      )
  })

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/** `EditorClient` and the core `Projects`, over the `HttpClient` in context. */
export const layer = (config: EditorConfig): Layer.Layer<EditorClient | Projects.Projects, never, HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(make(config), (client) =>
      Context.make(EditorClient, client).pipe(Context.add(Projects.Projects, makeProjects(client))))
  )

/** The same, configured by `EDITOR_API_KEY` and `EDITOR_BASE_URL`. */
export const layerConfig = (
  config: Config.Config<EditorConfig> = Config.all({
    apiKey: Config.redacted("EDITOR_API_KEY"),
    baseUrl: Config.string("EDITOR_BASE_URL").pipe(Config.withDefault(defaultBaseUrl))
  })
): Layer.Layer<EditorClient | Projects.Projects, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(config, layer))
