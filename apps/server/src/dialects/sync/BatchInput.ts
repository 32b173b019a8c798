/**
 * A batch's input file, read and checked (https://sync.so/docs/api-reference/api/batch-api/create,
 * https://sync.so/docs/api-reference/guides/batch-processing): JSON Lines, each line
 * `{"request_id", "endpoint": "/v2/generate", "payload"}`, 20 to 500 of them.
 *
 * Two kinds of fault (wire decisions of issue 18): a file that is not such a list — not UTF-8, a
 * line that is not JSON or lacks its fields, a repeated `request_id`, too few or too many lines —
 * refuses the whole request with 400 naming the first offending line; a payload the Generate API
 * would refuse (400, or 422 for a projectId not the caller's) fails that line only (INF: the
 * documents count successes and failures per generation).
 */
import { InvalidReference } from "@projectkit/core/ProjectsError"
import { SyncApi, SyncErrors } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import type { BatchLineInput } from "./SyncBatchStore.js"
import * as SyncForms from "./SyncForms.js"

/** One line of the file that has the shape of a batch line; its payload not yet checked. */
export interface RawLine {
  readonly line: number
  readonly requestId: string
  readonly payload: unknown
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The file's lines, or the 400 message of the first thing wrong with it. Blank lines are skipped, not counted. */
export const parse = (bytes: Uint8Array): Either.Either<ReadonlyArray<RawLine>, string> => {
  let text: string
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return Either.left("input: the file is not UTF-8 text")
  }
  const lines: Array<RawLine> = []
  const seen = new Map<string, number>()
  const rows = text.split("\n")
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!.trim()
    if (row === "") continue
    const number = index + 1
    if (lines.length >= SyncApi.maxBatchLines) {
      return Either.left(
        `input: more than ${SyncApi.maxBatchLines} requests (line ${number}): "Maximum requests per batch: ${SyncApi.maxBatchLines}"`
      )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(row)
    } catch {
      return Either.left(`input line ${number}: not valid JSON`)
    }
    if (!isObject(parsed)) return Either.left(`input line ${number}: a line must be a JSON object`)
    const requestId = parsed["request_id"]
    if (typeof requestId !== "string" || requestId === "") {
      return Either.left(`input line ${number}: request_id must be a non-empty string`)
    }
    if (parsed["endpoint"] !== "/v2/generate") {
      return Either.left(`input line ${number}: endpoint must be "/v2/generate"`)
    }
    if (!isObject(parsed["payload"])) return Either.left(`input line ${number}: payload must be a JSON object`)
    const first = seen.get(requestId)
    if (first !== undefined) {
      return Either.left(`input line ${number}: request_id ${JSON.stringify(requestId)} is already used on line ${first}`)
    }
    seen.set(requestId, number)
    lines.push({ line: number, requestId, payload: parsed["payload"] })
  }
  if (lines.length === 0) return Either.left("input: the file is empty: send one JSON object per line")
  if (lines.length < SyncApi.minBatchLines) {
    return Either.left(
      `input: ${lines.length} requests: at least ${SyncApi.minBatchLines} are required ("Minimum ${SyncApi.minBatchLines} records required")`
    )
  }
  return Either.right(lines)
}

/** The message of the 422 the Generate API answers for a projectId that is not the caller's. */
export const invalidProject = (id: string): string => {
  const wire = SyncErrors.table.fromCore(new InvalidReference({ field: "projectId", id }))
  return typeof wire.message === "string" ? wire.message : wire.message.join("; ")
}

/**
 * Each line as the store keeps it: its payload checked as the Generate API checks one (same
 * decoder; projectId one of the caller's projects, looked up once per id), a refused one carrying
 * its error.
 */
export const check = <E, R>(
  lines: ReadonlyArray<RawLine>,
  projectExists: (id: string) => Effect.Effect<Option.Option<unknown>, E, R>
): Effect.Effect<ReadonlyArray<BatchLineInput>, E, R> =>
  Effect.gen(function*() {
    const known = new Map<string, boolean>()
    const checked: Array<BatchLineInput> = []
    for (const line of lines) {
      const decoded = SyncForms.generationRequest(line.payload)
      if (Either.isLeft(decoded)) {
        checked.push({
          line: line.line,
          requestId: line.requestId,
          payload: JSON.stringify(line.payload),
          error: { message: decoded.left, code: "validation_error" }
        })
        continue
      }
      const projectId = decoded.right.projectId
      if (projectId !== undefined && projectId !== null) {
        if (!known.has(projectId)) known.set(projectId, (yield* projectExists(projectId))._tag === "Some")
        if (known.get(projectId) === false) {
          checked.push({
            line: line.line,
            requestId: line.requestId,
            payload: JSON.stringify(decoded.right),
            error: { message: invalidProject(projectId), code: "invalid_project" }
          })
          continue
        }
      }
      checked.push({ line: line.line, requestId: line.requestId, payload: JSON.stringify(decoded.right) })
    }
    return checked
  })
