/**
 * The URLs the Indream dialect hands out, served on the platform's router beside its API: a stored
 * file at `fileUrl` (`<prefix>/files/uploads/<secret>`) and a completed export's output at
 * `outputUrl` (`<prefix>/outputs/<key>.<format>`). They answer without the API key (DOC: they go
 * into editor JSON and to players); each carries an unguessable key instead.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { IndreamErrors } from "@projectkit/indream"
import * as Effect from "effect/Effect"
import * as FileStore from "./FileStore.js"
import * as IndreamStore from "./IndreamStore.js"
import * as RenderedMedia from "./RenderedMedia.js"

const notFound = (detail: string) =>
  HttpServerResponse.unsafeJson(IndreamErrors.problemBody(404, IndreamErrors.ErrorCode.RouteNotFound, detail), { status: 404 })

/** A storage failure: logged, and answered as Indream's 500 problem (the server's fault, not the caller's). */
const storageFailure = (error: unknown) =>
  Effect.as(
    Effect.logError("indream public file storage failure", error),
    HttpServerResponse.unsafeJson(
      IndreamErrors.problemBody(500, IndreamErrors.ErrorCode.InternalError, "Internal server error"),
      { status: 500 }
    )
  )

/**
 * `fileUrl` and `outputUrl` answer without the API key (DOC: they go into editor JSON and to
 * players): each URL carries an unguessable key instead. A file answers its bytes with the
 * `Content-Type` it was uploaded with; an output is written from its task's size and duration.
 */
export const layer = (prefix: `/${string}`) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      const store = yield* IndreamStore.IndreamStore
      const files = yield* FileStore.FileStore
      yield* router.get(
        `${prefix}/files/uploads/:secret`,
        Effect.gen(function*() {
          const params = yield* HttpRouter.params
          const key = `uploads/${params["secret"] ?? ""}`
          const asset = yield* store.findFileAsset(key)
          const body = asset === undefined ? undefined : yield* files.read(asset.org_id, key)
          if (asset === undefined || body === undefined) return notFound("No such file")
          return HttpServerResponse.stream(body, {
            contentType: asset.mimetype,
            headers: asset.size === null ? {} : { "content-length": String(asset.size) }
          })
        }).pipe(Effect.catchAll(storageFailure))
      )
      yield* router.get(
        `${prefix}/outputs/:name`,
        Effect.gen(function*() {
          const params = yield* HttpRouter.params
          const [outputKey, format] = (params["name"] ?? "").split(".")
          const task = outputKey === undefined ? undefined : yield* store.findOutput(outputKey)
          if (task === undefined || task.format !== format) return notFound("No such output")
          const bytes = RenderedMedia.render({
            format: task.format,
            width: Number(task.width),
            height: Number(task.height),
            fps: Number(task.fps),
            durationSeconds: Number(task.duration_seconds)
          })
          return HttpServerResponse.uint8Array(bytes, { contentType: RenderedMedia.contentType(task.format) })
        }).pipe(Effect.catchAll(storageFailure))
      )
    })
)
