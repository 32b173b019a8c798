/**
 * A test fixture, not an emulator: `IndreamApi` implemented minimally in memory with
 * `HttpApiBuilder` and served as a web handler, for the client's tests to check what it sends and
 * how it reads what comes back (envelopes, headers, problems) through the real contract. The
 * reference server (apps/server) is the emulator; the end-to-end tests run against it.
 *
 * Keys: `key-runtime` has runtime access, `key-basic` only capabilities and validate; any other
 * is unknown. Each fixture holds its own state: nothing is shared between tests.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { IndreamApi, IndreamEditorState, IndreamErrors } from "../../src/index.js"

export const runtimeKey = "key-runtime"
export const basicKey = "key-basic"

interface StoredProject {
  projectId: string
  title: string
  description: string | null
  editorState: IndreamApi.EditorState
  stateVersion: string
  createdAt: DateTime.Utc
  updatedAt: DateTime.Utc
}

/** What a test can read and steer. */
export interface Fixture {
  readonly projects: Map<string, StoredProject>
  readonly assets: Map<string, IndreamApi.Asset & { deleted: boolean }>
  readonly bindings: Set<string>
  readonly exports: Map<string, IndreamApi.ExportTask & { polls: number }>
  /** Every request received: method, path with query, and the headers the tests look at. */
  readonly requests: Array<{
    readonly method: string
    readonly url: string
    readonly headers: Readonly<Record<string, string | undefined>>
  }>
}

const seen = ["x-api-key", "idempotency-key", "x-file-name", "x-project-id", "content-type", "accept"] as const

const problem = <Status extends number>(status: Status, errorCode: string, detail: string) =>
  IndreamErrors.problemBody(status, errorCode, detail)

const notFound = (what: string, id: string) =>
  new IndreamErrors.NotFound(problem(404, `OPEN_API_${what.toUpperCase()}_NOT_FOUND`, `${what} ${id} not found`))

/** A cursor: the offset and a check of it, so that an altered or made-up cursor is refused. */
const cursorOf = (offset: number) => `o${offset}.${((offset * 7919) % 9973).toString(36)}`
const offsetOf = (cursor: string): number | undefined => {
  const match = /^o(\d{1,9})\.[0-9a-z]+$/.exec(cursor)
  return match !== null && cursorOf(Number(match[1])) === cursor ? Number(match[1]) : undefined
}

/** `items` from `pageCursor`, `pageSize` of them, and the next cursor. */
const paginate = <A>(items: ReadonlyArray<A>, pageSize: number, pageCursor: string | undefined) => {
  const offset = pageCursor === undefined ? 0 : offsetOf(pageCursor)
  if (offset === undefined) {
    return Effect.fail(new IndreamErrors.BadRequest(problem(400, IndreamErrors.ErrorCode.PageCursorInvalid, "bad pageCursor")))
  }
  const end = offset + pageSize
  return Effect.succeed({ data: items.slice(offset, end), meta: { nextPageCursor: end < items.length ? cursorOf(end) : null } })
}

export const makeFixture = () => {
  const fixture: Fixture = { projects: new Map(), assets: new Map(), bindings: new Set(), exports: new Map(), requests: [] }
  const validator = IndreamEditorState.make()
  const replays = new Map<string, unknown>()
  let counter = 0
  const uuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`
  const now = DateTime.unsafeMake(Date.UTC(2026, 4, 1))
  const meta = {}

  const checkState = (editorState: IndreamApi.EditorState) => {
    const result = validator.validate(editorState)
    return result.valid ? Effect.void : Effect.fail(IndreamEditorState.toProblem(result))
  }
  const project = (projectId: string) => {
    const found = fixture.projects.get(projectId)
    return found === undefined ? Effect.fail(notFound("project", projectId)) : Effect.succeed(found)
  }
  const summary = (stored: StoredProject): IndreamApi.ProjectSummary => ({
    projectId: stored.projectId,
    title: stored.title,
    description: stored.description,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt
  })
  const asset = (assetId: string) => {
    const found = fixture.assets.get(assetId)
    return found === undefined || found.deleted ? Effect.fail(notFound("asset", assetId)) : Effect.succeed(found)
  }
  const plainAsset = ({ deleted: _, ...rest }: IndreamApi.Asset & { deleted: boolean }): IndreamApi.Asset => rest
  const plainTask = ({ polls: _, ...rest }: IndreamApi.ExportTask & { polls: number }): IndreamApi.ExportTask => rest

  /** The first answer under an Idempotency-Key, replayed. */
  const idempotent = <A, E>(key: string | undefined, create: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    key === undefined
      ? create
      : replays.has(key)
      ? Effect.succeed(replays.get(key) as A)
      : Effect.tap(create, (answer) => Effect.sync(() => replays.set(key, answer)))

  const createTask = (projectId: string | null, options: IndreamApi.CreateProjectExportRequest, principal: { readonly apiKeyId: string }) =>
    Effect.sync(() => {
      const taskId = `task-${++counter}`
      fixture.exports.set(taskId, {
        taskId,
        projectId,
        createdByApiKeyId: principal.apiKeyId,
        clientTaskId: options.clientTaskId ?? null,
        status: "PENDING",
        progress: 0,
        error: null,
        outputUrl: null,
        durationSeconds: 1,
        billedStandardSeconds: 1,
        chargedCredits: "1",
        callbackUrl: options.callbackUrl ?? null,
        createdAt: now,
        completedAt: null,
        polls: 0
      })
      return {
        data: { taskId, projectId, createdAt: now, durationSeconds: 1, billedStandardSeconds: 1, chargedCredits: "1" },
        meta
      }
    })

  const principal = { organizationId: "org-1", userId: "user-1", apiKeyId: "00000000-0000-4000-8000-00000000aaaa" }
  const unknownKey = () =>
    new IndreamErrors.Unauthorized(problem(401, IndreamErrors.ErrorCode.ApiKeyInvalid, "Invalid API key"))

  const RuntimeAuth = Layer.succeed(IndreamApi.IndreamRuntimeAuth, {
    apiKey: (key) => {
      const value = Redacted.value(key)
      if (value === runtimeKey) return Effect.succeed(principal)
      if (value === basicKey) {
        return Effect.fail(
          new IndreamErrors.Forbidden(
            problem(403, "OPEN_API_RUNTIME_ACCESS_FORBIDDEN", "The current account is not eligible for this Open API route")
          )
        )
      }
      return Effect.fail(unknownKey())
    }
  })
  const Auth = Layer.succeed(IndreamApi.IndreamAuth, {
    apiKey: (key) => {
      const value = Redacted.value(key)
      return value === runtimeKey || value === basicKey ? Effect.succeed(principal) : Effect.fail(unknownKey())
    }
  })

  const Projects = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamProjects", (handlers) =>
    handlers
      .handle("createProject", ({ headers, payload }) =>
        idempotent(
          headers["idempotency-key"],
          Effect.gen(function*() {
            yield* checkState(payload.editorState)
            // Each project a second after the one before, so that newest first is an order.
            const createdAt = DateTime.add(now, { seconds: counter })
            const stored: StoredProject = {
              projectId: uuid(),
              title: payload.title ?? "Untitled project",
              description: payload.description ?? null,
              editorState: payload.editorState,
              stateVersion: payload.stateVersion ?? "1",
              createdAt,
              updatedAt: createdAt
            }
            fixture.projects.set(stored.projectId, stored)
            return { data: summary(stored), meta }
          })
        ))
      .handle("listProjects", ({ urlParams }) =>
        paginate(
          [...fixture.projects.values()].reverse().map(summary),
          urlParams.pageSize ?? 20,
          urlParams.pageCursor
        ))
      .handle("getProject", ({ path }) =>
        Effect.map(project(path.projectId), (stored) => ({
          data: { ...summary(stored), editorState: stored.editorState, stateVersion: stored.stateVersion },
          meta
        })))
      .handle("patchProject", ({ path, payload }) =>
        Effect.map(project(path.projectId), (stored) => {
          if (payload.title !== undefined) stored.title = payload.title
          if (payload.description !== undefined) stored.description = payload.description
          return {
            data: { projectId: stored.projectId, title: stored.title, description: stored.description, updatedAt: stored.updatedAt },
            meta
          }
        }))
      .handle("deleteProject", ({ path }) =>
        Effect.map(project(path.projectId), (stored) => {
          fixture.projects.delete(stored.projectId)
          return { data: { projectId: stored.projectId, deleted: true }, meta }
        }))
      .handle("syncProject", ({ path, payload }) =>
        Effect.gen(function*() {
          const stored = yield* project(path.projectId)
          yield* checkState(payload.editorState)
          stored.editorState = payload.editorState
          stored.stateVersion = payload.stateVersion ?? String(Number(stored.stateVersion) + 1)
          return { data: { projectId: stored.projectId, stateVersion: stored.stateVersion, updatedAt: now }, meta }
        }))
  )

  const Assets = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamAssets", (handlers) =>
    handlers
      .handle("listProjectAssets", ({ path, urlParams }) =>
        Effect.flatMap(project(path.projectId), () =>
          paginate(
            [...fixture.assets.values()]
              .filter((candidate) => fixture.bindings.has(`${path.projectId}/${candidate.assetId}`))
              .map(plainAsset),
            urlParams.pageSize ?? 80,
            urlParams.pageCursor
          )))
      .handle("addProjectAsset", ({ path, payload }) =>
        Effect.gen(function*() {
          yield* project(path.projectId)
          yield* asset(payload.assetId)
          fixture.bindings.add(`${path.projectId}/${payload.assetId}`)
          return { data: { projectId: path.projectId, assetId: payload.assetId }, meta }
        }))
      .handle("deleteProjectAsset", ({ path }) =>
        Effect.gen(function*() {
          yield* project(path.projectId)
          const deleted = fixture.bindings.delete(`${path.projectId}/${path.assetId}`)
          if (!deleted) return yield* Effect.fail(notFound("asset", path.assetId))
          return { data: { projectId: path.projectId, assetId: path.assetId, deleted: true }, meta }
        }))
      .handle("getAsset", ({ path }) => Effect.map(asset(path.assetId), (found) => ({ data: plainAsset(found), meta })))
      .handle("deleteAsset", ({ path }) =>
        Effect.gen(function*() {
          const found = yield* asset(path.assetId)
          if ([...fixture.bindings].some((binding) => binding.endsWith(`/${path.assetId}`))) {
            return yield* Effect.fail(IndreamErrors.assetReferenced(path.assetId, "a project binding"))
          }
          found.deleted = true
          return { data: { assetId: path.assetId, deleted: true }, meta }
        }))
  )

  const Uploads = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamUploads", (handlers) =>
    handlers.handle("uploadAsset", ({ headers, payload }) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const projectId = headers["x-project-id"]
        if (projectId !== undefined && !fixture.projects.has(projectId)) {
          return yield* Effect.fail(
            new IndreamErrors.UnprocessableContent(
              problem(422, IndreamErrors.ErrorCode.ProjectReferenceInvalid, `x-project-id ${projectId} is not a project of yours`)
            )
          )
        }
        const assetId = uuid()
        const mimetype = request.headers["content-type"] ?? "application/octet-stream"
        const stored = {
          assetId,
          type: mimetype.startsWith("image/") ? "image" : "file",
          source: "upload",
          filename: headers["x-file-name"],
          mimetype,
          size: payload.byteLength,
          fileUrl: `https://files.example/${assetId}`,
          fileKey: assetId,
          width: null,
          height: null,
          duration: null,
          deleted: false
        }
        fixture.assets.set(assetId, stored)
        if (projectId !== undefined) fixture.bindings.add(`${projectId}/${assetId}`)
        return { data: plainAsset(stored), meta }
      }))
  )

  const Exports = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamExports", (handlers) =>
    handlers
      .handle("createProjectExport", ({ headers, path, payload }) =>
        idempotent(
          headers["idempotency-key"],
          Effect.flatMap(
            Effect.mapError(project(path.projectId), () =>
              (
                new IndreamErrors.UnprocessableContent(
                  problem(422, IndreamErrors.ErrorCode.ProjectNotFound, `project ${path.projectId} not found`)
                )
              )),
            () => createTask(path.projectId, payload, principal)
          )
        ))
      .handle("createExport", ({ headers, payload }) =>
        idempotent(
          headers["idempotency-key"],
          Effect.zipRight(checkState(payload.editorState), createTask(null, payload, principal))
        ))
      .handle("listExports", ({ urlParams }) =>
        paginate([...fixture.exports.values()].map(plainTask), urlParams.pageSize ?? 20, urlParams.pageCursor))
      .handle("getExport", ({ path }) => {
        const task = fixture.exports.get(path.taskId)
        if (task === undefined) return Effect.fail(notFound("export", path.taskId))
        // Each poll moves the task on: PENDING → PROCESSING → COMPLETED.
        task.polls++
        if (task.polls === 1) Object.assign(task, { status: "PROCESSING", progress: 50 })
        if (task.polls >= 2) {
          Object.assign(task, { status: "COMPLETED", progress: 100, outputUrl: `https://files.example/${task.taskId}.mp4`, completedAt: now })
        }
        return Effect.succeed({ data: plainTask(task), meta })
      })
  )

  const Editor = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamEditor", (handlers) =>
    handlers
      .handle("getEditorCapabilities", () =>
        Effect.succeed({
          data: {
            version: "fixture-1",
            animations: ["fade"],
            captionAnimations: { in: [], out: [], loop: [] },
            transitions: ["fade"],
            transitionPresets: [],
            effects: ["blur"],
            effectPresets: [],
            filters: ["sakura-pink"],
            filterPresets: [],
            shapes: ["rectangle"],
            backgroundPresets: { colors: ["#000000"], gradients: [], images: [], blurLevels: [0, 10] }
          },
          meta
        }))
      .handle("validateEditorState", ({ payload }) =>
        Effect.succeed({ data: validator.validate(payload.editorState), meta: { capabilitiesVersion: "fixture-1" } }))
  )

  const Materials = HttpApiBuilder.group(IndreamApi.IndreamApi, "indreamMaterials", (handlers) =>
    handlers.handle("searchIllustrations", ({ urlParams }) =>
      Effect.succeed({
        data: ["rocket", "rocket-launch", "tree"].filter((name) => urlParams.q === undefined || name.includes(urlParams.q)),
        meta
      }))
  )

  const api = HttpApiBuilder.api(IndreamApi.IndreamApi).pipe(
    Layer.provide([Projects, Assets, Uploads, Exports, Editor, Materials]),
    Layer.provide([RuntimeAuth, Auth])
  )
  const { dispose, handler } = HttpApiBuilder.toWebHandler(Layer.mergeAll(api, HttpServer.layerContext))

  /**
   * A `fetch` answering from the fixture, recording each request. A request that does not decode
   * is answered in Indream's 400 problem, as the reference server's fallback does (the platform
   * alone would send its own `{_tag: "HttpApiDecodeError", issues}`).
   */
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    fixture.requests.push({
      method: request.method,
      url: request.url.replace(/^https?:\/\/[^/]+/, ""),
      headers: Object.fromEntries(seen.map((name) => [name, request.headers.get(name) ?? undefined]))
    })
    const response = await handler(request)
    if (response.status !== 400) return response
    const body: unknown = await response.clone().json().catch(() => null)
    if (typeof body !== "object" || body === null || (body as { _tag?: unknown })._tag !== "HttpApiDecodeError") return response
    const message = String((body as { message?: unknown }).message ?? "The request is not valid")
    return new Response(JSON.stringify(IndreamErrors.table.body(400, message)), {
      status: 400,
      headers: { "content-type": "application/json" }
    })
  }
  return { fixture, fetch, dispose }
}
