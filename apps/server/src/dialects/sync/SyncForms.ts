/**
 * What sync.so's multipart requests (Create Generation with Files, Create Batch) have in common:
 * reading the form as it streams in — fields kept, files measured and hashed chunk by chunk and
 * their size limit enforced as they arrive, never buffered whole unless asked (a batch's JSON
 * Lines file, 5 MB at most) — and turning a generation request that does not decode into the
 * same 400 message the JSON form gets.
 */
import * as Multipart from "@effect/platform/Multipart"
import { SyncApi } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Fallback from "../../Fallback.js"

/** A refusal of the form, in sync.so's terms: a status (400 or 413) and why. */
export interface FormRefusal {
  readonly status: 400 | 413
  readonly message: string
}

/** A file as it arrived: measured and hashed; its bytes only when the reader asked to keep them. */
export interface ReceivedFile {
  readonly key: string
  readonly name: string
  readonly contentType: string
  readonly size: number
  readonly sha256: string
  readonly bytes: Uint8Array | undefined
}

export interface ReceivedForm {
  /** Each text field's values, in the order sent (a field may repeat: `input` does). */
  readonly fields: ReadonlyMap<string, ReadonlyArray<string>>
  readonly files: ReadonlyArray<ReceivedFile>
}

export interface FormOptions {
  /** The file fields the form has; a file under any other name is refused with 400. */
  readonly fileKeys: ReadonlyArray<string>
  /** Whether a file of `size` bytes is too large: a 413, decided while the file streams in. */
  readonly tooLarge: (size: number) => boolean
  /** What a file too large is told. */
  readonly tooLargeMessage: (key: string) => string
  /** Keep the bytes of the files under these names (bounded by `tooLarge`). */
  readonly keep?: ReadonlyArray<string> | undefined
}

const refuse = (status: 400 | 413, message: string): FormRefusal => ({ status, message })

/** A parser failure as sync.so answers it: a body over a limit is a 413, anything else a 400. */
/** Whether a request's content type is a multipart form. */
export const isMultipart = (contentType: string | undefined): boolean =>
  contentType?.toLowerCase().includes("multipart/form-data") === true

/** A request URL's path, without its query. */
export const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

/**
 * The reason of a multipart failure. A limit reached while a file's content is being read arrives
 * as an "InternalError" whose cause is the parser's own `ReachedLimit` (the platform converts it
 * only when the limit is reached between parts): that is a body too large all the same, which a
 * client streaming its body without a Content-Length would otherwise see as a malformed form.
 */
const reasonOf = (error: Multipart.MultipartError): Multipart.MultipartError["reason"] => {
  const cause: unknown = error.cause
  if (error.reason !== "InternalError" || typeof cause !== "object" || cause === null) return error.reason
  if (cause instanceof Multipart.MultipartError) return reasonOf(cause)
  if (!("_tag" in cause) || cause._tag !== "ReachedLimit" || !("limit" in cause)) return error.reason
  switch (cause.limit) {
    case "MaxParts":
      return "TooManyParts"
    case "MaxFieldSize":
      return "FieldTooLarge"
    case "MaxPartSize":
      return "FileTooLarge"
    case "MaxTotalSize":
      return "BodyTooLarge"
    default:
      return error.reason
  }
}

const fromMultipartError = (error: Multipart.MultipartError): FormRefusal => {
  const reason = reasonOf(error)
  return reason === "FileTooLarge" || reason === "BodyTooLarge"
    ? refuse(413, Fallback.tooLarge.message)
    : reason === "FieldTooLarge"
    ? refuse(413, "A form field is too large")
    : reason === "TooManyParts"
    ? refuse(400, "The form has too many parts")
    : refuse(400, "The multipart/form-data body is malformed")
}

/**
 * Reads the form's parts as they arrive. A file over the limit stops being hashed or kept the
 * moment it crosses it (its remaining bytes are read and dropped, so the connection stays usable
 * and the client sees the 413); the first refusal wins.
 */
export const read = (
  parts: Stream.Stream<Multipart.Part, Multipart.MultipartError>,
  options: FormOptions
): Effect.Effect<ReceivedForm, FormRefusal> =>
  Effect.gen(function*() {
    const fields = new Map<string, Array<string>>()
    const files: Array<ReceivedFile> = []
    let refusal: FormRefusal | undefined
    yield* Stream.runForEach(parts, (part) => {
      if (part._tag === "Field") {
        const values = fields.get(part.key) ?? []
        values.push(part.value)
        fields.set(part.key, values)
        return Effect.void
      }
      const known = options.fileKeys.includes(part.key)
      if (!known && refusal === undefined) {
        refusal = refuse(400, `Unexpected file field "${part.key}": the form's files are ${options.fileKeys.join(", ")}`)
      }
      const hash = Crypto.createHash("sha256")
      const keep = known && (options.keep?.includes(part.key) ?? false)
      const chunks: Array<Uint8Array> = []
      let size = 0
      let over = false
      return Effect.map(
        Stream.runForEach(part.content, (chunk) =>
          Effect.sync(() => {
            size += chunk.length
            if (over) return
            if (options.tooLarge(size)) {
              over = true
              chunks.length = 0
              if (refusal === undefined || refusal.status !== 413) refusal = refuse(413, options.tooLargeMessage(part.key))
              return
            }
            hash.update(chunk)
            if (keep) chunks.push(chunk)
          })),
        () => {
          if (over || !known) return
          files.push({
            key: part.key,
            name: part.name,
            contentType: part.contentType,
            size,
            sha256: hash.digest("hex"),
            bytes: keep ? Buffer.concat(chunks, size) : undefined
          })
        }
      )
    }).pipe(Effect.mapError(fromMultipartError))
    if (refusal !== undefined) return yield* Effect.fail(refusal)
    return { fields, files }
  })

/** The decode problems of a request, one line each, as the JSON form's 400 says them. */
export const issuesMessage = (error: ParseResult.ParseError): string =>
  Fallback.issuesMessage(ParseResult.ArrayFormatter.formatErrorSync(error)) || "The request is not valid"

/** As the platform decodes a payload (first error, unknown properties ignored). */
const decodeGeneration = Schema.decodeUnknownEither(SyncApi.CreateGenerationRequest)

/** A Create Generation body decoded as the JSON form decodes it, or its 400 message. */
export const generationRequest = (body: unknown): Either.Either<SyncApi.CreateGenerationRequest, string> =>
  Either.mapLeft(decodeGeneration(body), issuesMessage)

/** INF: an asset's format is its file name's extension, else the subtype of its content type ("video/mp4" → "mp4"). */
export const formatOf = (name: string, contentType: string): string | null => {
  const extension = /\.([a-z0-9]{1,10})$/i.exec(name)?.[1]?.toLowerCase()
  if (extension !== undefined) return extension
  const subtype = /^[a-z]+\/([a-z0-9.+-]+)/i.exec(contentType)?.[1]?.toLowerCase()
  return subtype === undefined || subtype === "octet-stream" ? null : subtype
}
