/**
 * The sync.so dialect: `x-api-key` authentication and the handlers of every endpoint of
 * `SyncApi`, over the sync.so stores (`SyncProjectStore`, `SyncAssetStore`, `SyncGenerationStore`, `SyncBatchStore`). Handlers fail with core errors; `answer` sends each as sync.so's
 * own `{statusCode, message}`, by `SyncErrors.table` alone.
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import { Adapter } from "@projectkit/http"
import { SyncApi, SyncErrors } from "@projectkit/sync"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
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
import * as GenerationUploads from "./GenerationUploads.js"
import * as SyncAuthentication from "./SyncAuthentication.js"
import * as SyncForms from "./SyncForms.js"
import * as SyncCatalog from "./SyncCatalog.js"
import * as SyncAssetStore from "./SyncAssetStore.js"
import * as SyncBatchStore from "./SyncBatchStore.js"
import * as SyncGenerationStore from "./SyncGenerationStore.js"
import * as SyncProjectStore from "./SyncProjectStore.js"
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

export const SyncAuthLive = Layer.effect(
  SyncApi.SyncAuth,
  Effect.map(Organizations, (organizations) => {
    const authenticate = SyncAuthentication.authenticate(organizations)
    return SyncApi.SyncAuth.of({
      apiKey: (key) =>
        Effect.map(authenticate(Redacted.value(key)), (who) => ({ organizationId: who.orgId, userId: who.userId }))
    })
  })
)

const caller: Effect.Effect<Caller, never, SyncApi.SyncPrincipal> = Effect.map(
  SyncApi.SyncPrincipal,
  (principal) => ({ orgId: principal.organizationId, userId: principal.userId })
)

export const ProjectsLive = CompiledApi.group(ServerApi, "syncProjects", (handlers) =>
  Effect.map(SyncProjectStore.SyncProjectStore, (projects) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.flatMap(caller, (who) =>
          projects.createProject(who, {
            name: payload.name.trim(),
            visibility: payload.visibility ?? "USER",
            mode: payload.mode ?? "CREATOR"
          })).pipe(Effect.map(SyncWire.project), answer))
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(caller, (who) => projects.listProjects(who, listQuery(urlParams))).pipe(
          Effect.map(SyncWire.projectList),
          answer
        ))
      .handle("get", ({ path }) =>
        Effect.flatMap(caller, (who) => projects.getProject(who, path.id)).pipe(Effect.map(SyncWire.project), answer))
      .handle("update", ({ path, payload }) =>
        Effect.flatMap(caller, (who) =>
          projects.updateProject(who, path.id, Adapter.defined({ ...payload, name: payload.name?.trim() }))).pipe(
            Effect.map(SyncWire.project),
            answer
          ))
      .handle("delete", ({ path }) => Effect.flatMap(caller, (who) => projects.deleteProject(who, path.id)).pipe(answer))
  ))

export const GenerationsLive = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "syncGenerations", (handlers) =>
    Effect.map(Effect.all([SyncGenerationStore.SyncGenerationStore, SyncAssetStore.SyncAssetStore]), ([generations, assets]) =>
      handlers
        .handle("create", ({ payload }) =>
          Effect.flatMap(caller, (who) => {
            const { model, projectId, webhookUrl, ...request } = payload
            // A projectId that is not one of the caller's projects fails here with
            // `InvalidReference`, which `answer` sends as sync.so's 422.
            return generations.createGeneration(
              who,
              { model, request, webhookUrl: webhookUrl ?? null },
              projectId,
              GenerationLifecycle.startsAt(lifecycle)
            )
          }).pipe(Effect.map(SyncWire.generation), answer))
        .handle("get", ({ path }) =>
          Effect.flatMap(caller, (who) => generations.getGeneration(who, path.id)).pipe(Effect.map(SyncWire.generation), answer))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(caller, (who) => generations.listGenerations(who, Adapter.defined(urlParams))).pipe(
            Effect.map((rows) => rows.map(SyncWire.generation)),
            answer
          ))
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

export const AssetsLive = CompiledApi.group(ServerApi, "syncAssets", (handlers) =>
  Effect.map(SyncAssetStore.SyncAssetStore, (assets) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.flatMap(caller, (who) =>
          assets.createAsset(
            who,
            {
              type: payload.type,
              // INF: the seed's example asset is ORGANIZATION-wide; registered assets are too unless told.
              visibility: payload.visibility ?? "ORGANIZATION",
              name: payload.name ?? null,
              url: payload.url,
              size: payload.size ?? null,
              format: payload.format ?? null,
              // Registered by URL: the media stays where it is.
              input_type: "URL",
              duration_seconds: payload.durationSeconds ?? null,
              thumbnail_url: payload.thumbnailUrl ?? null,
              width: payload.width ?? null,
              height: payload.height ?? null
            },
            // Not one of the caller's projects: `InvalidReference`, sync.so's 422.
            payload.projectId
          )).pipe(Effect.map(SyncWire.asset), answer))
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(caller, (who) => assets.listAssets(who, listQuery(urlParams))).pipe(
          Effect.map(SyncWire.assetList),
          answer
        ))
      .handle("get", ({ path }) =>
        Effect.flatMap(caller, (who) => assets.getAsset(who, path.id)).pipe(Effect.map(SyncWire.asset), answer))
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

const badRequest = (message: string) => new SyncErrors.BadRequest({ statusCode: 400, message })

const isWebhookUrl = Schema.is(SyncApi.WebhookUrl)

export const BatchesLive = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "syncBatches", (handlers) =>
    Effect.map(Effect.all([SyncBatchStore.SyncBatchStore, SyncProjectStore.SyncProjectStore]), ([batches, projects]) =>
      handlers
        .handle("create", ({ payload }) =>
          Effect.gen(function*() {
            const who = yield* caller
            const request = yield* HttpServerRequest.HttpServerRequest
            if (!SyncForms.isMultipart(request.headers["content-type"])) {
              return yield* Effect.fail(badRequest("The body must be multipart/form-data with an input file (JSON Lines)"))
            }
            const form = yield* SyncForms.read(payload, {
              fileKeys: ["input"],
              keep: ["input"],
              tooLarge: (size) => size > SyncApi.maxBatchFileBytes,
              tooLargeMessage: () => `input: the file is larger than 5MB (${SyncApi.maxBatchFileBytes} bytes)`
            }).pipe(Effect.mapError((refusal) =>
              refusal.status === 413
                ? new SyncErrors.PayloadTooLarge({ statusCode: 413, message: refusal.message })
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
              return yield* Effect.fail(new SyncErrors.PayloadTooLarge({ statusCode: 413, message: "input: the file is larger than 5MB" }))
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
          Effect.flatMap(caller, (who) => batches.getBatch(who, path.id)).pipe(Effect.map(SyncWire.batch), answer))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(caller, (who) =>
            batches.listBatches(who, Adapter.defined({
              status: urlParams.status,
              createdAfter: urlParams.created_after === undefined ? undefined : DateTime.toEpochMillis(urlParams.created_after),
              createdBefore: urlParams.created_before === undefined ? undefined : DateTime.toEpochMillis(urlParams.created_before)
            }))).pipe(Effect.map((views) => views.map(SyncWire.batch)), answer))
        .handle("results", ({ path }) =>
          Effect.flatMap(caller, (who) => batches.batchResults(who, path.id)).pipe(Effect.map(SyncWire.batchResults), answer))
    ))

export const ModelsLive = CompiledApi.group(
  ServerApi,
  "syncModels",
  (handlers) => handlers.handle("list", () => Effect.succeed(SyncCatalog.models))
)

/** The dialect's storage, one store per resource; assets and generations are filed under projects. */
const stores = Layer.mergeAll(SyncGenerationStore.layer, SyncBatchStore.layer).pipe(
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
    GenerationUploads.layer(lifecycle),
    GenerationLifecycle.layer(lifecycle),
    BatchLifecycle.layer(lifecycle)
  ).pipe(
    Layer.provide(SyncAuthLive),
    Layer.provide(stores)
  )
