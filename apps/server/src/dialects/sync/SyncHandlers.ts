/**
 * The sync.so dialect: `x-api-key` authentication and the handlers of every endpoint of
 * `SyncApi`, over the sync.so stores (`SyncProjectStore`, `SyncAssetStore`, `SyncGenerationStore`, `SyncBatchStore`). Handlers fail with core errors; `answer` sends each as sync.so's
 * own `{statusCode, message}`, by `SyncErrors.table` alone.
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { Adapter } from "@projectkit/http"
import { SyncApi, SyncErrorCatalog, SyncErrors } from "@projectkit/sync"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Dialect from "../../Dialect.js"
import type { LargerBodies } from "../../Fallback.js"
import type { Caller } from "../../Organizations.js"
import { Organizations } from "../../Organizations.js"
import { api as ServerApi } from "./SyncMounted.js"
import * as BatchInput from "./BatchInput.js"
import * as BatchLifecycle from "./BatchLifecycle.js"
import * as GenerationLifecycle from "./GenerationLifecycle.js"
import * as AssetUploads from "./AssetUploads.js"
import * as GenerationUploads from "./GenerationUploads.js"
import * as SyncAuthentication from "./SyncAuthentication.js"
import * as SyncForms from "./SyncForms.js"
import * as SyncCatalog from "./SyncCatalog.js"
import * as SyncAssetStore from "./SyncAssetStore.js"
import * as SyncBatchStore from "./SyncBatchStore.js"
import * as SyncGenerationStore from "./SyncGenerationStore.js"
import * as SyncProjectStore from "./SyncProjectStore.js"
import * as SyncUploadStore from "./SyncUploadStore.js"
import * as SyncWire from "./SyncWire.js"

/** INF: the documents give no default page size; 20, as most cursor APIs. */
const defaultLimit = 20

/** A list's query as the store takes it: the parameters sent, and the page size or its default. */
const listQuery = <Params extends { readonly limit?: number | undefined }>(params: Params) => ({
  ...Adapter.defined(params),
  limit: params.limit ?? defaultLimit
})

/** A handler's failures as sync.so answers them (core errors by `SyncErrors.fromCore`). */
const answer = Dialect.answer(SyncErrors.table)
const answerAs = Dialect.answerAs(SyncErrors.table)

export const SyncAuthLive = Layer.effect(
  SyncApi.SyncAuth,
  Effect.map(Organizations, (organizations) => {
    const authenticate = SyncAuthentication.authenticateAs(organizations, (who) => ({ organizationId: who.orgId, userId: who.userId }))
    return SyncApi.SyncAuth.of({ apiKey: (key) => authenticate(Redacted.value(key)) })
  })
)

const callerOf = (principal: typeof SyncApi.SyncPrincipal.Service): Caller => ({
  orgId: principal.organizationId,
  userId: principal.userId
})
const caller: Effect.Effect<Caller, never, SyncApi.SyncPrincipal> = Effect.map(SyncApi.SyncPrincipal, callerOf)
/** `f` of the caller, a step fewer than `Effect.flatMap(caller, f)` (issue 28: a GET is mostly steps). */
const withCaller = <A, E, R>(f: (who: Caller) => Effect.Effect<A, E, R>) =>
  Effect.contextWithEffect((context: Context.Context<SyncApi.SyncPrincipal>) =>
    f(callerOf(Context.get(context, SyncApi.SyncPrincipal)))
  )

export const ProjectsLive = CompiledApi.group(ServerApi, "syncProjects", (handlers) =>
  Effect.map(Effect.all([SyncProjectStore.SyncProjectStore, SyncAssetStore.SyncAssetStore]), ([projects, assets]) =>
    handlers
      .handle("create", ({ payload }) =>
        withCaller((who) =>
          projects.createProject(who, {
            name: payload.name.trim(),
            visibility: payload.visibility ?? "USER",
            mode: payload.mode ?? "CREATOR"
          })).pipe(answerAs(SyncWire.project)))
      .handle("list", ({ urlParams }) =>
        withCaller((who) => projects.listProjects(who, listQuery(urlParams))).pipe(answerAs(SyncWire.projectList)))
      .handle("get", ({ path }) =>
        withCaller((who) => projects.getProject(who, path.id)).pipe(answerAs(SyncWire.project)))
      .handle("update", ({ path, payload }) =>
        withCaller((who) =>
          projects.updateProject(who, path.id, Adapter.defined({ ...payload, name: payload.name?.trim() }))).pipe(answerAs(SyncWire.project)))
      .handle("delete", ({ path }) => withCaller((who) => projects.deleteProject(who, path.id)).pipe(answer))
      .handle("attachAsset", ({ path, payload }) =>
        withCaller((who) => assets.attachAsset(who, path.id, payload.assetId)).pipe(answer))
  ))

export const GenerationsLive = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "syncGenerations", (handlers) =>
    Effect.map(Effect.all([SyncGenerationStore.SyncGenerationStore, SyncAssetStore.SyncAssetStore]), ([generations, assets]) =>
      handlers
        .handle("create", ({ payload }) =>
          withCaller((who) => {
            const { model, projectId, webhookUrl, ...request } = payload
            // Inputs may name their media by assetId (asset-uploads: "use the returned id as an
            // input[].assetId"): each must be an asset of the caller's organization.
            const assetIds = payload.input.flatMap((item) => ("assetId" in item && item.assetId !== undefined ? [item.assetId] : []))
            return Effect.zipRight(
              Effect.forEach(assetIds, (id) => assets.getAsset(who, id), { discard: true }),
              // A projectId that is not one of the caller's projects fails here with
              // `InvalidReference`, which `answer` sends as sync.so's 422.
              generations.createGeneration(
                who,
                { model, request, webhookUrl: webhookUrl ?? null },
                projectId,
                GenerationLifecycle.startsAt(lifecycle)
              )
            )
          }).pipe(answerAs(SyncWire.generation)))
        .handle("get", ({ path }) =>
          withCaller((who) => generations.getGeneration(who, path.id)).pipe(answerAs(SyncWire.generation)))
        .handle("delete", ({ path }) =>
          withCaller((who) => generations.deleteGeneration(who, path.id)).pipe(answerAs(SyncWire.generation)))
        .handle("download", ({ path }) =>
          withCaller((who) => generations.getGeneration(who, path.id)).pipe(
            Effect.flatMap((row) =>
              row.status === "COMPLETED" && row.output_url !== null
                ? Effect.succeed(row.output_url)
                : Effect.fail(
                  new ProjectsError.NotFound({
                    resource: "Generation output",
                    id: path.id,
                    description: `Generation ${path.id} is ${row.status}: it has no output to download`
                  })
                )
            ),
            answer
          ))
        .handle("list", ({ urlParams }) =>
          withCaller((who) => generations.listGenerations(who, Adapter.defined(urlParams))).pipe(
            answerAs((rows) => rows.map(SyncWire.generation))))
        .handle("estimateCost", ({ payload }) =>
          Effect.gen(function*() {
            const who = yield* caller
            const assetId = SyncCatalog.videoInput(payload)?.assetId
            // An asset the caller cannot see leaves the estimate to its other sources.
            const seconds = assetId === undefined ? undefined : yield* assets.getAsset(who, assetId).pipe(
              Effect.map((row) => row.duration_seconds ?? undefined),
              Effect.catchTag("NotFound", () => Effect.succeed(undefined))
            )
            return [SyncCatalog.estimate(payload, seconds)]
          }).pipe(answer))
    ))

/** The file name's extension, lower-cased, as an asset's format (none without one). */
const extensionOf = (name: string): string | null => /\.([a-z0-9]{1,16})$/i.exec(name)?.[1]?.toLowerCase() ?? null

export const AssetsLive = CompiledApi.group(ServerApi, "syncAssets", (handlers) =>
  Effect.map(Effect.all([SyncAssetStore.SyncAssetStore, SyncUploadStore.SyncUploadStore]), ([assets, uploads]) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function*() {
          const who = yield* caller
          // One of this server's upload URLs (asset-uploads step 3): "verifies the upload" — the
          // bytes must have arrived — and the asset is the upload's (its size, digest and bytes).
          const uploadId = SyncUploadStore.uploadIdOf(payload.url)
          const upload = uploadId === undefined ? Option.none() : yield* uploads.uploadOf(who, uploadId)
          if (uploadId !== undefined && (Option.isNone(upload) || upload.value.received_size === null)) {
            return yield* Effect.fail(
              ProjectsError.Validation.single(["url"], "no file has been uploaded to this URL: PUT the bytes to the uploadUrl first")
            )
          }
          const received = Option.getOrUndefined(upload)
          return yield* assets.createAsset(
            who,
            {
              type: payload.type,
              // INF: the seed's example asset is ORGANIZATION-wide; registered assets are too unless told.
              visibility: payload.visibility ?? "ORGANIZATION",
              name: payload.name ?? received?.file_name ?? null,
              url: payload.url,
              size: received === undefined ? payload.size ?? null : Number(received.received_size),
              format: payload.format ?? (received === undefined ? null : extensionOf(received.file_name)),
              // Uploaded to the server, or registered by URL (the media stays where it is).
              input_type: received === undefined ? "URL" : "UPLOAD",
              duration_seconds: payload.durationSeconds ?? null,
              thumbnail_url: payload.thumbnailUrl ?? null,
              width: payload.width ?? null,
              height: payload.height ?? null
            },
            // Not one of the caller's projects: `InvalidReference`, sync.so's 422.
            payload.projectId,
            received === undefined ? null : { id: received.id, sha256: received.sha256 }
          )
        }).pipe(answerAs(SyncWire.asset)))
      .handle("createUpload", ({ payload }) =>
        Effect.gen(function*() {
          const who = yield* caller
          const request = yield* HttpServerRequest.HttpServerRequest
          const now = yield* Clock.currentTimeMillis
          const upload = yield* uploads.createUpload(who, payload, now, SyncApi.uploadExpiresInSeconds)
          return { ...SyncUploadStore.urls(resultsBase(request.headers), upload), expiresIn: SyncApi.uploadExpiresInSeconds }
        }).pipe(answer))
      .handle("findUploaded", ({ urlParams }) =>
        withCaller((who) => assets.findUploaded(who, urlParams.contentSha256, urlParams.type)).pipe(
          answerAs((row) => ({ asset: Option.getOrNull(Option.map(row, SyncWire.asset)) }))))
      .handle("update", ({ path, payload }) =>
        withCaller((who) => assets.updateAsset(who, path.id, Adapter.defined(payload))).pipe(answerAs(SyncWire.asset)))
      .handle("delete", ({ path }) =>
        Effect.gen(function*() {
          const who = yield* caller
          const deleted = yield* assets.deleteAsset(who, path.id)
          // INF: an uploaded asset's bytes go with it (the upload URL and download URL stop answering).
          if (deleted.uploadId !== null) yield* uploads.deleteUpload(deleted.uploadId)
          return { id: deleted.id }
        }).pipe(answer))
      .handle("download", ({ path }) =>
        // get-download-url: the URL to fetch without the key. INF: an uploaded asset's is the URL
        // this server serves its bytes at; a URL-registered asset's is its URL unchanged.
        withCaller((who) => assets.getAsset(who, path.id)).pipe(
          answerAs((row) => row.url ?? "")))
      .handle("list", ({ urlParams }) =>
        withCaller((who) => assets.listAssets(who, listQuery(urlParams))).pipe(answerAs(SyncWire.assetList)))
      .handle("get", ({ path }) =>
        withCaller((who) => assets.getAsset(who, path.id)).pipe(answerAs(SyncWire.asset)))
  ))

/** Where this server answers sync.so, as the request reached it (INF: its Host, as the server's other absolute URLs). */
const resultsBase = (headers: Readonly<Record<string, string | undefined>>) => {
  const proto = headers["x-forwarded-proto"]?.split(",")[0]?.trim() === "https" ? "https" : "http"
  return `${proto}://${headers.host ?? "localhost"}/sync`
}

/** A batch's form: its file (5 MB at most) and room for the text fields. */
export const batchBodies: LargerBodies = (request) =>
  request.method === "POST" && SyncForms.pathOf(request.url) === "/sync/v2/batch" && SyncForms.isMultipart(request.contentType)
    ? SyncApi.maxBatchFileBytes + 1024 * 1024
    : undefined

const badRequest = (message: string) =>
  new SyncErrors.BadRequest({ statusCode: 400, message, ...SyncErrors.coded("invalid_request") })

const tooLarge = (message: string) =>
  new SyncErrors.PayloadTooLarge({ statusCode: 413, message, ...SyncErrors.coded("payload_too_large") })

const isWebhookUrl = Schema.is(SyncApi.WebhookUrl)

export const BatchesLive = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "syncBatches", (handlers) =>
    Effect.map(Effect.all([SyncBatchStore.SyncBatchStore, SyncProjectStore.SyncProjectStore]), ([batches, projects]) =>
      handlers
        .handle("create", () =>
          Effect.gen(function*() {
            const who = yield* caller
            const request = yield* HttpServerRequest.HttpServerRequest
            if (!SyncForms.isMultipart(request.headers["content-type"])) {
              return yield* Effect.fail(badRequest("The body must be multipart/form-data with an input file (JSON Lines)"))
            }
            // The form is read from the body itself, not from the platform's parts (see `SyncForms.read`).
            const form = yield* SyncForms.read(request, {
              fileKeys: ["input"],
              keep: ["input"],
              tooLarge: (size) => size > SyncApi.maxBatchFileBytes,
              tooLargeMessage: () => `input: the file is larger than 5MB (${SyncApi.maxBatchFileBytes} bytes)`
            }).pipe(Effect.mapError((refusal) =>
              refusal.status === 413
                ? tooLarge(refusal.message)
                : badRequest(refusal.message)
            ))
            const dryRun = form.fields.get("dry_run")?.[0]
            if (dryRun !== undefined && dryRun !== "true" && dryRun !== "false") {
              return yield* Effect.fail(badRequest(`dry_run: must be "true" or "false"`))
            }
            const webhookUrl = form.fields.get("webhook_url")?.[0]
            if (webhookUrl !== undefined && !isWebhookUrl(webhookUrl)) {
              return yield* Effect.fail(badRequest("webhook_url: must be an absolute http(s) URL"))
            }
            // INF: the file's text sent as a plain field is read the same way.
            const content = form.files.find((each) => each.key === "input")?.bytes ??
              Option.getOrUndefined(Option.map(Option.fromNullable(form.fields.get("input")?.[0]), (text) => new TextEncoder().encode(text)))
            if (content === undefined) return yield* Effect.fail(badRequest("input: the JSON Lines file is required"))
            if (content.length > SyncApi.maxBatchFileBytes) {
              return yield* Effect.fail(tooLarge("input: the file is larger than 5MB"))
            }
            const parsed = BatchInput.parse(content)
            if (Either.isLeft(parsed)) return yield* Effect.fail(badRequest(parsed.left))
            const lines = yield* BatchInput.check(parsed.right, (id) => projects.findProject(who, id))
            if (dryRun === "true") {
              // Nothing is created: the file passes only if every line would be accepted.
              const refused = lines.find((line) => line.error !== undefined)
              if (refused !== undefined) return yield* Effect.fail(badRequest(`input line ${refused.line}: ${refused.error!.message}`))
              return { status: "VALIDATED" as const }
            }
            const now = yield* Clock.currentTimeMillis
            const view = yield* batches.createBatch(
              who,
              { webhookUrl: webhookUrl ?? null, resultsBase: resultsBase(request.headers), lines },
              GenerationLifecycle.startsAt(lifecycle)(now)
            ).pipe(Effect.catchTag("NotFound", Effect.die))
            return SyncWire.batch(view)
          }).pipe(answer))
        .handle("get", ({ path }) =>
          withCaller((who) => batches.getBatch(who, path.id)).pipe(answerAs(SyncWire.batch)))
        .handle("list", ({ urlParams }) =>
          withCaller((who) =>
            batches.listBatches(who, Adapter.defined({
              status: urlParams.status,
              createdAfter: urlParams.created_after === undefined ? undefined : DateTime.toEpochMillis(urlParams.created_after),
              createdBefore: urlParams.created_before === undefined ? undefined : DateTime.toEpochMillis(urlParams.created_before)
            }))).pipe(Effect.map((views) => views.map(SyncWire.batch)), answer))
        .handle("results", ({ path }) =>
          withCaller((who) => batches.batchResults(who, path.id)).pipe(answerAs(SyncWire.batchResults)))
    ))

export const ModelsLive = CompiledApi.group(
  ServerApi,
  "syncModels",
  (handlers) => handlers.handle("list", () => Effect.succeed(SyncCatalog.models))
)

/** The catalog of error codes, unauthenticated (errors-api/list). */
export const ErrorsLive = CompiledApi.group(
  ServerApi,
  "syncErrors",
  (handlers) => handlers.handle("list", () => Effect.succeed(SyncErrorCatalog.catalog))
)

/** The dialect's storage, one store per resource; assets and generations are filed under projects. */
const stores = Layer.mergeAll(SyncGenerationStore.layer, SyncBatchStore.layer, SyncUploadStore.layer).pipe(
  Layer.provideMerge(SyncAssetStore.layer),
  Layer.provideMerge(SyncProjectStore.layer)
)

/** The whole dialect: its handlers, authentication, storage and the generation and batch workers. */
export const layer = (lifecycle: GenerationLifecycle.LifecycleConfig = GenerationLifecycle.defaultLifecycle) =>
  Layer.mergeAll(
    ProjectsLive,
    GenerationsLive(lifecycle),
    AssetsLive,
    BatchesLive(lifecycle),
    ModelsLive,
    ErrorsLive,
    GenerationUploads.layer(lifecycle),
    AssetUploads.layer,
    GenerationLifecycle.layer(lifecycle),
    BatchLifecycle.layer(lifecycle)
  ).pipe(
    Layer.provide(SyncAuthLive),
    Layer.provide(stores)
  )
