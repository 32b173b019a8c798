/**
 * The editor dialect: bearer authentication with the runtime-access rule, and the handlers of
 * every endpoint of `EditorApi`, over `EditorStore`. Errors leave in the editor's own
 * `{code, message}` body.
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { SqlError } from "@effect/sql/SqlError"
import type { RateLimited, Validation } from "@projectkit/core/ProjectsError"
import * as RateLimit from "@projectkit/core/RateLimit"
import { EditorApi } from "@projectkit/editor"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Crypto from "node:crypto"
import { compact } from "../../internal/compact.js"
import { Organizations } from "../../Organizations.js"
import * as RateLimits from "../../RateLimits.js"
import { ServerApi } from "../../ServerApi.js"
import * as EditorStore from "./EditorStore.js"
import * as ExportLifecycle from "./ExportLifecycle.js"

export interface EditorConfig {
  /** How long export tasks stay in each state. */
  readonly exports?: ExportLifecycle.ExportLifecycleConfig | undefined
  /** The per-project rule for `POST /v1/projects/{projectId}/sync`. */
  readonly syncRateLimit?: SyncRateLimit | undefined
  /**
   * The largest `editorState` accepted, in bytes of its JSON; a larger one gets 413. The server's
   * `maxBodyBytes` bounds every body before this, so keep it below that.
   */
  readonly maxStateBytes?: number | undefined
}

export interface SyncRateLimit {
  /** Syncs per window, sustained, per project. */
  readonly limit: number
  readonly window: Duration.DurationInput
  /** How many may come at once; 1 means no burst. */
  readonly burst?: number | undefined
}

/**
 * INF: the seed names the 429 but not the numbers. 10 per 10 s with a burst of 5 lets an editor
 * save every second or two and absorb a flush on close, while refusing a save per keystroke.
 */
export const defaultSyncRateLimit: SyncRateLimit = { limit: 10, window: "10 seconds", burst: 5 }

/** INF: the seed says only "multi-MB"; 10 MiB keeps large timelines while bounding memory. */
export const defaultMaxStateBytes = 10 * 1024 * 1024

/** INF: no default page size is documented; 20, as most cursor APIs. */
const defaultLimit = 20

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The code of an error the framework raised (decoding, routing, body limits) rather than a handler. */
export const codeForStatus = (status: number): string => {
  switch (status) {
    case 400:
      return "OPEN_API_VALIDATION_FAILED"
    case 401:
      return "OPEN_API_UNAUTHORIZED"
    case 403:
      return "OPEN_API_RUNTIME_ACCESS_FORBIDDEN"
    case 404:
      return "OPEN_API_NOT_FOUND"
    case 413:
      return "OPEN_API_PAYLOAD_TOO_LARGE"
    case 429:
      return "OPEN_API_RATE_LIMITED"
    default:
      return status >= 500 ? "OPEN_API_INTERNAL_ERROR" : "OPEN_API_BAD_REQUEST"
  }
}

/** A storage failure is the server's fault: logged, and answered 500 in the editor's format. */
const internal = (error: SqlError) =>
  Effect.zipRight(
    Effect.logError("editor storage failure", error),
    Effect.fail(new EditorApi.InternalError({ code: "OPEN_API_INTERNAL_ERROR", message: "Internal server error" }))
  )

const invalid = (message: string) => Effect.fail(new EditorApi.ValidationFailed({ code: "OPEN_API_VALIDATION_FAILED", message }))

const badRequest = (error: Validation) => invalid(error.message)

const projectNotFound = (id: string) =>
  Effect.fail(new EditorApi.NotFound({ code: "OPEN_API_PROJECT_NOT_FOUND", message: `Project ${id} not found` }))

const exportNotFound = (id: string) =>
  Effect.fail(new EditorApi.NotFound({ code: "OPEN_API_EXPORT_NOT_FOUND", message: `Export task ${id} not found` }))

const project = <A>(id: string) =>
  Effect.flatMap(Option.match({ onNone: () => projectNotFound(id), onSome: (row: A) => Effect.succeed(row) }))

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** The caller a bearer key belongs to, with whether the account has runtime access; 401 if none. */
const resolveKey = Effect.map(Organizations, (organizations) => (token: Redacted.Redacted) => {
  const secret = Redacted.value(token)
  const unauthorized = (message: string) => Effect.fail(new EditorApi.Unauthorized({ code: "OPEN_API_UNAUTHORIZED", message }))
  if (secret === "") return unauthorized("Missing API key: send it as Authorization: Bearer <key>")
  return organizations.authenticate("editor", secret).pipe(
    Effect.orDie,
    Effect.flatMap(Option.match({ onNone: () => unauthorized("Invalid API key"), onSome: Effect.succeed }))
  )
})

const principal = (caller: { readonly orgId: string; readonly userId: string }) => ({
  organizationId: caller.orgId,
  userId: caller.userId
})

export const EditorAuthLive = Layer.effect(
  EditorApi.EditorAuth,
  Effect.map(resolveKey, (resolve) => EditorApi.EditorAuth.of({ bearer: (token) => Effect.map(resolve(token), principal) }))
)

/** SEED: project routes need runtime OpenAPI access; without it, 403 on every one of them. */
export const EditorRuntimeAuthLive = Layer.effect(
  EditorApi.EditorRuntimeAuth,
  Effect.map(resolveKey, (resolve) =>
    EditorApi.EditorRuntimeAuth.of({
      bearer: (token) =>
        Effect.flatMap(resolve(token), (caller) =>
          caller.editorRuntimeAccess
            ? Effect.succeed(principal(caller))
            : Effect.fail(
              new EditorApi.RuntimeAccessForbidden({
                code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN",
                message: "This account does not have runtime OpenAPI access, which project routes require"
              })
            ))
    }))
)

const orgId = Effect.map(EditorApi.EditorPrincipal, (principal) => principal.organizationId)

// ---------------------------------------------------------------------------------------------
// Wire shapes
// ---------------------------------------------------------------------------------------------

// Read defensively: PostgreSQL answers BIGINT columns as strings.
const time = (millis: number) => DateTime.unsafeMake(Number(millis))

const summary = (row: EditorStore.ProjectRow): EditorApi.ProjectSummary => ({
  projectId: row.id,
  title: row.title,
  description: row.description,
  stateVersion: Number(row.state_version),
  createdAt: time(row.created_at),
  updatedAt: time(row.updated_at)
})

const full = (row: EditorStore.ProjectWithState): EditorApi.Project => ({
  ...summary(row),
  editorState: row.editor_state === null ? null : JSON.parse(row.editor_state) as EditorApi.EditorState
})

const asset = (row: EditorStore.AssetRow): EditorApi.Asset => ({
  assetId: row.id,
  projectId: row.project_id,
  name: row.name,
  contentType: row.content_type,
  size: row.size === null ? null : Number(row.size),
  url: row.url,
  createdAt: time(row.created_at)
})

// ---------------------------------------------------------------------------------------------
// editorState: size and asset references
// ---------------------------------------------------------------------------------------------

/** The state as the JSON text it is stored as, or 413 when it is over the limit. */
const stateJson = (maxStateBytes: number) => (state: EditorApi.EditorState) => {
  const json = JSON.stringify(state)
  const bytes = Buffer.byteLength(json, "utf8")
  return bytes > maxStateBytes
    ? Effect.fail(
      new EditorApi.PayloadTooLarge({
        code: "OPEN_API_PAYLOAD_TOO_LARGE",
        message: `editorState is ${bytes} bytes; at most ${maxStateBytes} are accepted`
      })
    )
    : Effect.succeed(json)
}

/**
 * The asset ids an `editorState` refers to. INF: the seed does not say how a state names its
 * media; an `"assetId": "<id>"` member anywhere in it, the most common editor convention.
 */
export const assetReferences = (state: unknown): ReadonlyArray<string> => {
  const found = new Set<string>()
  // Iterative, so a deeply nested state cannot overflow the stack.
  const pending: Array<unknown> = [state]
  while (pending.length > 0) {
    const value = pending.pop()
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item)
    } else if (typeof value === "object" && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (key === "assetId" && typeof member === "string") found.add(member)
        else pending.push(member)
      }
    }
  }
  return [...found]
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

interface Resolved {
  readonly syncRule: RateLimit.RateLimitRule
  readonly maxStateBytes: number
  readonly exports: ExportLifecycle.ExportLifecycleConfig
}

const resolve = (config: EditorConfig): Resolved => {
  const rule = config.syncRateLimit ?? defaultSyncRateLimit
  return {
    syncRule: new RateLimit.RateLimitRule({
      name: "editor.sync",
      limit: rule.limit,
      window: Duration.decode(rule.window),
      burst: rule.burst ?? 1
    }),
    maxStateBytes: config.maxStateBytes ?? defaultMaxStateBytes,
    exports: config.exports ?? ExportLifecycle.defaultLifecycle
  }
}

/** The 429 of a rejected sync, with `Retry-After` in whole seconds (at least 1, never early). */
const syncRateLimited = (error: RateLimited) => {
  const seconds = Math.max(1, Math.ceil(Duration.toMillis(error.retryAfter) / 1000))
  return Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(seconds)))
    ),
    Effect.fail(
      new EditorApi.SyncRateLimited({
        code: "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
        message: `Too many syncs of this project; retry after ${seconds} s, with jitter`
      })
    )
  )
}

/** Refuses an export whose state names assets the project (or, statelessly, the organization) lacks. */
const checkReferences = (store: EditorStore.EditorStoreService, org: string, projectId: string | null, state: unknown) =>
  Effect.flatMap(store.unknownAssets(org, projectId, assetReferences(state)), (unknown) =>
    unknown.length === 0
      ? Effect.void
      : Effect.fail(
        new EditorApi.UnknownAssetReference({
          code: "OPEN_API_ASSET_REFERENCE_INVALID",
          message: `editorState refers to assets that ${
            projectId === null ? "your account does not have" : `project ${projectId} does not have`
          }: ${unknown.join(", ")}`,
          assetIds: unknown
        })
      ))

const mediaTypes: Readonly<Record<string, string>> = {
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  ttf: "font/ttf",
  woff2: "font/woff2"
}

/**
 * An asset's media type: the one given, unless it is the generic octet-stream, then the one its
 * name's extension implies (INF: as browsers and object stores do), else octet-stream.
 */
const mediaType = (given: string | undefined, name: string) => {
  if (given !== undefined && given !== "" && given !== "application/octet-stream") return given
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase()
  return (extension === undefined ? undefined : mediaTypes[extension]) ?? "application/octet-stream"
}

/** INF: an upload's URL is where the server would serve it; like render outputs, a reserved `.invalid` host. */
const uploadUrl = (id: string, name: string) => `https://assets.projectkit.invalid/editor/${id}/${encodeURIComponent(name)}`

export const ProjectsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "editorProjects", (handlers) =>
    Effect.gen(function*() {
      const store = yield* EditorStore.EditorStore
      const limiter = yield* RateLimit.RateLimiter
      const toJson = stateJson(config.maxStateBytes)
      return handlers
        .handle("create", ({ payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            const editorState = payload.editorState === undefined ? null : yield* toJson(payload.editorState)
            const row = yield* store.createProject(org, {
              title: payload.title.trim(),
              description: payload.description ?? null,
              editorState
            })
            return full(row)
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(orgId, (org) => store.listProjects(org, { ...compact(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
            Effect.map((page) => ({ items: page.items.map(summary), nextCursor: page.nextCursor })),
            Effect.catchTags({ SqlError: internal, Validation: badRequest })
          ))
        .handle("get", ({ path }) =>
          Effect.flatMap(orgId, (org) => store.findProject(org, path.projectId)).pipe(
            project(path.projectId),
            Effect.map(full),
            Effect.catchTag("SqlError", internal)
          ))
        .handle("update", ({ path, payload }) =>
          Effect.flatMap(orgId, (org) => {
            // SEED: title and description only; any other member of the body was not decoded at all.
            const patch = compact({ title: payload.title?.trim(), description: payload.description })
            // A PATCH that sends neither changes nothing, not even updatedAt.
            return Object.keys(patch).length === 0
              ? store.findSummary(org, path.projectId)
              : store.updateMetadata(org, path.projectId, patch)
          }).pipe(project(path.projectId), Effect.map(summary), Effect.catchTag("SqlError", internal)))
        .handle("sync", ({ path, payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            // Everything that can refuse the request without spending budget comes first; the
            // budget is spent before the write, so a rejected call stores nothing.
            const json = yield* toJson(payload.editorState)
            yield* store.findSummary(org, path.projectId).pipe(project(path.projectId))
            yield* limiter.consume({ tenant: `${org}/${path.projectId}`, rule: config.syncRule }).pipe(
              Effect.catchTags({ RateLimited: syncRateLimited, Validation: (error) => Effect.die(error) })
            )
            const saved = yield* store.saveState(org, path.projectId, { json, version: payload.stateVersion }).pipe(
              project(path.projectId)
            )
            return { projectId: saved.id, stateVersion: Number(saved.state_version), updatedAt: time(saved.updated_at) }
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("delete", ({ path }) =>
          Effect.flatMap(orgId, (org) => store.deleteProject(org, path.projectId)).pipe(
            Effect.flatMap((deleted) => deleted ? Effect.void : projectNotFound(path.projectId)),
            Effect.catchTag("SqlError", internal)
          ))
        .handle("registerAsset", ({ path, payload }) =>
          Effect.flatMap(orgId, (org) =>
            store.createAsset(org, path.projectId, {
              name: payload.name,
              // A registered URL is not fetched: its type is what the caller says, or what its path implies.
              contentType: mediaType(payload.contentType, new URL(payload.url).pathname),
              size: null,
              sha256: null,
              url: () => payload.url
            })).pipe(project(path.projectId), Effect.map(asset), Effect.catchTag("SqlError", internal)))
        .handle("uploadAsset", ({ path, payload, urlParams }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            if (payload.length === 0) return yield* invalid("The upload is empty: send the file's bytes as the body")
            const request = yield* HttpServerRequest.HttpServerRequest
            const name = urlParams.name ?? "upload"
            const contentType = mediaType(request.headers["content-type"]?.split(";")[0]?.trim(), name)
            const row = yield* store.createAsset(org, path.projectId, {
              name,
              contentType,
              size: payload.length,
              sha256: Crypto.createHash("sha256").update(payload).digest("hex"),
              url: (id) => uploadUrl(id, name)
            }).pipe(project(path.projectId))
            return asset(row)
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("listAssets", ({ path }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            yield* store.findSummary(org, path.projectId).pipe(project(path.projectId))
            const rows = yield* store.listAssets(org, path.projectId)
            return { items: rows.map(asset) }
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("export", ({ path, payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            const saved = yield* store.findProject(org, path.projectId).pipe(project(path.projectId))
            // SEED: a project export renders the latest saved state; INF: with none saved there is nothing to render.
            if (saved.editor_state === null) {
              return yield* invalid(`Project ${path.projectId} has no saved editorState yet: sync one before exporting`)
            }
            yield* checkReferences(store, org, path.projectId, JSON.parse(saved.editor_state))
            const row = yield* store.createExport(org, {
              projectId: path.projectId,
              format: payload.format ?? "mp4",
              editorState: saved.editor_state,
              webhookUrl: payload.webhookUrl ?? null,
              startsAt: ExportLifecycle.startsAt(config.exports)(yield* Clock.currentTimeMillis)
            })
            return ExportLifecycle.toWire(row)
          }).pipe(Effect.catchTag("SqlError", internal)))
    }))

export const ExportsLive = (config: Resolved) =>
  CompiledApi.group(ServerApi, "editorExports", (handlers) =>
    Effect.gen(function*() {
      const store = yield* EditorStore.EditorStore
      const toJson = stateJson(config.maxStateBytes)
      return handlers
        .handle("create", ({ payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            const json = yield* toJson(payload.editorState)
            // Without a project, the state may name any asset of the account.
            yield* checkReferences(store, org, null, payload.editorState)
            const row = yield* store.createExport(org, {
              projectId: null,
              format: payload.format ?? "mp4",
              editorState: json,
              webhookUrl: payload.webhookUrl ?? null,
              startsAt: ExportLifecycle.startsAt(config.exports)(yield* Clock.currentTimeMillis)
            })
            return ExportLifecycle.toWire(row)
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(orgId, (org) => store.listExports(org, { ...compact(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
            Effect.map((page) => ({ items: page.items.map(ExportLifecycle.toWire), nextCursor: page.nextCursor })),
            Effect.catchTags({ SqlError: internal, Validation: badRequest })
          ))
        .handle("get", ({ path }) =>
          Effect.flatMap(orgId, (org) => store.findExport(org, path.taskId)).pipe(
            Effect.flatMap(Option.match({ onNone: () => exportNotFound(path.taskId), onSome: Effect.succeed })),
            Effect.map(ExportLifecycle.toWire),
            Effect.catchTag("SqlError", internal)
          ))
    }))

/** The whole dialect: handlers, authentication, storage, the sync rate limiter and the export worker. */
export const layer = (config: EditorConfig = {}) => {
  const resolved = resolve(config)
  return Layer.mergeAll(ProjectsLive(resolved), ExportsLive(resolved), ExportLifecycle.layer(resolved.exports)).pipe(
    Layer.provide([EditorAuthLive, EditorRuntimeAuthLive]),
    Layer.provide(EditorStore.layer),
    Layer.provide(RateLimits.layer)
  )
}
