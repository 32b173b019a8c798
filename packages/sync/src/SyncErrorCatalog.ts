/**
 * sync.so's catalog of machine-readable error codes, as `GET /v2/errors` serves it
 * (https://sync.so/docs/api-reference/api/errors-api/list: "the full catalog of machine-readable
 * error codes — each with a human-readable message and a suggested fix", unauthenticated). The
 * same codes travel as `errorCode` on a coded 4xx/5xx body and on a failed generation.
 *
 * Every code the reference server sends is one of `ErrorCode` (the compiler holds the server to
 * it), and `catalog` has one entry per code, so the catalog served always covers what is sent.
 *
 * Documented codes: `project_not_found`, `asset_not_found`, `asset_forbidden`,
 * `concurrency_limit_reached` (errors-api/list; assets-api/delete), `internal_error`
 * (errors-api/list, 500), `generation_not_deletable_while_processing` (generate-api/delete).
 * INF: every other code below is our own name for an answer the reference gives no code for.
 */
import * as Schema from "effect/Schema"

/** One entry of the catalog (INF: the page names a code, a message and a suggested fix; the status is added). */
export const ErrorCatalogEntry = Schema.Struct({
  errorCode: Schema.String,
  statusCode: Schema.Number,
  message: Schema.String,
  suggestion: Schema.String
}).annotations({ identifier: "ErrorCatalogEntry" })
export type ErrorCatalogEntry = typeof ErrorCatalogEntry.Type

const entry = (statusCode: number, message: string, suggestion: string) => ({ statusCode, message, suggestion })

/** Every code, with its status, message and suggested fix. */
const entries = {
  // Refusals of a request
  invalid_request: entry(400, "The request is malformed or a field is invalid", "Fix the fields named in the message and send the request again"),
  missing_api_key: entry(401, "No API key was sent", "Send your API key in the x-api-key header"),
  invalid_api_key: entry(401, "The API key is not valid", "Check the key, or create a new one in your account settings"),
  asset_forbidden: entry(403, "You can see this asset but may not change or delete it", "Use the API key of the asset's owner"),
  not_found: entry(404, "No such route", "Check the method and the path"),
  project_not_found: entry(404, "No such project in your organization", "Check the project id; list your projects with GET /v2/projects"),
  asset_not_found: entry(404, "No such asset in your organization", "Check the asset id; list your assets with GET /v2/assets"),
  generation_not_found: entry(404, "No such generation in your organization", "Check the generation id; list your generations with GET /v2/generations"),
  generation_output_not_available: entry(404, "The generation has no output to download (yet)", "Wait until the generation has COMPLETED"),
  batch_not_found: entry(404, "No such batch in your organization", "Check the batch id; list your batches with GET /v2/batch"),
  batch_results_not_ready: entry(404, "The batch has no results until it completes", "Wait for the batch to complete (its status, or its webhook)"),
  generation_not_deletable_while_processing: entry(409, "Only a generation in a terminal state can be deleted", "Wait until the generation has COMPLETED, FAILED or been REJECTED, then delete it"),
  unsupported_media_type: entry(415, "The body's Content-Type is not one the operation accepts", "Send the body as application/json"),
  payload_too_large: entry(413, "The body or a file is larger than accepted", "Send a smaller file, or upload it as an asset first (POST /v2/assets/upload)"),
  project_reference_invalid: entry(422, "projectId does not reference a project of your organization; nothing was created", "Send the id of one of your projects, or leave projectId out"),
  rate_limit_exceeded: entry(429, "Too many requests", "Wait for the time Retry-After says, then try again"),
  concurrency_limit_reached: entry(429, "Too many generations are running at once for your plan", "Wait for a running generation to finish, then try again"),
  internal_error: entry(500, "An unexpected failure on our side", "Try again; contact support if it keeps failing"),
  // Refusals of an upload's PUT (the storage's, INF)
  upload_not_found: entry(404, "No such upload", "Request an upload URL with POST /v2/assets/upload"),
  upload_url_expired: entry(403, "The upload URL has expired", "Request a new upload URL with POST /v2/assets/upload"),
  upload_content_type_mismatch: entry(400, "The upload's Content-Type is not the one announced", "PUT with the contentType sent to POST /v2/assets/upload"),
  upload_size_mismatch: entry(400, "The upload's size is not the one announced", "PUT exactly the size sent to POST /v2/assets/upload"),
  // Failures of a generation or of a batch line (its `error_code`)
  generation_failed: entry(500, "The input media could not be processed", "Check that the inputs are reachable, valid media, and create the generation again"),
  validation_error: entry(400, "The batch line is not a valid Create Generation request", "Fix the line as the error message says"),
  invalid_project: entry(422, "The batch line's projectId does not reference a project of your organization", "Send the id of one of your projects, or leave projectId out"),
  not_processed: entry(500, "The batch line was not processed", "Submit the line again in a new batch")
} as const

/** A code the server sends. */
export type ErrorCode = keyof typeof entries

/** The catalog as `GET /v2/errors` answers it, in a stable order. */
export const catalog: ReadonlyArray<ErrorCatalogEntry> = Object.entries(entries).map(([errorCode, each]) => ({
  errorCode,
  ...each
}))

/** The entry of `code`. */
export const describe = (code: ErrorCode): ErrorCatalogEntry => ({ errorCode: code, ...entries[code] })

/** Whether `code` is in the catalog. */
export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(entries, code)
