/**
 * The upload URLs of sync.so's asset uploads (https://sync.so/docs/developer-guides/asset-uploads):
 * step 2, "PUT the raw file bytes directly to that presigned URL (a plain HTTP PUT, no auth
 * header)", and the file's URL afterwards, which serves the bytes back (the download URL of an
 * uploaded asset). Neither is a sync.so API route — on the real service they are storage URLs —
 * so they are served here, before the contract, on both routers (unmatched requests reach the
 * platform's app, which this middleware wraps).
 *
 * INF (the pages leave a refused PUT to the storage): answered in sync.so's coded body — 404
 * `upload_not_found` (unknown id or signature), 403 `upload_url_expired` (past `expiresIn`), 400
 * `upload_content_type_mismatch` (not the Content-Type announced; create-upload: "PUT the file
 * bytes to the returned uploadUrl with the same Content-Type") and 400 `upload_size_mismatch`
 * (not the size announced; 413 when larger than the server takes).
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { SyncApi, type SyncErrorCatalog, SyncErrors } from "@projectkit/sync"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { LargerBodies } from "../../Fallback.js"
import * as SyncForms from "./SyncForms.js"
import * as SyncUploadStore from "./SyncUploadStore.js"
import { withRequest } from "../../internal/withRequest.js"

/** `/sync/v2/uploads/<id>` (the PUT target) and `/sync/v2/uploads/<id>/<name>` (the file). */
const route = /^\/sync\/v2\/uploads\/([^/]+)(?:\/([^/]+))?$/

/** A PUT's body may be as large as the largest upload. */
export const largerBodies: LargerBodies = (request) =>
  request.method === "PUT" && route.test(SyncForms.pathOf(request.url)) ? SyncApi.maxUploadBytes + 1 : undefined

const refused = (status: number, message: string, code: SyncErrorCatalog.ErrorCode) =>
  HttpServerResponse.unsafeJson({ message, statusCode: status, ...SyncErrors.coded(code) }, { status })

const notFound = refused(404, "No such upload", "upload_not_found")

export const layer = HttpApiBuilder.middleware(Effect.gen(function*() {
  const uploads = yield* SyncUploadStore.SyncUploadStore

  const put = (request: HttpServerRequest.HttpServerRequest, id: string) =>
    Effect.gen(function*() {
      const signature = new URL(request.url, "http://server").searchParams.get("signature") ?? ""
      const length = Number(request.headers["content-length"] ?? "0")
      if (length > SyncApi.maxUploadBytes) {
        return refused(413, `The file is larger than ${SyncApi.maxUploadBytes} bytes`, "payload_too_large")
      }
      const bytes = new Uint8Array(yield* request.arrayBuffer)
      const now = yield* Clock.currentTimeMillis
      const refusal = yield* uploads.receive(id, signature, request.headers["content-type"], bytes, now)
      if (refusal === undefined) return HttpServerResponse.empty({ status: 200 })
      switch (refusal._tag) {
        case "Unknown":
          return notFound
        case "Expired":
          return refused(403, "The upload URL has expired: request a new one", "upload_url_expired")
        case "WrongContentType":
          return refused(400, `Content-Type must be ${refusal.expected}, as announced`, "upload_content_type_mismatch")
        case "WrongSize":
          return refused(400, `The file must be ${refusal.expected} bytes, as announced (${bytes.length} sent)`, "upload_size_mismatch")
      }
    })

  const get = (id: string) =>
    Effect.map(uploads.content(id), Option.match({
      onNone: () => notFound,
      onSome: ({ bytes, upload }) =>
        HttpServerResponse.uint8Array(bytes, { status: 200, contentType: upload.content_type })
    }))

  return (app) =>
    withRequest((request) => {
      const match = route.exec(SyncForms.pathOf(request.url))
      if (match === null) return app
      const [, id, name] = match
      if (request.method === "PUT" && name === undefined) {
        return put(request, id!).pipe(Effect.catchAll(() => Effect.succeed(refused(400, "The file could not be read", "invalid_request"))))
      }
      if ((request.method === "GET" || request.method === "HEAD") && name !== undefined) {
        return get(id!).pipe(Effect.orDie)
      }
      return app
    })
}))
