/**
 * The editor dialect: bearer authentication with the runtime-access rule, and the handlers of
 * every endpoint of `EditorApi`, over `EditorStore`. Handlers fail with core errors; `answer`
 * sends each as the editor's own `{code, message}` body (`EditorErrors`).
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as RateLimit from "@projectkit/core/RateLimit"
import { EditorApi, EditorErrors } from "@projectkit/editor"
import { Adapter } from "@projectkit/http"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Crypto from "node:crypto"
import * as Dialect from "../../Dialect.js"
import { Organizations } from "../../Organizations.js"
import * as RateLimits from "../../RateLimits.js"
import { api as ServerApi } from "./EditorMounted.js"
import * as EditorStore from "./EditorStore.js"
import * as EditorWire from "./EditorWire.js"
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

/** A handler's core errors, and storage failures, as the editor answers them. */
const answer = Dialect.answer(EditorErrors.table)

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** The caller a bearer key belongs to, with whether the account has runtime access; `Unauthorized` if none. */
const resolveKey = Effect.map(Organizations, (organizations) => (token: Redacted.Redacted) => {
  const secret = Redacted.value(token)
  if (secret === "") return Effect.fail(new ProjectsError.Unauthorized({ reason: "MissingCredentials" }))
  return organizations.authenticate("editor", secret).pipe(
    Effect.orDie,
    Effect.flatMap(Option.match({
      onNone: () => Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" })),
      onSome: Effect.succeed
    }))
  )
})

const principal = (caller: { readonly orgId: string; readonly userId: string }) => ({
  organizationId: caller.orgId,
  userId: caller.userId
})

export const EditorAuthLive = Layer.effect(
  EditorApi.EditorAuth,
  Effect.map(resolveKey, (resolve) => EditorApi.EditorAuth.of({ bearer: (token) => answer(Effect.map(resolve(token), principal)) }))
)

/** The organization's switch of runtime access, as the control plane names it (`EditorDialect`'s `settings`). */
export const runtimeAccess = "editorRuntimeAccess"

/** SEED: project routes need runtime OpenAPI access; without it, 403 on every one of them. */
export const EditorRuntimeAuthLive = Layer.effect(
  EditorApi.EditorRuntimeAuth,
  Effect.map(resolveKey, (resolve) =>
    EditorApi.EditorRuntimeAuth.of({
      bearer: (token) =>
        answer(Effect.flatMap(resolve(token), (caller) =>
          caller.settings[runtimeAccess] === true
            ? Effect.succeed(principal(caller))
            : Effect.fail(new ProjectsError.Forbidden({ reason: "AccessDisabled" }))))
    }))
)

const orgId = Effect.map(EditorApi.EditorPrincipal, (principal) => principal.organizationId)

// ---------------------------------------------------------------------------------------------
// editorState: size and asset references
// ---------------------------------------------------------------------------------------------

/** The state as the JSON text it is stored as, or `Validation` (a 413) when it is over the limit. */
const stateJson = (maxStateBytes: number) => (state: EditorApi.EditorState) => {
  const json = JSON.stringify(state)
  const bytes = Buffer.byteLength(json, "utf8")
  return bytes > maxStateBytes
    ? Effect.fail(
      new ProjectsError.Validation({
        issues: [{ path: [], message: `editorState is ${bytes} bytes; at most ${maxStateBytes} are accepted` }],
        reason: "TooLarge"
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

/** The per-project `sync` rate limit `config` sets (what the Studio shows each project's budget of). */
export const syncRule = (config: EditorConfig): RateLimit.RateLimitRule => resolve(config).syncRule

/** A rejected sync's `Retry-After`, in whole seconds as its 429 body says; the body is `EditorErrors`'. */
const retryAfterHeader = (error: ProjectsError.RateLimited) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(
      HttpServerResponse.setHeader(response, "retry-after", String(EditorErrors.retryAfterSeconds(error.retryAfter)))
    )
  )

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
            return EditorWire.project(row)
          }).pipe(answer))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(orgId, (org) =>
            store.listProjects(org, { ...Adapter.defined(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
              Effect.map((page) => ({ items: page.items.map(EditorWire.summary), nextCursor: page.nextCursor })),
              answer
            ))
        .handle("get", ({ path }) =>
          Effect.flatMap(orgId, (org) => store.findProject(org, path.projectId)).pipe(Effect.map(EditorWire.project), answer))
        .handle("update", ({ path, payload }) =>
          Effect.flatMap(orgId, (org) => {
            // SEED: title and description only; any other member of the body was not decoded at all.
            const patch = Adapter.defined({ title: payload.title?.trim(), description: payload.description })
            // A PATCH that sends neither changes nothing, not even updatedAt.
            return Object.keys(patch).length === 0
              ? store.findSummary(org, path.projectId)
              : store.updateMetadata(org, path.projectId, patch)
          }).pipe(Effect.map(EditorWire.summary), answer))
        .handle("sync", ({ path, payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            // Everything that can refuse the request without spending budget comes first; the
            // budget is spent before the write, so a rejected call stores nothing.
            const json = yield* toJson(payload.editorState)
            yield* store.findSummary(org, path.projectId)
            yield* limiter.consume({ tenant: `${org}/${path.projectId}`, rule: config.syncRule }).pipe(
              // The rule is ours and valid: a Validation here is a bug, not the caller's fault.
              Effect.catchTag("Validation", Effect.die),
              Effect.tapErrorTag("RateLimited", retryAfterHeader)
            )
            const saved = yield* store.saveState(org, path.projectId, { json, version: payload.stateVersion })
            return EditorWire.syncResult(saved)
          }).pipe(answer))
        .handle("delete", ({ path }) => Effect.flatMap(orgId, (org) => store.deleteProject(org, path.projectId)).pipe(answer))
        .handle("registerAsset", ({ path, payload }) =>
          Effect.flatMap(orgId, (org) =>
            store.createAsset(org, path.projectId, {
              name: payload.name,
              // A registered URL is not fetched: its type is what the caller says, or what its path implies.
              contentType: mediaType(payload.contentType, new URL(payload.url).pathname),
              size: null,
              sha256: null,
              url: () => payload.url
            })).pipe(Effect.map(EditorWire.asset), answer))
        .handle("uploadAsset", ({ path, payload, urlParams }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            if (payload.length === 0) {
              return yield* ProjectsError.Validation.single([], "The upload is empty: send the file's bytes as the body")
            }
            const request = yield* HttpServerRequest.HttpServerRequest
            const name = urlParams.name ?? "upload"
            const contentType = mediaType(request.headers["content-type"]?.split(";")[0]?.trim(), name)
            const row = yield* store.createAsset(org, path.projectId, {
              name,
              contentType,
              size: payload.length,
              sha256: Crypto.createHash("sha256").update(payload).digest("hex"),
              url: (id) => uploadUrl(id, name)
            })
            return EditorWire.asset(row)
          }).pipe(answer))
        .handle("listAssets", ({ path }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            yield* store.findSummary(org, path.projectId)
            const rows = yield* store.listAssets(org, path.projectId)
            return { items: rows.map(EditorWire.asset) }
          }).pipe(answer))
        .handle("export", ({ path, payload }) =>
          Effect.gen(function*() {
            const org = yield* orgId
            const saved = yield* store.findProject(org, path.projectId)
            // SEED: a project export renders the latest saved state; INF: with none saved there is nothing to render.
            if (saved.editor_state === null) {
              return yield* ProjectsError.Validation.single(
                [],
                `Project ${path.projectId} has no saved editorState yet: sync one before exporting`
              )
            }
            yield* store.requireAssets(org, path.projectId, assetReferences(JSON.parse(saved.editor_state)))
            const row = yield* store.createExport(org, {
              projectId: path.projectId,
              format: payload.format ?? "mp4",
              editorState: saved.editor_state,
              webhookUrl: payload.webhookUrl ?? null,
              startsAt: ExportLifecycle.startsAt(config.exports)(yield* Clock.currentTimeMillis)
            })
            return EditorWire.exportTask(row)
          }).pipe(answer))
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
            yield* store.requireAssets(org, null, assetReferences(payload.editorState))
            const row = yield* store.createExport(org, {
              projectId: null,
              format: payload.format ?? "mp4",
              editorState: json,
              webhookUrl: payload.webhookUrl ?? null,
              startsAt: ExportLifecycle.startsAt(config.exports)(yield* Clock.currentTimeMillis)
            })
            return EditorWire.exportTask(row)
          }).pipe(answer))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(orgId, (org) =>
            store.listExports(org, { ...Adapter.defined(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
              Effect.map((page) => ({ items: page.items.map(EditorWire.exportTask), nextCursor: page.nextCursor })),
              answer
            ))
        .handle("get", ({ path }) =>
          Effect.flatMap(orgId, (org) => store.findExport(org, path.taskId)).pipe(Effect.map(EditorWire.exportTask), answer))
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
