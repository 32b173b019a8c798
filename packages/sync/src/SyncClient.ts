/**
 * The sync.so client: every endpoint of the contract, typed, with errors mapped to projectkit's
 * core errors and requests retried by the core policy; and the neutral `Projects` service on top.
 * Points at the real `https://api.sync.so` by default, or at any base URL (the reference server's
 * is `http://localhost:4000/sync`).
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Capabilities from "@projectkit/core/Capabilities"
import type * as Pagination from "@projectkit/core/Pagination"
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
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as SyncApi from "./SyncApi.js"
import type * as SyncErrorCatalog from "./SyncErrorCatalog.js"
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
export type ListBatchesParams = typeof SyncApi.ListBatchesParams.Type

/** A file to upload: a `Blob` or `File` (a `File`'s name is sent), or bytes with a name. */
export type FileInput = Blob | { readonly bytes: Uint8Array; readonly name: string; readonly type?: string | undefined }

/**
 * Create Generation with Files: the JSON form's fields (`input` optional), and the media as files.
 * Each file becomes an asset of the organization and the input item of its type, taking
 * precedence over an item of that type given by URL. Files must be below 20 MB (413 otherwise:
 * `Validation` of reason `TooLarge`).
 */
export interface CreateGenerationWithFilesRequest extends Omit<SyncApi.CreateGenerationRequest, "input"> {
  readonly input?: ReadonlyArray<SyncApi.Input> | undefined
  readonly video?: FileInput | undefined
  readonly audio?: FileInput | undefined
  /** Only with sync-3. */
  readonly image?: FileInput | undefined
}

/**
 * Create Batch: the requests as lines (each sent as one JSON line), or a JSON Lines file already
 * made; 20 to 500 lines, at most 5 MB.
 */
export interface CreateBatchRequest {
  readonly input: ReadonlyArray<SyncApi.BatchLine> | FileInput
  /** Called (signed, as every webhook) when the batch completes or fails. */
  readonly webhookUrl?: string | undefined
  /** Validate the file and every payload without creating anything. */
  readonly dryRun?: boolean | undefined
}

/** What Create Batch answers: the batch created, or for a dry run `{status: "VALIDATED"}`. */
export type CreatedBatch = SyncApi.Batch | typeof SyncApi.BatchValidation.Type

export interface SyncClientService {
  readonly projects: {
    readonly create: (request: typeof SyncApi.CreateProjectRequest.Type) => Call<SyncApi.Project>
    readonly get: (id: string) => Call<SyncApi.Project>
    /** Changes only the fields sent. */
    readonly update: (id: string, patch: typeof SyncApi.UpdateProjectRequest.Type) => Call<SyncApi.Project>
    readonly delete: (id: string) => Call<void>
    /** Files an asset of the organization under the project (projects/attach-asset); idempotent. */
    readonly attachAsset: (id: string, assetId: string) => Call<void>
    readonly list: (params?: ListProjectsParams) => Call<typeof SyncApi.ProjectList.Type>
    /** Every project the parameters select, page by page as the stream is pulled. */
    readonly stream: (params?: Omit<ListProjectsParams, "cursor">) => Stream.Stream<SyncApi.Project, SyncError>
  }
  readonly generations: {
    /** Fails with `InvalidReference` when `projectId` is not a project of the caller's organization. */
    readonly create: (request: SyncApi.CreateGenerationRequest) => Call<SyncApi.Generation>
    readonly get: (id: string) => Call<SyncApi.Generation>
    /** Deletes a generation in a terminal state, answering it; `Conflict` while it is at work. */
    readonly delete: (id: string) => Call<SyncApi.Generation>
    /** A completed generation's output URL (fetch it without the key); `NotFound` before. */
    readonly downloadUrl: (id: string) => Call<string>
    readonly list: (params?: ListGenerationsParams) => Call<ReadonlyArray<SyncApi.Generation>>
    readonly estimateCost: (
      request: SyncApi.CreateGenerationRequest
    ) => Call<ReadonlyArray<typeof SyncApi.EstimatedGenerationCost.Type>>
    /** `POST /v2/generate` as multipart/form-data; `InvalidReference` as `create`. */
    readonly createWithFiles: (request: CreateGenerationWithFilesRequest) => Call<SyncApi.Generation>
  }
  readonly batches: {
    /** A malformed file is a `Validation` naming its first offending line; a payload the Generate API refuses fails its line only. */
    readonly create: (request: CreateBatchRequest) => Call<CreatedBatch>
    readonly get: (id: string) => Call<SyncApi.Batch>
    /** The caller's batches, newest first. */
    readonly list: (params?: ListBatchesParams) => Call<ReadonlyArray<SyncApi.Batch>>
    /** A finished batch's results (its `outputUrl`), one per input line in order; `NotFound` before it finishes. */
    readonly results: (id: string) => Call<ReadonlyArray<SyncApi.BatchResultLine>>
  }
  readonly assets: {
    /** Fails with `InvalidReference` when `projectId` is not a project of the caller's organization. */
    readonly create: (request: typeof SyncApi.CreateAssetRequest.Type) => Call<SyncApi.Asset>
    readonly get: (id: string) => Call<SyncApi.Asset>
    readonly list: (params?: ListAssetsParams) => Call<typeof SyncApi.AssetList.Type>
    readonly stream: (params?: Omit<ListAssetsParams, "cursor">) => Stream.Stream<SyncApi.Asset, SyncError>
    /** An upload URL for a file of this name, type and size (assets-api/create-upload). */
    readonly createUpload: (request: typeof SyncApi.CreateAssetUploadRequest.Type) => Call<typeof SyncApi.AssetUpload.Type>
    /**
     * The whole upload flow: an upload URL, a plain PUT of the bytes (without the key), then the
     * asset registered with the upload's URL.
     */
    readonly upload: (
      file: { readonly bytes: Uint8Array; readonly name: string; readonly contentType: string },
      request: Omit<typeof SyncApi.CreateAssetRequest.Type, "url">
    ) => Call<SyncApi.Asset>
    /** Changes only the fields sent; `Forbidden` for an asset of another key. */
    readonly update: (id: string, patch: typeof SyncApi.UpdateAssetRequest.Type) => Call<SyncApi.Asset>
    /** `Forbidden` for an asset of another key. */
    readonly delete: (id: string) => Call<typeof SyncApi.DeletedAsset.Type>
    /** The asset's download URL (fetch it without the key). */
    readonly downloadUrl: (id: string) => Call<string>
    /** The newest asset this key registered with that SHA-256 (hex) and type, or null. */
    readonly findUploaded: (contentSha256: string, type: typeof SyncApi.AssetType.Type) => Call<SyncApi.Asset | null>
  }
  readonly models: {
    readonly list: Call<ReadonlyArray<SyncApi.ModelInfo>>
  }
  readonly errors: {
    /** The catalog of error codes (`GET /v2/errors`). */
    readonly list: Call<ReadonlyArray<SyncErrorCatalog.ErrorCatalogEntry>>
  }
}

export class SyncClient extends Context.Tag("@projectkit/sync/SyncClient")<SyncClient, SyncClientService>() {}

/** A contract call, its failures as core errors by sync.so's error table. */
const call = Adapter.call(SyncErrors.table)

/** A file as a form part: its `Blob`, and the name sent (a `File`'s own, or `fallback`). */
const formFile = (file: FileInput, fallback: string): readonly [Blob, string] => {
  if (file instanceof Blob) {
    const name = (file as Blob & { readonly name?: unknown }).name
    return [file, typeof name === "string" && name !== "" ? name : fallback]
  }
  return [new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name]
}

const encodeInput = Schema.encodeSync(SyncApi.Input)
const encodeOptions = Schema.encodeSync(SyncApi.GenerationOptions)
const encodeSegments = Schema.encodeSync(Schema.Array(SyncApi.GenerationSegment))
const encodeLine = Schema.encodeSync(SyncApi.BatchLine)
const decodeResultLine = Schema.decodeUnknown(Schema.parseJson(SyncApi.BatchResultLine))

/** The form the SDK's `createWithFiles` sends: files, `model`, one `input` field per item (its JSON), `options` as JSON, … */
const generationForm = (request: CreateGenerationWithFilesRequest): FormData => {
  const form = new FormData()
  for (const key of ["video", "audio", "image"] as const) {
    const file = request[key]
    if (file !== undefined) form.append(key, ...formFile(file, key))
  }
  form.append("model", request.model)
  for (const item of request.input ?? []) form.append("input", JSON.stringify(encodeInput(item)))
  if (request.options !== undefined) form.append("options", JSON.stringify(encodeOptions(request.options)))
  if (request.segments !== undefined) form.append("segments", JSON.stringify(encodeSegments(request.segments)))
  if (request.webhookUrl !== undefined) form.append("webhookUrl", request.webhookUrl)
  if (request.outputFileName !== undefined) form.append("outputFileName", request.outputFileName)
  if (typeof request.projectId === "string") form.append("projectId", request.projectId)
  return form
}

/** The form the SDK's `batch.create` sends: the `input` file, `webhook_url`, `dry_run` as "true" or "false". */
const batchForm = (request: CreateBatchRequest): FormData => {
  const form = new FormData()
  const file: FileInput = Array.isArray(request.input)
    ? new Blob([(request.input as ReadonlyArray<SyncApi.BatchLine>).map((line) => JSON.stringify(encodeLine(line))).join("\n") + "\n"], {
      type: "application/jsonl"
    })
    : request.input as FileInput
  form.append("input", ...formFile(file, "batch.jsonl"))
  if (request.webhookUrl !== undefined) form.append("webhook_url", request.webhookUrl)
  if (request.dryRun !== undefined) form.append("dry_run", String(request.dryRun))
  return form
}

export const make = (config: SyncConfig): Effect.Effect<SyncClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const transformClient = ProviderHttp.transport({
      provider: "sync",
      baseUrl: config.baseUrl ?? defaultBaseUrl,
      headers: { "x-api-key": Adapter.secret(config.apiKey) },
      retryPolicy: config.retryPolicy
    })
    const client = yield* HttpApiClient.make(SyncApi.SyncApi, { transformClient })
    // The upload URL is the storage's, absolute and keyless: the plain client, never the key.
    const plain = yield* HttpClient.HttpClient
    const putBytes = (url: string, bytes: Uint8Array, contentType: string) =>
      plain.execute(HttpClientRequest.put(url).pipe(HttpClientRequest.bodyUint8Array(bytes, contentType))).pipe(
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300
            ? Effect.void
            : Effect.flatMap(Effect.orElseSucceed(response.json, () => null), (body) =>
              Effect.fail(new ProjectsError.ProviderFailure({ provider: "sync", status: response.status, body, description: `the upload PUT answered ${response.status}` })))
        ),
        Effect.scoped,
        Effect.catchTag("RequestError", "ResponseError", (error) =>
          Effect.fail(new ProjectsError.ProviderFailure({ provider: "sync", status: 0, body: null, description: String(error) })))
      )
    const withFiles = yield* HttpApiClient.make(SyncApi.GenerationsWithFilesApi, { transformClient })
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
        attachAsset: (id, assetId) =>
          call({ resource: "project", id }, client.syncProjects.attachAsset({ path: { id }, payload: { assetId } })),
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
        delete: (id) => call({ resource: "generation", id }, client.syncGenerations.delete({ path: { id } })),
        downloadUrl: (id) => call({ resource: "generation", id }, client.syncGenerations.download({ path: { id } })),
        list: (params = {}) => call({ resource: "generation" }, client.syncGenerations.list({ urlParams: params })),
        estimateCost: (request) =>
          call(
            { resource: "generation", projectId: request.projectId },
            client.syncGenerations.estimateCost({ payload: request })
          ),
        createWithFiles: (request) =>
          call(
            { resource: "generation", projectId: request.projectId },
            withFiles.syncGenerationsWithFiles.create({ payload: generationForm(request) })
          )
      },
      batches: {
        create: (request) => call({ resource: "batch" }, client.syncBatches.create({ payload: batchForm(request) })),
        get: (id) => call({ resource: "batch", id }, client.syncBatches.get({ path: { id } })),
        list: (params = {}) => call({ resource: "batch" }, client.syncBatches.list({ urlParams: params })),
        results: (id) =>
          call(
            { resource: "batch", id },
            Effect.flatMap(client.syncBatches.results({ path: { id } }), (text) =>
              Effect.forEach(text.split("\n").filter((line) => line.trim() !== ""), (line) => Effect.orDie(decodeResultLine(line))))
          )
      },
      assets: {
        create: (request) =>
          call({ resource: "asset", projectId: request.projectId }, client.syncAssets.create({ payload: request })),
        get: (id) => call({ resource: "asset", id }, client.syncAssets.get({ path: { id } })),
        list: listAssets,
        stream: (params = {}) => Adapter.pages((cursor) => listAssets(Adapter.defined({ ...params, cursor }))),
        createUpload: (request) => call({ resource: "asset" }, client.syncAssets.createUpload({ payload: request })),
        upload: (file, request) =>
          Effect.gen(function*() {
            const slot = yield* call(
              { resource: "asset" },
              client.syncAssets.createUpload({ payload: { fileName: file.name, contentType: file.contentType, size: file.bytes.length } })
            )
            yield* putBytes(slot.uploadUrl, file.bytes, file.contentType)
            return yield* call(
              { resource: "asset", projectId: request.projectId },
              client.syncAssets.create({ payload: { ...request, url: slot.url } })
            )
          }),
        update: (id, patch) => call({ resource: "asset", id }, client.syncAssets.update({ path: { id }, payload: patch })),
        delete: (id) => call({ resource: "asset", id }, client.syncAssets.delete({ path: { id } })),
        downloadUrl: (id) => call({ resource: "asset", id }, client.syncAssets.download({ path: { id } })),
        findUploaded: (contentSha256, type) =>
          Effect.map(
            call({ resource: "asset" }, client.syncAssets.findUploaded({ urlParams: { contentSha256, type } })),
            (found) => found.asset
          )
      },
      models: {
        list: call({ resource: "model" }, client.syncModels.list())
      },
      errors: {
        list: call({ resource: "error code" }, client.syncErrors.list())
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
