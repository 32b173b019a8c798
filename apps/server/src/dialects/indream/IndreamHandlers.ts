/**
 * The Indream dialect: `x-api-key` authentication with the runtime-access rule, and the handlers of
 * every operation of `IndreamApi`, over `IndreamStore` and `FileStore`. Handlers fail with core
 * errors (or, for Indream's own refusals — an invalid editorState, `ASSET_REFERENCED`, a reused
 * `Idempotency-Key` — with the wire error `IndreamErrors` builds); `answer` sends each as a
 * problem-details body.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as RateLimit from "@projectkit/core/RateLimit"
import { IndreamApi, IndreamErrors } from "@projectkit/indream"
import * as IndreamEditorState from "@projectkit/indream/IndreamEditorState"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type { SqlError } from "@effect/sql/SqlError"
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as Dialect from "../../Dialect.js"
import { hashSecret } from "../../internal/ids.js"
import { recentlySeen } from "../../internal/recentlySeen.js"
import { Organizations } from "../../Organizations.js"
import * as RateLimits from "../../RateLimits.js"
import * as EditorStateWorker from "./EditorStateWorker.js"
import * as ExportLifecycle from "./ExportLifecycle.js"
import * as FileStore from "./FileStore.js"
import * as IndreamCatalog from "./IndreamCatalog.js"
import * as IndreamStore from "./IndreamStore.js"
import * as IndreamWire from "./IndreamWire.js"
import { api as ServerApi, prefix } from "./IndreamMounted.js"
import * as PublicFiles from "./PublicFiles.js"
import * as UploadBody from "./UploadBody.js"
import * as PublicUrl from "../../PublicUrl.js"

export interface IndreamConfig {
  /** How long export tasks stay in each state. */
  readonly exports?: ExportLifecycle.ExportLifecycleConfig | undefined
  /** The per-project rule for `POST /v1/projects/{projectId}/sync`. */
  readonly syncRateLimit?: SyncRateLimit | undefined
  /** The largest `editorState` accepted, in bytes of its JSON; a larger one gets 413. */
  readonly maxStateBytes?: number | undefined
  /** The largest upload accepted, in bytes; a larger body gets 413 while it is still arriving. */
  readonly maxUploadBytes?: number | undefined
}

export interface SyncRateLimit {
  /** Syncs per window, sustained, per project. */
  readonly limit: number
  readonly window: Duration.DurationInput
  /** How many may come at once; 1 means no burst. */
  readonly burst?: number | undefined
}

/**
 * INF: the document names the 429 but not the numbers ("use a moderate sync frequency"). 10 per
 * 10 s with a burst of 5 lets an editor save every second or two and absorb a flush on close.
 */
export const defaultSyncRateLimit: SyncRateLimit = { limit: 10, window: "10 seconds", burst: 5 }

/** INF: the document gives no limit; 10 MiB keeps large timelines while bounding memory. */
export const defaultMaxStateBytes = 10 * 1024 * 1024

/** INF: the document gives no upload limit; 64 MiB. */
export const defaultMaxUploadBytes = 64 * 1024 * 1024

/** The dialect's name: its credential is looked up under it. */
export const name = "indream" as const

/** The organization switch of runtime access (`Dialect.settings`), on by default. */
export const runtimeAccess = "indreamRuntimeAccess" as const

/**
 * A handler's core errors as Indream answers them. A storage failure is a defect, which the
 * server's fallback answers as Indream's 500 problem (the document declares no 500 on any
 * operation, so no endpoint does); a write naming an organization deleted meanwhile is a stale
 * key, refused as any unknown one.
 */
const answer = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Dialect.answer(IndreamErrors.table)(Effect.catchIf(
    effect,
    (error): error is Extract<E, SqlError> => Predicate.isTagged(error, "SqlError"),
    (error) =>
      Dialect.referencesMissingOrganization(error)
        ? Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }))
        : Effect.die(error)
  ))

/** A list's refusal (a `pageCursor` it did not hand out): 400, the only one its operation declares. */
const badRequest = (error: ProjectsError.Validation) =>
  Effect.fail(
    new IndreamErrors.BadRequest(IndreamErrors.problemBody(400, IndreamErrors.ErrorCode.PageCursorInvalid, error.message))
  )

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/**
 * INF: `createdByApiKeyId` is documented as a uuid; the key's id is its stored hash in that form,
 * so it is stable, says nothing of the key, and needs no column of its own.
 */
export const apiKeyId = (secret: string): string => {
  const hex = hashSecret(secret)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The caller an API key belongs to, with whether the account has runtime access; `Unauthorized` if none. */
const resolveKey = Effect.map(Organizations, (organizations) => {
  // A key's id is a SHA-256 of it, ~1.5 µs, a twentieth of a GET: clients send the same key
  // request after request, so the ids of the last 256 keys are kept.
  const idOf = recentlySeen(apiKeyId, { entries: 256, longest: 256 })
  return (key: Redacted.Redacted) => {
    const secret = Redacted.value(key)
    if (secret === "") return Effect.fail(new ProjectsError.Unauthorized({ reason: "MissingCredentials" }))
    return organizations.authenticate(name, secret).pipe(
      Effect.orDie,
      Effect.flatMap(Option.match({
        onNone: () => Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" })),
        onSome: (caller) =>
          Effect.succeed({
            caller,
            principal: { organizationId: caller.orgId, userId: caller.userId, apiKeyId: idOf(secret) }
          })
      }))
    )
  }
})

export const AuthLive = Layer.effect(
  IndreamApi.IndreamAuth,
  Effect.map(resolveKey, (resolve) =>
    IndreamApi.IndreamAuth.of({ apiKey: (key) => answer(Effect.map(resolve(key), (found) => found.principal)) }))
)

/** DOC: every route but capabilities and validate needs runtime access: 403 `OPEN_API_RUNTIME_ACCESS_FORBIDDEN`. */
export const RuntimeAuthLive = Layer.effect(
  IndreamApi.IndreamRuntimeAuth,
  Effect.map(resolveKey, (resolve) =>
    IndreamApi.IndreamRuntimeAuth.of({
      apiKey: (key) =>
        answer(Effect.flatMap(resolve(key), (found) =>
          found.caller.settings[runtimeAccess] === true
            ? Effect.succeed(found.principal)
            : Effect.fail(new ProjectsError.Forbidden({ reason: "AccessDisabled" }))))
    }))
)

const principal = IndreamApi.IndreamPrincipal

// ---------------------------------------------------------------------------------------------
// editorState
// ---------------------------------------------------------------------------------------------

interface Resolved {
  readonly syncRule: RateLimit.RateLimitRule
  readonly maxStateBytes: number
  readonly maxUploadBytes: number
  readonly exports: ExportLifecycle.ExportLifecycleConfig
}

const resolve = (config: IndreamConfig): Resolved => {
  const rule = config.syncRateLimit ?? defaultSyncRateLimit
  return {
    syncRule: new RateLimit.RateLimitRule({
      name: IndreamErrors.RateLimitRule.projectSync,
      limit: rule.limit,
      window: Duration.decode(rule.window),
      burst: rule.burst ?? 1
    }),
    maxStateBytes: config.maxStateBytes ?? defaultMaxStateBytes,
    maxUploadBytes: config.maxUploadBytes ?? defaultMaxUploadBytes,
    exports: config.exports ?? ExportLifecycle.defaultLifecycle
  }
}

/** The per-project `sync` rate limit `config` sets. */
export const syncRule = (config: IndreamConfig): RateLimit.RateLimitRule => resolve(config).syncRule

/** The upload route's own body limit, for the server's body check (`Dialect.largerBodies`). */
export const uploadLimit = (config: IndreamConfig) => resolve(config).maxUploadBytes

/**
 * Escapes `JSON.stringify` never writes in a string (it writes the character itself), so text
 * that has one is not stored as sent: the `ASSET_REFERENCED` check looks for asset ids and file
 * keys in the stored text, and `\u0061` must not hide an `a` from it.
 */
const escapesStringifyAvoids = /\\[u/]/

/**
 * The text a state is stored as: the text the request sent it as (`CompiledApi.jsonMemberText`,
 * sparing a serialisation of the whole state: ~3 ms for 1 MB), unless it holds an escape
 * `JSON.stringify` would not write; else the state serialised. The two differ at most in the
 * whitespace between tokens and in how numbers are written, which every reader (each parses the
 * stored text) cannot tell apart.
 */
const storedText = (state: IndreamApi.EditorState, sent: string | undefined): string =>
  sent !== undefined && (sent.indexOf("\\") === -1 || !escapesStringifyAvoids.test(sent)) ? sent : JSON.stringify(state)

/** A UTF-8 size of `text` (a UTF-16 unit is at most 3 bytes: a text that short is under `limit` uncounted). */
const utf8Bytes = (text: string, limit: number) => text.length * 3 <= limit ? text.length : Buffer.byteLength(text, "utf8")

/** Where the state to check is: in a payload (which may give it up, see `checkedState`), or a value. */
type StateSource =
  | { readonly payload: { readonly editorState: IndreamApi.EditorState } }
  | { readonly state: IndreamApi.EditorState }

/**
 * The state as the JSON text it is stored as, once it is valid: over the size limit, `Validation`
 * (413); invalid against the v1 schema or a semantic rule, Indream's 422 with the first error's
 * code (`IndreamEditorState.toProblem`). Nothing is stored either way. The limit counts the
 * state's serialised size, whatever whitespace the request put in it.
 *
 * A state large enough to be checked on the worker thread is checked from its text, and a payload
 * holding it gives it up first (its `editorState` deleted: the caller must not read it again):
 * the parsed state of a 1 MB text is ~4 MB of objects, which every young-generation collection
 * would otherwise copy while the worker works, about a sixth of a sync's main-thread time when
 * several run at once.
 */
const checkedState = (maxStateBytes: number, validator: EditorStateWorker.EditorStateWorker["Type"]) => (source: StateSource) =>
  Effect.gen(function*() {
    let state: IndreamApi.EditorState | undefined = "state" in source ? source.state : source.payload.editorState
    const sent = CompiledApi.jsonMemberText(yield* HttpServerRequest.HttpServerRequest, "editorState")
    let json = storedText(state, sent)
    let bytes = utf8Bytes(json, maxStateBytes)
    // Whitespace the request put in does not count against the limit.
    if (bytes > maxStateBytes && json === sent) {
      json = JSON.stringify(state)
      bytes = utf8Bytes(json, maxStateBytes)
    }
    if (bytes > maxStateBytes) {
      return yield* Effect.fail(
        new ProjectsError.Validation({
          issues: [{ path: ["editorState"], message: `editorState is ${bytes} bytes; at most ${maxStateBytes} are accepted` }],
          reason: "TooLarge"
        })
      )
    }
    if (json.length >= EditorStateWorker.offThreadFrom) {
      state = undefined
      if ("payload" in source) delete (source.payload as { editorState?: unknown }).editorState
    }
    const result = yield* validator.validate(json, state)
    if (!result.valid) return yield* Effect.fail(IndreamEditorState.toProblem(result))
    return json
  })

/** INF: a state's duration is the end of its last item (`startTicks + durationTicks`) on its timebase. */
export const durationSeconds = (state: IndreamApi.EditorState): number => {
  const ticksPerSecond = typeof state["timebaseTicksPerSecond"] === "number" ? state["timebaseTicksPerSecond"] : 240000
  const items = typeof state["items"] === "object" && state["items"] !== null ? Object.values(state["items"]) : []
  let end = 0
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue
    const start = "startTicks" in item && typeof item.startTicks === "number" ? item.startTicks : 0
    const length = "durationTicks" in item && typeof item.durationTicks === "number" ? item.durationTicks : 0
    end = Math.max(end, start + length)
  }
  return Math.round((end / ticksPerSecond) * 1000) / 1000
}

/**
 * INF: billing in "standard seconds": whole seconds at 30 fps, doubled at 60 fps; one credit per
 * standard second, as a decimal string (the document types `chargedCredits` as a string).
 */
export const billing = (seconds: number, fps: number) => {
  const billedStandardSeconds = Math.ceil(seconds) * (fps === 60 ? 2 : 1)
  return { billedStandardSeconds, chargedCredits: String(billedStandardSeconds) }
}

/** INF: the output is the composition's size times `scale`, rounded to even pixels (as encoders need). */
const outputSide = (composition: number, scale: number) => Math.max(2, 2 * Math.round((composition * scale) / 2))

const compositionSide = (state: IndreamApi.EditorState, key: string, fallback: number) =>
  typeof state[key] === "number" ? state[key] : fallback

// ---------------------------------------------------------------------------------------------
// URLs and idempotency
// ---------------------------------------------------------------------------------------------

/** The dialect's public base URL: the server's (`PublicUrl`) with the dialect's prefix. */
const publicBase = (_config: Resolved) => Effect.map(PublicUrl.current, (server) => `${server}${prefix}`)

/**
 * DOC: "When provided, the server replays the first completed response for the same request
 * payload." The first success under a key is kept and answered again for the same payload; a
 * different payload under a used key is refused (INF: 409 `OPEN_API_IDEMPOTENCY_KEY_REUSED`). A
 * failure is not kept: the request may be retried under the same key.
 */
const idempotent = <A, I, E, R>(options: {
  readonly orgId: string
  readonly scope: string
  readonly key: string | undefined
  readonly payload: unknown
  readonly schema: Schema.Schema<A, I>
  readonly run: Effect.Effect<A, E, R>
}) =>
  Effect.gen(function*() {
    if (options.key === undefined) return yield* options.run
    const store = yield* IndreamStore.IndreamStore
    const hash = Crypto.createHash("sha256").update(JSON.stringify(options.payload)).digest("hex")
    const earlier = yield* store.findResponse(options.orgId, options.scope, options.key)
    if (earlier !== undefined) {
      if (earlier.request_hash !== hash) return yield* Effect.fail(IndreamErrors.idempotencyKeyReused())
      return yield* Effect.orDie(Schema.decode(Schema.parseJson(options.schema))(earlier.body))
    }
    const result = yield* options.run
    const body = yield* Effect.orDie(Schema.encode(Schema.parseJson(options.schema))(result))
    yield* store.saveResponse(options.orgId, options.scope, options.key, { request_hash: hash, body })
    return result
  })

/** A rejected sync's `Retry-After`, in whole seconds as its 429 body says. */
const retryAfterHeader = (error: ProjectsError.RateLimited) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(
      HttpServerResponse.setHeader(response, "retry-after", String(IndreamErrors.retryAfterSeconds(error.retryAfter)))
    )
  )

const emptyMeta = {}

/** `pageSize`'s default, by list (DOC). */
const defaultPageSize = 20
const defaultAssetPageSize = 80

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

export const ProjectsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "indreamProjects", (handlers) =>
    Effect.gen(function*() {
      const store = yield* IndreamStore.IndreamStore
      const limiter = yield* RateLimit.RateLimiter
      const checked = checkedState(config.maxStateBytes, yield* EditorStateWorker.EditorStateWorker)
      const created = IndreamApi.envelope(IndreamApi.ProjectSummary, "ProjectSummaryEnvelope")
      return handlers
        .handle("createProject", ({ headers, payload }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            return yield* idempotent({
              orgId: caller.organizationId,
              scope: "POST /v1/projects",
              key: headers["idempotency-key"],
              payload,
              schema: created,
              run: Effect.gen(function*() {
                const json = yield* checked({ state: payload.editorState })
                const row = yield* store.createProject(caller.organizationId, {
                  // INF (contract): without a title, "Untitled project".
                  title: payload.title?.trim() || "Untitled project",
                  description: payload.description ?? null,
                  editorState: json,
                  // INF: without a stateVersion the server labels the state itself.
                  stateVersion: payload.stateVersion ?? "1"
                })
                return { data: IndreamWire.summary(row), meta: emptyMeta }
              })
            })
          }).pipe(answer))
        .handle("listProjects", ({ urlParams }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const page = yield* store.listProjects(caller.organizationId, {
              pageSize: urlParams.pageSize ?? defaultPageSize,
              pageCursor: urlParams.pageCursor
            })
            return { data: page.items.map(IndreamWire.summary), meta: { nextPageCursor: page.nextCursor } }
          }).pipe(Effect.catchTag("Validation", badRequest), answer))
        .handle("getProject", ({ path }) =>
          Effect.flatMap(principal, (caller) => store.findProject(caller.organizationId, path.projectId)).pipe(
            Effect.map((row) => ({ data: IndreamWire.project(row), meta: emptyMeta })),
            answer
          ))
        .handle("patchProject", ({ path, payload }) =>
          Effect.flatMap(principal, (caller) => {
            const patch = {
              ...(payload.title === undefined ? {} : { title: payload.title.trim() }),
              ...(payload.description === undefined ? {} : { description: payload.description })
            }
            // A PATCH that sends neither changes nothing, not even updatedAt.
            return Object.keys(patch).length === 0
              ? store.findSummary(caller.organizationId, path.projectId)
              : store.updateMetadata(caller.organizationId, path.projectId, patch)
          }).pipe(Effect.map((row) => ({ data: IndreamWire.metadata(row), meta: emptyMeta })), answer))
        .handle("deleteProject", ({ path }) =>
          Effect.flatMap(principal, (caller) => store.deleteProject(caller.organizationId, path.projectId)).pipe(
            Effect.as({ data: { projectId: path.projectId, deleted: true }, meta: emptyMeta }),
            answer
          ))
        .handle("syncProject", ({ path, payload }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            // Everything that can refuse the request without spending budget comes first; the
            // budget is spent before the write, so a rejected call stores nothing.
            // The payload gives its state up to the check (nothing below reads it).
            const json = yield* checked({ payload })
            const current = yield* store.findSummary(caller.organizationId, path.projectId)
            yield* limiter.consume({ tenant: `${caller.organizationId}/${path.projectId}`, rule: config.syncRule }).pipe(
              // The rule is ours and valid: a Validation here is a bug, not the caller's fault.
              Effect.catchTag("Validation", Effect.die),
              Effect.tapErrorTag("RateLimited", retryAfterHeader)
            )
            // INF (contract): without a stateVersion, the next integer after a numeric one, else "1".
            const version = payload.stateVersion ?? (/^\d{1,15}$/.test(current.state_version) ? String(Number(current.state_version) + 1) : "1")
            const saved = yield* store.saveState(caller.organizationId, path.projectId, { json, version })
            return { data: IndreamWire.syncResult(saved), meta: emptyMeta }
          }).pipe(answer))
    }))

/** INF: an asset's `type` from its MIME type (and a Lottie file's name), as the contract lists them. */
export const assetType = (mimetype: string, filename: string) => {
  if (mimetype === "image/gif") return "gif"
  if (/\.(lottie|json)$/i.test(filename) && (mimetype === "application/json" || mimetype.includes("lottie"))) return "lottie"
  const family = mimetype.split("/")[0]
  return family === "image" || family === "video" || family === "audio" ? family : "file"
}

export const AssetsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "indreamAssets", (handlers) =>
    Effect.gen(function*() {
      const store = yield* IndreamStore.IndreamStore
      const files = yield* FileStore.FileStore
      return handlers
        .handle("listProjectAssets", ({ path, urlParams }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const base = yield* publicBase(config)
            const page = yield* store.listProjectAssets(caller.organizationId, path.projectId, {
              pageSize: urlParams.pageSize ?? defaultAssetPageSize,
              pageCursor: urlParams.pageCursor
            })
            return { data: page.items.map(IndreamWire.asset(base)), meta: { nextPageCursor: page.nextCursor } }
          }).pipe(Effect.catchTag("Validation", badRequest), answer))
        .handle("addProjectAsset", ({ path, payload }) =>
          Effect.flatMap(principal, (caller) => store.bindAsset(caller.organizationId, path.projectId, payload.assetId)).pipe(
            Effect.as({ data: { projectId: path.projectId, assetId: payload.assetId }, meta: emptyMeta }),
            answer
          ))
        .handle("deleteProjectAsset", ({ path }) =>
          Effect.flatMap(principal, (caller) => store.unbindAsset(caller.organizationId, path.projectId, path.assetId)).pipe(
            Effect.as({ data: { projectId: path.projectId, assetId: path.assetId, deleted: true }, meta: emptyMeta }),
            answer
          ))
        .handle("getAsset", ({ path }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const base = yield* publicBase(config)
            const row = yield* store.findAsset(caller.organizationId, path.assetId)
            return { data: IndreamWire.asset(base)(row), meta: emptyMeta }
          }).pipe(answer))
        .handle("deleteAsset", ({ path }) =>
          Effect.flatMap(principal, (caller) =>
            Effect.flatMap(store.deleteAsset(caller.organizationId, path.assetId), (asset) =>
              // Its file goes with it (the marked row no longer serves it); one left behind is
              // unreachable, so a failure to remove it is logged, not answered.
              files.remove(caller.organizationId, asset.file_key).pipe(
                Effect.catchAll((error) => Effect.logWarning("indream: could not remove a deleted asset's file", error))
              ))).pipe(
            Effect.catchTag("Conflict", () => Effect.fail(IndreamErrors.assetReferenced(path.assetId))),
            Effect.as({ data: { assetId: path.assetId, deleted: true }, meta: emptyMeta }),
            answer
          ))
    }))

export const UploadsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "indreamUploads", (handlers) =>
    Effect.gen(function*() {
      const store = yield* IndreamStore.IndreamStore
      const files = yield* FileStore.FileStore
      // Raw: the body is streamed into the file store as it arrives (the contract's `Uint8Array`
      // payload would be read whole first). Raw handlers are served by the platform on both routers.
      return handlers.handleRaw("uploadAsset", ({ headers, request }) =>
        Effect.gen(function*() {
          const caller = yield* principal
          const base = yield* publicBase(config)
          const empty = () => ProjectsError.Validation.single([], "The upload is empty: send the file's bytes as the body")
          if (request.headers["content-length"] === "0") return yield* empty()
          const tooLarge = new ProjectsError.Validation({
            issues: [{ path: [], message: `The upload is larger than ${config.maxUploadBytes} bytes` }],
            reason: "TooLarge"
          })
          // A declared length over the limit is refused before anything is read.
          if (Number(request.headers["content-length"] ?? 0) > config.maxUploadBytes) return yield* Effect.fail(tooLarge)
          const projectId = headers["x-project-id"] ?? null
          // The project is checked before anything is stored.
          if (projectId !== null) {
            yield* store.findSummary(caller.organizationId, projectId).pipe(
              Effect.catchTag("NotFound", () =>
                Effect.fail(new ProjectsError.InvalidReference({ field: "x-project-id", id: projectId })))
            )
          }
          const mimetype = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() || "application/octet-stream"
          const filename = headers["x-file-name"]
          // The body goes to the store as it arrives; at the piece that crosses the limit the
          // write stops, what was written is removed and the 413 is answered at once, while the
          // rest of the body is drained (`UploadBody`), so the client sees the 413, not a reset.
          yield* UploadBody.keepConnection
          const write = files.write(caller.organizationId, UploadBody.stream(request), config.maxUploadBytes).pipe(
            Effect.catchIf(
              (error): error is FileStore.TooLarge => error instanceof FileStore.TooLarge,
              (error) =>
                Effect.fail(
                  new ProjectsError.Validation({
                    issues: [{ path: [], message: `The upload is larger than ${error.limit} bytes` }],
                    reason: "TooLarge"
                  })
                )
            ),
            // The file folder failing is the server's fault: Indream's 500, through the fallback.
            Effect.catchTag("FileUnavailable", (error) => Effect.die(error))
          )
          // The file is written interruptibly (the client may go away); from then on, until its
          // asset's row is committed, nothing interrupts: a file no row names is never served,
          // and is not kept either, whatever stops the upload.
          const row = yield* Effect.uninterruptibleMask((restore) =>
            Effect.flatMap(restore(write), (stored) =>
              Effect.gen(function*() {
                // A chunked body that carried nothing: its empty file is not kept.
                if (stored.size === 0) return yield* empty()
                return yield* store.createAsset(caller.organizationId, {
                  projectId,
                  type: assetType(mimetype, filename),
                  // INF: the document does not say what `source` holds; uploads say where they came from.
                  source: "upload",
                  filename,
                  mimetype,
                  size: stored.size,
                  file_key: stored.key,
                  width: stored.image?.width ?? null,
                  height: stored.image?.height ?? null,
                  // INF: media durations are not probed; null, as the document allows.
                  duration: null
                }).pipe(
                  Effect.catchTag("NotFound", () =>
                    Effect.fail(new ProjectsError.InvalidReference({ field: "x-project-id", id: projectId ?? "" })))
                )
              }).pipe(Effect.onError(() => Effect.ignore(files.remove(caller.organizationId, stored.key))))
            )
          )
          return { data: IndreamWire.asset(base)(row), meta: emptyMeta }
        }).pipe(answer))
    }))

export const ExportsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "indreamExports", (handlers) =>
    Effect.gen(function*() {
      const store = yield* IndreamStore.IndreamStore
      const checked = checkedState(config.maxStateBytes, yield* EditorStateWorker.EditorStateWorker)

      /** Creates the task (or finds the `clientTaskId`'s), refusing a user's third active one. */
      const create = (
        options: IndreamApi.CreateProjectExportRequest & {
          readonly projectId: string | null
          readonly state: IndreamApi.EditorState
          readonly json: string
          readonly compositionWidth: number
          readonly compositionHeight: number
        }
      ) =>
        Effect.gen(function*() {
          const caller = yield* principal
          const base = yield* publicBase(config)
          const now = yield* Clock.currentTimeMillis
          const seconds = durationSeconds(options.state)
          const result = yield* store.createExport(caller.organizationId, {
            userId: caller.userId,
            apiKeyId: caller.apiKeyId,
            publicBase: base,
            projectId: options.projectId,
            // DOC: clientTaskId dedups only when no Idempotency-Key is sent; the handler passes it then.
            clientTaskId: options.clientTaskId ?? null,
            format: options.format,
            fps: options.fps,
            ratio: options.ratio,
            scale: options.scale,
            width: outputSide(options.compositionWidth, options.scale),
            height: outputSide(options.compositionHeight, options.scale),
            durationSeconds: seconds,
            ...billing(seconds, options.fps),
            callbackUrl: options.callbackUrl ?? null,
            callbackHeaders: options.callbackHeaders ?? null,
            editorState: options.json,
            startsAt: ExportLifecycle.startsAt(config.exports)(now)
          })
          if (result._tag === "LimitReached") {
            return yield* Effect.fail(
              new IndreamErrors.UnprocessableContent(IndreamErrors.problemBody(
                422,
                IndreamErrors.ErrorCode.ExportConcurrencyLimitExceeded,
                `At most ${IndreamStore.maxActiveExports} Open API export tasks may be active per user; wait for one to finish`
              ))
            )
          }
          return { data: IndreamWire.createdExport(result.row), meta: emptyMeta }
        })

      return handlers
        .handle("createProjectExport", ({ headers, path, payload }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const key = headers["idempotency-key"]
            return yield* idempotent({
              orgId: caller.organizationId,
              scope: `POST /v1/projects/${path.projectId}/exports`,
              key,
              payload,
              schema: IndreamApi.CreateExportEnvelope,
              run: Effect.gen(function*() {
                // INF (contract): the document lists no 404 here; an unknown project is a 422.
                const project = yield* store.findProject(caller.organizationId, path.projectId).pipe(
                  Effect.catchTag("NotFound", () =>
                    Effect.fail(
                      new IndreamErrors.UnprocessableContent(IndreamErrors.problemBody(
                        422,
                        IndreamErrors.ErrorCode.ProjectNotFound,
                        `Project ${path.projectId} not found`
                      ))
                    ))
                )
                const state = JSON.parse(project.editor_state) as IndreamApi.EditorState
                // The saved state was valid when saved; it is checked again, as the rules may have grown.
                const json = yield* checked({ state })
                return yield* create({
                  ...payload,
                  clientTaskId: key === undefined ? payload.clientTaskId : undefined,
                  projectId: project.id,
                  state,
                  json,
                  compositionWidth: compositionSide(state, "compositionWidth", 1920),
                  compositionHeight: compositionSide(state, "compositionHeight", 1080)
                })
              })
            })
          }).pipe(answer))
        .handle("createExport", ({ headers, payload }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const key = headers["idempotency-key"]
            return yield* idempotent({
              orgId: caller.organizationId,
              scope: "POST /v1/exports",
              key,
              payload,
              schema: IndreamApi.CreateExportEnvelope,
              run: Effect.gen(function*() {
                const json = yield* checked({ state: payload.editorState })
                return yield* create({
                  ...payload,
                  clientTaskId: key === undefined ? payload.clientTaskId : undefined,
                  projectId: null,
                  state: payload.editorState,
                  json,
                  compositionWidth: payload.compositionWidth ?? compositionSide(payload.editorState, "compositionWidth", 1920),
                  compositionHeight: payload.compositionHeight ?? compositionSide(payload.editorState, "compositionHeight", 1080)
                })
              })
            })
          }).pipe(answer))
        .handle("listExports", ({ urlParams }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const base = yield* publicBase(config)
            const page = yield* store.listExports(caller.organizationId, {
              pageSize: urlParams.pageSize ?? defaultPageSize,
              pageCursor: urlParams.pageCursor,
              createdByApiKeyId: urlParams.createdByApiKeyId
            })
            return { data: page.items.map(IndreamWire.exportTask(base)), meta: { nextPageCursor: page.nextCursor } }
          }).pipe(Effect.catchTag("Validation", badRequest), answer))
        .handle("getExport", ({ path }) =>
          Effect.gen(function*() {
            const caller = yield* principal
            const base = yield* publicBase(config)
            const row = yield* store.findExport(caller.organizationId, path.taskId)
            return { data: IndreamWire.exportTask(base)(row), meta: emptyMeta }
          }).pipe(answer))
    }))

export const EditorLive = CompiledApi.group(ServerApi, "indreamEditor", (handlers) =>
  Effect.gen(function*() {
    const validator = yield* IndreamEditorState.EditorStateValidator
    return handlers
      .handle("getEditorCapabilities", () => Effect.succeed({ data: IndreamCatalog.capabilities, meta: emptyMeta }))
      .handle("validateEditorState", ({ payload }) =>
        Effect.succeed({
          data: validator.validate(payload.editorState),
          meta: { capabilitiesVersion: IndreamCatalog.capabilitiesVersion }
        }))
  }))

export const MaterialsLive = CompiledApi.group(ServerApi, "indreamMaterials", (handlers) =>
  Effect.succeed(
    handlers.handle("searchIllustrations", ({ urlParams }) =>
      Effect.succeed({ data: IndreamCatalog.searchIllustrations(urlParams.q), meta: emptyMeta }))
  ))

/** The whole dialect: handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = (config: IndreamConfig = {}) => {
  const resolved = resolve(config)
  return Layer.mergeAll(
    ProjectsLive(resolved),
    AssetsLive(resolved),
    UploadsLive(resolved),
    ExportsLive(resolved),
    EditorLive,
    MaterialsLive,
    PublicFiles.layer(prefix),
    ExportLifecycle.layer(resolved.exports)
  ).pipe(
    Layer.provide([AuthLive, RuntimeAuthLive]),
    Layer.provide(EditorStateWorker.layer),
    Layer.provide([IndreamStore.layer, FileStore.layer, IndreamEditorState.layer]),
    Layer.provide(RateLimits.layer)
  )
}
