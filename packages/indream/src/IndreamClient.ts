/**
 * The Indream Open API client: every one of the 19 operations, typed, with the `{data, meta}`
 * envelopes opened, errors mapped to projectkit's core errors and requests retried by the core
 * policy; and the neutral `Projects` service on top (name ↔ title, description ↔ description).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Capabilities from "@projectkit/core/Capabilities"
import * as Project from "@projectkit/core/Project"
import * as Projects from "@projectkit/core/Projects"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Retry from "@projectkit/core/Retry"
import { Adapter, ProviderHttp, WireError } from "@projectkit/http"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as IndreamApi from "./IndreamApi.js"
import * as IndreamEditorState from "./IndreamEditorState.js"
import * as IndreamErrors from "./IndreamErrors.js"

/** DOC: `servers: https://api.indream.ai`. */
export const defaultBaseUrl = "https://api.indream.ai"

export interface IndreamConfig {
  readonly apiKey: Redacted.Redacted | string
  /** Indream's own API unless given (the reference server's is e.g. `http://localhost:4000/indream`). */
  readonly baseUrl?: string | undefined
  /** The core policy by default; `Retry.noRetries` for callers that retry themselves. */
  readonly retryPolicy?: Retry.RetryPolicy | undefined
}

/** What an Indream call can fail with, in projectkit's core terms (see `IndreamErrors.table`). */
export type IndreamError = Adapter.Failure<IndreamErrors.CoreError>

type Call<A> = Effect.Effect<A, IndreamError>

/** One page of a list, as the envelope's `data` and `meta.nextPageCursor`. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextPageCursor: string | null
}

/** Sent as `Idempotency-Key` (DOC: create project, create export, project export). */
export interface IdempotencyOptions {
  readonly idempotencyKey?: string | undefined
}

export interface UploadOptions {
  /** DOC: `x-file-name`, the original file name (1–512 characters). */
  readonly filename: string
  /** The file's MIME type, sent as `Content-Type` (INF: `application/octet-stream` unless given). */
  readonly contentType?: string | undefined
  /** DOC: `x-project-id`, to bind the new asset to that project as well. */
  readonly projectId?: string | undefined
}

export interface WaitOptions {
  /** Between two polls (default 2 seconds). */
  readonly interval?: Duration.DurationInput | undefined
  /** How long to wait for a terminal status at most (default 10 minutes); then `ProviderFailure` (status 0). */
  readonly timeout?: Duration.DurationInput | undefined
}

export interface IndreamClientService {
  readonly projects: {
    /** DOC `createProject`: `editorState` is required. */
    readonly create: (request: IndreamApi.CreateProjectRequest, options?: IdempotencyOptions) => Call<IndreamApi.ProjectSummary>
    readonly list: (params?: IndreamApi.ListProjectsParams) => Call<Page<IndreamApi.ProjectSummary>>
    /** Every project summary, a page at a time as the stream is pulled. */
    readonly stream: (params?: Omit<IndreamApi.ListProjectsParams, "pageCursor">) => Stream.Stream<IndreamApi.ProjectSummary, IndreamError>
    /** Metadata with the latest persisted `editorState` and its `stateVersion`. */
    readonly get: (projectId: string) => Call<IndreamApi.ProjectDetail>
    /** `title` and `description` only; `description: null` clears it. */
    readonly update: (projectId: string, patch: IndreamApi.PatchProjectRequest) => Call<IndreamApi.ProjectMetadata>
    readonly delete: (projectId: string) => Call<typeof IndreamApi.DeletedProject.Type>
    /** Replaces `editorState`; over the project's rate, `RateLimited` with `retryAfter`. */
    readonly sync: (projectId: string, request: IndreamApi.SyncProjectRequest) => Call<IndreamApi.SyncProjectResult>
  }
  readonly assets: {
    /** DOC `uploadAsset`: the bytes as the body. Not retried (as the official client). */
    readonly upload: (bytes: Uint8Array, options: UploadOptions) => Call<IndreamApi.Asset>
    readonly get: (assetId: string) => Call<IndreamApi.Asset>
    /** Soft-deletes; `Conflict` (409 ASSET_REFERENCED) while a project or saved state uses it. */
    readonly delete: (assetId: string) => Call<typeof IndreamApi.DeletedAsset.Type>
    readonly listForProject: (projectId: string, params?: IndreamApi.ListProjectAssetsParams) => Call<Page<IndreamApi.Asset>>
    readonly streamForProject: (
      projectId: string,
      params?: Omit<IndreamApi.ListProjectAssetsParams, "pageCursor">
    ) => Stream.Stream<IndreamApi.Asset, IndreamError>
    /** Binds an existing asset to the project. */
    readonly addToProject: (projectId: string, assetId: string) => Call<typeof IndreamApi.ProjectAssetBinding.Type>
    /** Removes the binding only; the asset remains. */
    readonly removeFromProject: (projectId: string, assetId: string) => Call<typeof IndreamApi.DeletedProjectAsset.Type>
  }
  readonly exports: {
    /** DOC `createExport`: a stateless export of the `editorState` sent. */
    readonly create: (request: IndreamApi.CreateExportRequest, options?: IdempotencyOptions) => Call<IndreamApi.CreatedExport>
    /** DOC `createProjectExport`: an export of the project's latest persisted state. */
    readonly createFromProject: (
      projectId: string,
      request: IndreamApi.CreateProjectExportRequest,
      options?: IdempotencyOptions
    ) => Call<IndreamApi.CreatedExport>
    readonly get: (taskId: string) => Call<IndreamApi.ExportTask>
    readonly list: (params?: IndreamApi.ListExportsParams) => Call<Page<IndreamApi.ExportTask>>
    readonly stream: (params?: Omit<IndreamApi.ListExportsParams, "pageCursor">) => Stream.Stream<IndreamApi.ExportTask, IndreamError>
    /** Polls the task until its status is terminal (`COMPLETED`, `FAILED`, `CANCELED`), as the official `exports.wait`. */
    readonly wait: (taskId: string, options?: WaitOptions) => Call<IndreamApi.ExportTask>
  }
  readonly editor: {
    readonly capabilities: () => Call<IndreamApi.EditorCapabilities>
    /** `{valid, errors}`: an invalid state is an answer, not a failure. */
    readonly validate: (editorState: IndreamApi.EditorState) => Call<IndreamApi.EditorValidationResult>
  }
  readonly illustrations: {
    /** Built-in illustration names matching `q` (all of them without it). */
    readonly search: (q?: string) => Call<ReadonlyArray<string>>
  }
}

export class IndreamClient extends Context.Tag("@projectkit/indream/IndreamClient")<IndreamClient, IndreamClientService>() {}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

const call = Adapter.call(IndreamErrors.table)
const { defined, pages } = Adapter

const page = <A>(envelope: { readonly data: ReadonlyArray<A>; readonly meta: { readonly nextPageCursor?: string | null | undefined } }): Page<A> => ({
  items: envelope.data,
  nextPageCursor: envelope.meta.nextPageCursor ?? null
})

const streamOf = <A>(fetch: (pageCursor: string | undefined) => Call<Page<A>>): Stream.Stream<A, IndreamError> =>
  pages((cursor) => Effect.map(fetch(cursor), (found) => ({ items: found.items, nextCursor: found.nextPageCursor })))

const idempotency = (options: IdempotencyOptions | undefined) => defined({ "idempotency-key": options?.idempotencyKey })

const decodeAsset = Schema.decodeUnknown(IndreamApi.AssetEnvelope)
const isUuid = Schema.is(IndreamApi.Uuid)

/**
 * An upload's answer, read by hand: the contract declares the body as octet-stream, but a real
 * upload is sent with the file's own MIME type, which `HttpApiClient` cannot set per call.
 */
const uploadResponse = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.flatMap(response.json, (body): Effect.Effect<IndreamApi.Asset, IndreamErrors.IndreamWireError | unknown> => {
    if (response.status === 201) return Effect.map(decodeAsset(body), (envelope) => envelope.data)
    const klass = IndreamErrors.classes.find((candidate) => WireError.status(candidate) === response.status)
    return klass === undefined
      ? Effect.fail(new HttpClientError.ResponseError({ request: response.request, response, reason: "StatusCode" }))
      : Effect.flatMap(Schema.decodeUnknown(klass as unknown as Schema.Schema<IndreamErrors.IndreamWireError, unknown>)(body), Effect.fail)
  })

export const make = (config: IndreamConfig): Effect.Effect<IndreamClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const transport = (retryPolicy: Retry.RetryPolicy | undefined) =>
      ProviderHttp.transport({
        provider: "indream",
        baseUrl: config.baseUrl ?? defaultBaseUrl,
        headers: { "x-api-key": Adapter.secret(config.apiKey) },
        retryPolicy
      })
    const client = yield* HttpApiClient.make(IndreamApi.IndreamApi, { transformClient: transport(config.retryPolicy) })
    // DOC (official client): uploads are never retried, a body may be large and is not replayable.
    const uploads = transport(Retry.noRetries)(yield* HttpClient.HttpClient)

    /**
     * DOC: path ids are uuids. One that is not never goes out (the contract could not encode it):
     * it is refused here as the server would refuse it, with a Validation naming the parameter.
     */
    const checked = (ids: Readonly<Record<string, string>>) =>
      <A>(effect: Call<A>): Call<A> => {
        const bad = Object.entries(ids).find(([, id]) => !isUuid(id))
        return bad === undefined
          ? effect
          : Effect.fail(ProjectsError.Validation.single([bad[0]], `${bad[0]} must be a UUID, got ${JSON.stringify(bad[1].slice(0, 120))}`))
      }
    const project = (projectId: string) => ({ resource: "project", id: projectId, projectId })
    const asset = (assetId: string) => ({ resource: "asset", id: assetId })
    const callProject = <A, E>(projectId: string, effect: Effect.Effect<A, E>): Call<A> =>
      checked({ projectId })(call(project(projectId), effect))
    const callAsset = <A, E>(assetId: string, effect: Effect.Effect<A, E>): Call<A> =>
      checked({ assetId })(call(asset(assetId), effect))
    const callBinding = <A, E>(projectId: string, assetId: string, effect: Effect.Effect<A, E>): Call<A> =>
      checked({ projectId, assetId })(call(project(projectId), effect))
    const exportTask = (taskId: string) => ({ resource: "export", id: taskId })

    const listProjects = (params: IndreamApi.ListProjectsParams = {}) =>
      Effect.map(call({ resource: "project" }, client.indreamProjects.listProjects({ urlParams: params })), page)
    const listProjectAssets = (projectId: string, params: IndreamApi.ListProjectAssetsParams = {}) =>
      Effect.map(
        callProject(projectId, client.indreamAssets.listProjectAssets({ path: { projectId }, urlParams: params })),
        page
      )
    const listExports = (params: IndreamApi.ListExportsParams = {}) =>
      Effect.map(call({ resource: "export" }, client.indreamExports.listExports({ urlParams: params })), page)
    const getExport = (taskId: string) =>
      Effect.map(call(exportTask(taskId), client.indreamExports.getExport({ path: { taskId } })), (envelope) => envelope.data)

    return {
      projects: {
        create: (request, options) =>
          Effect.map(
            call({ resource: "project" }, client.indreamProjects.createProject({ payload: request, headers: idempotency(options) })),
            (envelope) => envelope.data
          ),
        list: listProjects,
        stream: (params = {}) => streamOf((pageCursor) => listProjects(defined({ ...params, pageCursor }))),
        get: (projectId) =>
          Effect.map(callProject(projectId, client.indreamProjects.getProject({ path: { projectId } })), (envelope) => envelope.data),
        update: (projectId, patch) =>
          Effect.map(
            callProject(projectId, client.indreamProjects.patchProject({ path: { projectId }, payload: patch })),
            (envelope) => envelope.data
          ),
        delete: (projectId) =>
          Effect.map(callProject(projectId, client.indreamProjects.deleteProject({ path: { projectId } })), (envelope) => envelope.data),
        sync: (projectId, request) =>
          Effect.map(
            callProject(projectId, client.indreamProjects.syncProject({ path: { projectId }, payload: request })),
            (envelope) => envelope.data
          )
      },
      assets: {
        upload: (bytes, options) =>
          call(
            { resource: "asset", projectId: options.projectId },
            Effect.flatMap(
              uploads.execute(
                HttpClientRequest.post("/v1/uploads").pipe(
                  HttpClientRequest.bodyUint8Array(bytes, options.contentType ?? "application/octet-stream"),
                  HttpClientRequest.setHeaders(defined({ "x-file-name": options.filename, "x-project-id": options.projectId }))
                )
              ),
              uploadResponse
            )
          ),
        get: (assetId) =>
          Effect.map(callAsset(assetId, client.indreamAssets.getAsset({ path: { assetId } })), (envelope) => envelope.data),
        delete: (assetId) =>
          Effect.map(callAsset(assetId, client.indreamAssets.deleteAsset({ path: { assetId } })), (envelope) => envelope.data),
        listForProject: listProjectAssets,
        streamForProject: (projectId, params = {}) =>
          streamOf((pageCursor) => listProjectAssets(projectId, defined({ ...params, pageCursor }))),
        addToProject: (projectId, assetId) =>
          Effect.map(
            callBinding(projectId, assetId, client.indreamAssets.addProjectAsset({ path: { projectId }, payload: { assetId } })),
            (envelope) => envelope.data
          ),
        removeFromProject: (projectId, assetId) =>
          Effect.map(
            callBinding(projectId, assetId, client.indreamAssets.deleteProjectAsset({ path: { projectId, assetId } })),
            (envelope) => envelope.data
          )
      },
      exports: {
        create: (request, options) =>
          Effect.map(
            call({ resource: "export" }, client.indreamExports.createExport({ payload: request, headers: idempotency(options) })),
            (envelope) => envelope.data
          ),
        createFromProject: (projectId, request, options) =>
          Effect.map(
            callProject(
              projectId,
              client.indreamExports.createProjectExport({ path: { projectId }, payload: request, headers: idempotency(options) })
            ),
            (envelope) => envelope.data
          ),
        get: getExport,
        list: listExports,
        stream: (params = {}) => streamOf((pageCursor) => listExports(defined({ ...params, pageCursor }))),
        wait: (taskId, options = {}) => {
          const timeout = options.timeout ?? "10 minutes"
          const interval = options.interval ?? "2 seconds"
          const poll: Call<IndreamApi.ExportTask> = Effect.flatMap(getExport(taskId), (task) =>
            IndreamApi.terminalStatuses.has(task.status)
              ? Effect.succeed(task)
              : Effect.zipRight(Effect.sleep(interval), Effect.suspend(() => poll)))
          return poll.pipe(
            Effect.timeoutFail({
              duration: timeout,
              // No terminal answer in time: as a request without an answer, status 0.
              onTimeout: () =>
                new ProjectsError.ProviderFailure({
                  provider: "indream",
                  status: 0,
                  body: null,
                  description: `export task ${taskId} did not reach a terminal status within ${Duration.format(Duration.decode(timeout))}`
                })
            })
          )
        }
      },
      editor: {
        capabilities: () =>
          Effect.map(call({ resource: "editor" }, client.indreamEditor.getEditorCapabilities()), (envelope) => envelope.data),
        validate: (editorState) =>
          Effect.map(
            call({ resource: "editor" }, client.indreamEditor.validateEditorState({ payload: { editorState } })),
            (envelope) => envelope.data
          )
      },
      illustrations: {
        search: (q) =>
          Effect.map(
            call({ resource: "illustration" }, client.indreamMaterials.searchIllustrations({ urlParams: defined({ q }) })),
            (envelope) => envelope.data
          )
      }
    } satisfies IndreamClientService
  })

// ---------------------------------------------------------------------------------------------
// The neutral Projects service
// ---------------------------------------------------------------------------------------------

const unsupported = { asc: "unsupported", desc: "unsupported" } as const

/**
 * DOC: `listProjects` takes only `pageSize` (1–50) and `pageCursor`: no search, no sort. INF: the
 * order is newest first.
 */
export const capabilities = new Capabilities.Capabilities({
  provider: "indream",
  search: "unsupported",
  sort: { name: unsupported, createdAt: { asc: "unsupported", desc: "native" }, updatedAt: unsupported },
  defaultSort: { sortBy: "createdAt", direction: "desc" },
  cursorPagination: "native",
  description: "native",
  attachments: "native",
  maxPageSize: 50
})

export const toProject = (project: IndreamApi.ProjectSummary): Project.Project =>
  new Project.Project({
    id: project.projectId,
    name: project.title,
    ...(project.description === null ? {} : { description: project.description }),
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    provider: "indream",
    raw: project
  })

/** A neutral project is created with the blank editorState (Indream requires one). */
export const makeProjects = (client: IndreamClientService): Projects.ProjectsService =>
  Projects.make({
    capabilities,
    create: (input) =>
      Effect.map(
        client.projects.create({
          title: input.name,
          ...defined({ description: input.description }),
          editorState: IndreamEditorState.blank()
        }),
        toProject
      ),
    get: (id) => Effect.map(client.projects.get(id), toProject),
    // The patch answers metadata without `createdAt`: the project is read back whole.
    update: (id, patch) =>
      Effect.zipRight(
        patch.isEmpty
          ? Effect.void
          : client.projects.update(id, defined({ title: patch.name, description: patch.description })),
        Effect.map(client.projects.get(id), toProject)
      ),
    delete: (id) => Effect.asVoid(client.projects.delete(id)),
    listPage: (query) =>
      Effect.map(
        client.projects.list(defined({ pageSize: query.limit, pageCursor: query.cursor })),
        (found) => ({ items: found.items.map(toProject), nextCursor: Option.fromNullable(found.nextPageCursor) })
      )
  })

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/** `IndreamClient` and the core `Projects`, over the `HttpClient` in context. */
export const layer = Adapter.layer(IndreamClient, make, makeProjects)

/** The same, configured by `INDREAM_API_KEY` and `INDREAM_BASE_URL`. */
export const layerConfig = (
  config: Config.Config<IndreamConfig> = Config.all({
    apiKey: Config.redacted("INDREAM_API_KEY"),
    baseUrl: Config.string("INDREAM_BASE_URL").pipe(Config.withDefault(defaultBaseUrl))
  })
) => Adapter.layerConfig(layer, config)
