/**
 * The editor Open API client: every endpoint of the contract, typed, with errors mapped to
 * projectkit's core errors and requests retried by the core policy; and the neutral `Projects`
 * service on top (name ↔ title, description ↔ description).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Capabilities from "@projectkit/core/Capabilities"
import * as Project from "@projectkit/core/Project"
import * as Projects from "@projectkit/core/Projects"
import type * as Retry from "@projectkit/core/Retry"
import { Adapter, ProviderHttp } from "@projectkit/http"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import * as EditorApi from "./EditorApi.js"
import * as EditorErrors from "./EditorErrors.js"

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

/** What an editor call can fail with, in projectkit's core terms (see `EditorErrors.table`). */
export type EditorError = EditorErrors.CoreError

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
// The client
// ---------------------------------------------------------------------------------------------

const call = Adapter.call(EditorErrors.table)
const { defined, pages } = Adapter

export const make = (config: EditorConfig): Effect.Effect<EditorClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpApiClient.make(EditorApi.EditorApi, {
      transformClient: ProviderHttp.transport({
        provider: "editor",
        baseUrl: config.baseUrl ?? defaultBaseUrl,
        headers: { authorization: `Bearer ${Adapter.secret(config.apiKey)}` },
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
    create: (input) =>
      Effect.map(client.projects.create({ title: input.name, ...defined({ description: input.description }) }), toProject),
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
export const layer = Adapter.layer(EditorClient, make, makeProjects)

/** The same, configured by `EDITOR_API_KEY` and `EDITOR_BASE_URL`. */
export const layerConfig = (
  config: Config.Config<EditorConfig> = Config.all({
    apiKey: Config.redacted("EDITOR_API_KEY"),
    baseUrl: Config.string("EDITOR_BASE_URL").pipe(Config.withDefault(defaultBaseUrl))
  })
) => Adapter.layerConfig(layer, config)
