/**
 * What sync.so's multipart requests (Create Generation with Files, Create Batch) have in common:
 * reading the form as it streams in — fields kept, files measured and hashed chunk by chunk and
 * their size limit enforced as they arrive, never buffered whole unless asked (a batch's JSON
 * Lines file, 5 MB at most) — and turning a generation request that does not decode into the
 * same 400 message the JSON form gets.
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { SyncApi } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as MP from "multipasta"
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
  /** The most bytes the whole body may have (a 413 past it), besides the server's own body limit. */
  readonly maxBodyBytes?: number | undefined
}

const refuse = (status: 400 | 413, message: string): FormRefusal => ({ status, message })

/** Whether a request's content type is a multipart form. */
export const isMultipart = (contentType: string | undefined): boolean =>
  contentType?.toLowerCase().includes("multipart/form-data") === true

/** A request URL's path, without its query. */
export const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

const malformed = (detail: string): FormRefusal => refuse(400, `The multipart/form-data body is malformed: ${detail}`)

/** A parser failure as sync.so answers it: a body or part over a limit is a 413, anything else a 400. */
const fromParserError = (error: MP.MultipartError): FormRefusal => {
  switch (error._tag) {
    case "InvalidBoundary":
      return malformed("the Content-Type has no boundary")
    case "BadHeaders":
      return malformed("a part's headers are invalid or too large")
    case "InvalidDisposition":
      return malformed("a part's Content-Disposition has no name")
    case "EndNotReached":
      return malformed("the body ends before its closing boundary")
    case "ReachedLimit":
      return error.limit === "MaxParts"
        ? refuse(400, "The form has too many parts")
        : error.limit === "MaxFieldSize"
        ? refuse(413, "A form field is too large")
        : refuse(413, Fallback.tooLarge.message)
  }
}

/** The longest boundary RFC 2046 §5.1.1 allows. */
const maxBoundaryLength = 70

/**
 * Why the boundary of `contentType` is unusable, if it is: the parser accepts any boundary, but an
 * empty or overlong one cannot delimit a body (RFC 2046 §5.1.1), so it is refused before parsing.
 */
const boundaryProblem = (contentType: string): FormRefusal | undefined => {
  const boundary = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(contentType)
  const value = boundary?.[1] ?? boundary?.[2]
  if (value === undefined || value === "") return malformed("the Content-Type has no boundary")
  if (value.length > maxBoundaryLength) return malformed(`the boundary is longer than ${maxBoundaryLength} characters`)
  return undefined
}

/** The body stream's own failure: past the server's body limit a 413, a body cut off a 400. */
const fromBodyError = (error: unknown): FormRefusal =>
  Predicate.hasProperty(error, "cause") && error.cause instanceof Error && error.cause.message === "maxBytes exceeded"
    ? refuse(413, Fallback.tooLarge.message)
    : malformed("the body could not be read to its end")

/**
 * Reads the request's form as its body streams in, driving multipasta's parser directly: every
 * failure of the parser (no or bad boundary, bad part headers, a body cut short, a limit) is a
 * value here, never an event nobody listens to (the platform's Node stream throws on an
 * `InvalidBoundary` and waits forever on a body cut short inside a small file). A file over the
 * limit stops being hashed or kept the moment it crosses it; the rest of the body is read and
 * dropped, so the connection stays usable and the client sees the refusal; the first refusal wins.
 */
export const read = (
  request: HttpServerRequest.HttpServerRequest,
  options: FormOptions
): Effect.Effect<ReceivedForm, FormRefusal> =>
  Effect.suspend(() => {
    const contentType = request.headers["content-type"] ?? ""
    const badBoundary = boundaryProblem(contentType)
    const fields = new Map<string, Array<string>>()
    const files: Array<ReceivedFile> = []
    let refusal: FormRefusal | undefined = badBoundary
    let done = false
    const fail = (next: FormRefusal) => {
      if (refusal === undefined || (next.status === 413 && refusal.status !== 413)) refusal = next
    }
    const parser = badBoundary !== undefined ? undefined : MP.make({
      headers: { "content-type": contentType },
      maxParts: maxFormParts,
      maxTotalSize: options.maxBodyBytes,
      onField: (info, value) => {
        const values = fields.get(info.name) ?? []
        values.push(MP.decodeField(info, value))
        fields.set(info.name, values)
      },
      onFile: (info) => {
        const known = options.fileKeys.includes(info.name)
        if (!known) fail(refuse(400, `Unexpected file field "${info.name}": the form's files are ${options.fileKeys.join(", ")}`))
        const hash = Crypto.createHash("sha256")
        const keep = known && (options.keep?.includes(info.name) ?? false)
        const chunks: Array<Uint8Array> = []
        let size = 0
        let over = false
        return (chunk) => {
          if (chunk !== null) {
            size += chunk.length
            if (over) return
            if (options.tooLarge(size)) {
              over = true
              chunks.length = 0
              fail(refuse(413, options.tooLargeMessage(info.name)))
              return
            }
            hash.update(chunk)
            if (keep) chunks.push(chunk)
            return
          }
          if (over || !known) return
          files.push({
            key: info.name,
            name: info.filename ?? info.name,
            contentType: info.contentType,
            size,
            sha256: hash.digest("hex"),
            bytes: keep ? Buffer.concat(chunks, size) : undefined
          })
        }
      },
      onError: (error) => fail(fromParserError(error)),
      onDone: () => {
        done = true
      }
    })
    return Stream.runForEach(request.stream, (chunk) =>
      Effect.sync(() => {
        // After a refusal the rest of the body is read and dropped, not parsed.
        if (parser !== undefined && refusal === undefined && !done) parser.write(chunk)
      })).pipe(
        Effect.mapError(fromBodyError),
        Effect.flatMap(() => {
          if (parser !== undefined && refusal === undefined && !done) parser.end()
          // The parser says nothing of a body that ends between a part's headers and its content.
          if (refusal === undefined && !done) fail(malformed("the body ends before its closing boundary"))
          return refusal === undefined ? Effect.succeed<ReceivedForm>({ fields, files }) : Effect.fail(refusal)
        })
      )
  })

/** The most parts a form may have: sync.so's forms have a handful of fields and files. */
const maxFormParts = 100

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
