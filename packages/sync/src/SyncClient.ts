/**
 * The sync.so client: every endpoint of the contract, typed, with errors mapped to projectkit's
 * core errors and requests retried by the core policy; and the neutral `Projects` service on top.
 * Points at the real `https://api.sync.so` by default, or at any base URL (the reference server's
 * is `http://localhost:4000/sync`).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Capabilities from "@projectkit/core/Capabilities"
import type * as Pagination from "@projectkit/core/Pagination"
import * as Project from "@projectkit/core/Project"
import * as Projects from "@projectkit/core/Projects"
import type * as Retry from "@projectkit/core/Retry"
import { Adapter, ProviderHttp } from "@projectkit/http"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as SyncApi from "./SyncApi.js"
import * as SyncErrors from "./SyncErrors.js"

export const defaultBaseUrl = "https://api.sync.so"

export interface SyncConfig {
  readonly apiKey: Redacted.Redacted | string
  /** `https://api.sync.so` unless given; the reference server's is `http://localhost:4000/sync`. */
  readonly baseUrl?: string | undefined
  readonly retryPolicy?: Retry.RetryPolicy | undefined
}

/**
 * What a sync.so call can fail with, in projectkit's core terms: NotFound, Unauthorized,
 * InvalidReference, Validation (by `SyncErrors.table`), RateLimited or ProviderFailure.
 */
export type SyncError = Adapter.Failure<SyncErrors.SyncCoreError>

type Call<A> = Effect.Effect<A, SyncError>

export type ListProjectsParams = typeof SyncApi.ListProjectsParams.Type
export type ListAssetsParams = typeof SyncApi.ListAssetsParams.Type
export type ListGenerationsParams = typeof SyncApi.ListGenerationsParams.Type

export interface SyncClientService {
  readonly projects: {
    readonly create: (request: typeof SyncApi.CreateProjectRequest.Type) => Call<SyncApi.Project>
    readonly get: (id: string) => Call<SyncApi.Project>
    /** Changes only the fields sent. */
    readonly update: (id: string, patch: typeof SyncApi.UpdateProjectRequest.Type) => Call<SyncApi.Project>
    readonly delete: (id: string) => Call<void>
    readonly list: (params?: ListProjectsParams) => Call<typeof SyncApi.ProjectList.Type>
    /** Every project the parameters select, page by page as the stream is pulled. */
    readonly stream: (params?: Omit<ListProjectsParams, "cursor">) => Stream.Stream<SyncApi.Project, SyncError>
  }
  readonly generations: {
    /** Fails with `InvalidReference` when `projectId` is not a project of the caller's organization. */
    readonly create: (request: SyncApi.CreateGenerationRequest) => Call<SyncApi.Generation>
    readonly get: (id: string) => Call<SyncApi.Generation>
    readonly list: (params?: ListGenerationsParams) => Call<ReadonlyArray<SyncApi.Generation>>
    readonly estimateCost: (
      request: SyncApi.CreateGenerationRequest
    ) => Call<ReadonlyArray<typeof SyncApi.EstimatedGenerationCost.Type>>
  }
  readonly assets: {
    /** Fails with `InvalidReference` when `projectId` is not a project of the caller's organization. */
    readonly create: (request: typeof SyncApi.CreateAssetRequest.Type) => Call<SyncApi.Asset>
    readonly get: (id: string) => Call<SyncApi.Asset>
    readonly list: (params?: ListAssetsParams) => Call<typeof SyncApi.AssetList.Type>
    readonly stream: (params?: Omit<ListAssetsParams, "cursor">) => Stream.Stream<SyncApi.Asset, SyncError>
  }
  readonly models: {
    readonly list: Call<ReadonlyArray<SyncApi.ModelInfo>>
  }
}

export class SyncClient extends Context.Tag("@projectkit/sync/SyncClient")<SyncClient, SyncClientService>() {}

/** A contract call, its failures as core errors by sync.so's error table. */
const call = Adapter.call(SyncErrors.table)

export const make = (config: SyncConfig): Effect.Effect<SyncClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpApiClient.make(SyncApi.SyncApi, {
      transformClient: ProviderHttp.transport({
        provider: "sync",
        baseUrl: config.baseUrl ?? defaultBaseUrl,
        headers: { "x-api-key": Adapter.secret(config.apiKey) },
        retryPolicy: config.retryPolicy
      })
    })
    const listProjects = (params: ListProjectsParams = {}) =>
      call({ resource: "project" }, client.syncProjects.list({ urlParams: params }))
    const listAssets = (params: ListAssetsParams = {}) =>
      call({ resource: "asset" }, client.syncAssets.list({ urlParams: params }))
    return {
      projects: {
        create: (request) => call({ resource: "project" }, client.syncProjects.create({ payload: request })),
        get: (id) => call({ resource: "project", id }, client.syncProjects.get({ path: { id } })),
        update: (id, patch) =>
          call({ resource: "project", id }, client.syncProjects.update({ path: { id }, payload: patch })),
        delete: (id) => call({ resource: "project", id }, client.syncProjects.delete({ path: { id } })),
        list: listProjects,
        stream: (params = {}) => Adapter.pages((cursor) => listProjects(Adapter.defined({ ...params, cursor })))
      },
      generations: {
        create: (request) =>
          call(
            { resource: "generation", projectId: request.projectId },
            client.syncGenerations.create({ payload: request })
          ),
        get: (id) => call({ resource: "generation", id }, client.syncGenerations.get({ path: { id } })),
        list: (params = {}) => call({ resource: "generation" }, client.syncGenerations.list({ urlParams: params })),
        estimateCost: (request) =>
          call(
            { resource: "generation", projectId: request.projectId },
            client.syncGenerations.estimateCost({ payload: request })
          )
      },
      assets: {
        create: (request) =>
          call({ resource: "asset", projectId: request.projectId }, client.syncAssets.create({ payload: request })),
        get: (id) => call({ resource: "asset", id }, client.syncAssets.get({ path: { id } })),
        list: listAssets,
        stream: (params = {}) => Adapter.pages((cursor) => listAssets(Adapter.defined({ ...params, cursor })))
      },
      models: {
        list: call({ resource: "model" }, client.syncModels.list())
      }
    } satisfies SyncClientService
  })

// ---------------------------------------------------------------------------------------------
// The neutral Projects service
// ---------------------------------------------------------------------------------------------

/**
 * What sync.so projects can do: a name (no description), search by name, and the orders the API
 * has — names A→Z, last updated first, and without `sortBy` newest created first (INF: the
 * documents name the sort keys but no directions). Nothing else is emulated: doing it exactly
 * would mean reading every project first.
 */
export const capabilities = new Capabilities.Capabilities({
  provider: "sync",
  search: "native",
  sort: {
    name: { asc: "native", desc: "unsupported" },
    updatedAt: { asc: "unsupported", desc: "native" },
    createdAt: { asc: "unsupported", desc: "native" }
  },
  defaultSort: { sortBy: "createdAt", direction: "desc" },
  cursorPagination: "native",
  description: "unsupported",
  attachments: "native",
  maxPageSize: 100
})

export const toProject = (project: SyncApi.Project): Project.Project =>
  new Project.Project({
    id: project.id,
    name: project.name,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    provider: "sync",
    raw: project
  })

const sortParam = (sortBy: Pagination.SortKey): Schema.Schema.Type<typeof SyncApi.ProjectSort> | undefined =>
  sortBy === "createdAt" ? undefined : sortBy

export const makeProjects = (client: SyncClientService): Projects.ProjectsService =>
  Projects.make({
    capabilities,
    create: (input) => Effect.map(client.projects.create({ name: input.name }), toProject),
    get: (id) => Effect.map(client.projects.get(id), toProject),
    update: (id, patch) =>
      Effect.map(patch.name === undefined ? client.projects.get(id) : client.projects.update(id, { name: patch.name }), toProject),
    delete: client.projects.delete,
    listPage: (query) =>
      Effect.map(
        client.projects.list(Adapter.defined({
          limit: query.limit,
          cursor: query.cursor,
          searchQuery: query.search === "" ? undefined : query.search,
          sortBy: sortParam(query.sortBy)
        })),
        (page) => ({ items: page.items.map(toProject), nextCursor: Option.fromNullable(page.nextCursor) })
      )
  })

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/** `SyncClient` and the core `Projects`, over the `HttpClient` in context. */
export const layer: (config: SyncConfig) => Layer.Layer<SyncClient | Projects.Projects, never, HttpClient.HttpClient> =
  Adapter.layer(SyncClient, make, makeProjects)

/** The same, configured by `SYNC_API_KEY` and `SYNC_BASE_URL` (default the real service). */
export const layerConfig = (
  config: Config.Config<SyncConfig> = Config.all({
    apiKey: Config.redacted("SYNC_API_KEY"),
    baseUrl: Config.string("SYNC_BASE_URL").pipe(Config.withDefault(defaultBaseUrl))
  })
): Layer.Layer<SyncClient | Projects.Projects, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Adapter.layerConfig(layer, config)
