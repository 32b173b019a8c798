/**
 * Create Generation with Files: `POST /v2/generate` with a `multipart/form-data` body
 * (https://sync.so/docs/api-reference/api/generate-api/create-with-files). One route cannot be
 * declared twice, so `SyncApi` decodes the JSON form and documents this one; the server takes a
 * multipart request to this path here, by its content type, before any payload is decoded — on
 * both routers (the compiled one hands every multipart body to the platform's, whose app this
 * middleware wraps).
 *
 * The form is read as it streams in (`SyncForms.read`): each file measured and hashed, refused
 * with 413 the moment it reaches 20 MB, never stored. Then it is checked as the JSON form is
 * (same decoder, same 400 messages), and the files become assets and the generation in one
 * transaction, after the projectId check: a refused request creates nothing.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { SyncApi, SyncErrors } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Dialect from "../../Dialect.js"
import type { LargerBodies } from "../../Fallback.js"
import { Organizations } from "../../Organizations.js"
import * as GenerationLifecycle from "./GenerationLifecycle.js"
import * as SyncAuthentication from "./SyncAuthentication.js"
import * as SyncForms from "./SyncForms.js"
import * as SyncGenerationStore from "./SyncGenerationStore.js"
import * as SyncWire from "./SyncWire.js"
import { withRequest } from "../../internal/withRequest.js"

const path = "/sync/v2/generate"

/**
 * The largest multipart generation body: three files just below the limit, and room for the
 * text fields. The server's `--max-body-bytes` (16 MB by default) would refuse a 19 MB file the
 * page says is supported; this route's limit is its own.
 */
export const maxBodyBytes = 3 * SyncApi.maxGenerationFileBytes + 1024 * 1024

export const largerBodies: LargerBodies = (request) =>
  request.method === "POST" && SyncForms.pathOf(request.url) === path && SyncForms.isMultipart(request.contentType) ? maxBodyBytes : undefined

const fileTypes = {
  video: { inputType: "video", assetType: "VIDEO" },
  audio: { inputType: "audio", assetType: "AUDIO" },
  image: { inputType: "image", assetType: "IMAGE" }
} as const

type FileKey = keyof typeof fileTypes

const refused = (status: number, message: string) =>
  HttpServerResponse.unsafeJson(SyncErrors.table.body(status, message), { status })

/** A JSON form field, parsed; or why it is refused. */
const jsonField = (name: string, text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return Either.left(`${name}: not valid JSON`)
  }
}

/**
 * The form as the JSON form's body: `input` from one field per item (INF: a field holding a JSON
 * array is read as several items), `options` and `segments` parsed, the text fields as they are;
 * each uploaded file stands in as an input item of its type ("the file taking precedence over the
 * url": it replaces an item of the same type), here with a placeholder asset id.
 */
const requestBody = (form: SyncForms.ReceivedForm): Either.Either<Record<string, unknown>, string> => {
  const first = (name: string) => form.fields.get(name)?.[0]
  const items: Array<unknown> = []
  for (const text of form.fields.get("input") ?? []) {
    const parsed = jsonField("input", text)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    if (Array.isArray(parsed.right)) items.push(...parsed.right)
    else items.push(parsed.right)
  }
  const uploaded = new Set(form.files.map((file) => fileTypes[file.key as FileKey].inputType as string))
  const input = [
    ...items.filter((item) => !(typeof item === "object" && item !== null && uploaded.has(String((item as { type?: unknown }).type)))),
    ...form.files.map((file) => ({ type: fileTypes[file.key as FileKey].inputType, assetId: "upload" }))
  ]
  const body: Record<string, unknown> = { input }
  for (const name of ["model", "webhookUrl", "outputFileName", "projectId"]) {
    const value = first(name)
    if (value !== undefined) body[name] = value
  }
  for (const name of ["options", "segments"]) {
    const value = first(name)
    if (value === undefined) continue
    const parsed = jsonField(name, value)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    body[name] = parsed.right
  }
  return Either.right(body)
}

/**
 * What a lipsync needs, beyond the schema (wire decisions of issue 18, INF): a video (a file or an
 * input item) and audio or a script; an image only with sync-3, the model the page names for it.
 */
const missingMedia = (request: SyncApi.CreateGenerationRequest): string | undefined => {
  const types = new Set(request.input.map((item) => item.type))
  if (!types.has("video") && !types.has("image")) return "input: a video is required: send a video file or a video input item"
  if (!types.has("audio") && !types.has("text")) return "input: audio is required: send an audio file, an audio input item or a text input item"
  if (types.has("image") && request.model !== "sync-3") return "image: an image input is only supported with sync-3"
  return undefined
}

const encodeGeneration = Schema.encode(SyncApi.Generation)

/** The middleware: multipart `POST /sync/v2/generate` here, every other request to the app. */
export const layer = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  HttpApiBuilder.middleware(Effect.gen(function*() {
    const authenticate = SyncAuthentication.authenticate(yield* Organizations)
    const store = yield* SyncGenerationStore.SyncGenerationStore
    const answer = Dialect.answer(SyncErrors.table)

    const create = (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function*() {
        const header = request.headers["x-api-key"]
        const caller = yield* authenticate(typeof header === "string" ? header : "")
        const length = request.headers["content-length"]
        if (length !== undefined && Number(length) > maxBodyBytes) {
          return refused(413, `The body is larger than ${maxBodyBytes} bytes`)
        }
        const received = yield* Effect.either(SyncForms.read(
          request,
          {
            maxBodyBytes,
            fileKeys: Object.keys(fileTypes),
            tooLarge: (size) => size >= SyncApi.maxGenerationFileBytes,
            tooLargeMessage: (key) =>
              `${key}: only files below 20MB are supported (at most ${SyncApi.maxGenerationFileBytes - 1} bytes)`
          }
        ))
        if (Either.isLeft(received)) return refused(received.left.status, received.left.message)
        const form = received.right
        const empty = form.files.find((file) => file.size === 0)
        if (empty !== undefined) return refused(400, `${empty.key}: the file is empty`)
        const duplicate = form.files.find((file, index) => form.files.findIndex((other) => other.key === file.key) !== index)
        if (duplicate !== undefined) return refused(400, `${duplicate.key}: send one file at most`)
        const body = requestBody(form)
        if (Either.isLeft(body)) return refused(400, body.left)
        const decoded = SyncForms.generationRequest(body.right)
        if (Either.isLeft(decoded)) return refused(400, decoded.left)
        const missing = missingMedia(decoded.right)
        if (missing !== undefined) return refused(400, missing)
        const { model, projectId, webhookUrl, ...rest } = decoded.right
        const uploads: Array<SyncGenerationStore.Upload> = form.files.map((file) => ({
          ...fileTypes[file.key as FileKey],
          name: file.name === "" ? file.key : file.name,
          size: file.size,
          format: SyncForms.formatOf(file.name, file.contentType),
          sha256: file.sha256
        }))
        // The store puts each upload's asset in place of the input items of its type (placeholders here).
        const created = yield* answer(store.createGenerationWithUploads(
          caller,
          { model, request: rest, webhookUrl: webhookUrl ?? null, uploads },
          projectId,
          GenerationLifecycle.startsAt(lifecycle)
        ))
        const json = yield* Effect.orDie(encodeGeneration(SyncWire.generation(created.generation)))
        return HttpServerResponse.unsafeJson(json, { status: 201 })
      }).pipe(
        Effect.catchAll((error) => Effect.succeed(refused(error.statusCode, typeof error.message === "string" ? error.message : error.message.join("; "))))
      )

    return (app) =>
      withRequest((request) =>
        request.method === "POST" && SyncForms.pathOf(request.url) === path && SyncForms.isMultipart(request.headers["content-type"])
          ? create(request)
          : app)
  }))
