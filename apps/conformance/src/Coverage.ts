/**
 * Which operations of each dialect a run exercised, and with which statuses, beside the statuses
 * each operation documents. The suite does not import the providers' contracts (so that a mistake
 * shared by contract and server still shows), so the operations come from the server under test
 * at run time: its OpenAPI document at `<dialect base URL>/openapi.json`, which the reference server
 * serves and most third-party servers can. A server without one still gets a table: the operations
 * its traffic shows, with "not documented" for what the run could not learn.
 */
import * as Effect from "effect/Effect"
import type { Dialect } from "./Check.js"
import type { TrafficLine } from "./Report.js"

/** One operation of a dialect's contract and what the run saw of it. */
export interface OperationCoverage {
  readonly method: string
  /** The path template, e.g. `/v2/projects/{id}`. */
  readonly path: string
  /** The statuses the document declares (empty when there is no document). */
  readonly documented: ReadonlyArray<string>
  /** How many requests of the run it answered. */
  readonly requests: number
  /** The statuses it answered, each once, in order. */
  readonly seen: ReadonlyArray<number>
}

export interface DialectCoverage {
  readonly dialect: Dialect
  /** Where the operations were read, or why they could not be. */
  readonly source: string
  readonly operations: ReadonlyArray<OperationCoverage>
  /** Requests that matched no documented operation (wrong paths, or the document is missing). */
  readonly unmatched: number
}

const methods = ["get", "put", "post", "delete", "patch", "head", "options"]

interface Operation {
  readonly method: string
  readonly path: string
  readonly documented: ReadonlyArray<string>
  readonly pattern: RegExp
}

/** The operations an OpenAPI document declares, each with a pattern its request paths match. */
export const operationsOf = (document: unknown): ReadonlyArray<Operation> => {
  if (typeof document !== "object" || document === null || !("paths" in document)) return []
  const paths = document.paths
  if (typeof paths !== "object" || paths === null) return []
  return Object.entries(paths as Record<string, unknown>).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = typeof item === "object" && item !== null ? (item as Record<string, unknown>)[method] : undefined
      if (typeof operation !== "object" || operation === null) return []
      const responses = (operation as { responses?: unknown }).responses
      const escaped = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")
      return [{
        method: method.toUpperCase(),
        path,
        documented: typeof responses === "object" && responses !== null ? Object.keys(responses) : [],
        pattern: new RegExp(`^${escaped}/?$`)
      }]
    })
  )
}

/** The coverage of one dialect from its operations and the run's requests under `baseUrl`. */
export const coverageOf = (
  dialect: Dialect,
  baseUrl: string,
  operations: ReadonlyArray<Operation>,
  source: string,
  traffic: ReadonlyArray<TrafficLine>
): DialectCoverage => {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "")
  const counts = operations.map(() => ({ requests: 0, seen: new Set<number>() }))
  const unknown = new Map<string, { requests: number; seen: Set<number> }>()
  let unmatched = 0
  for (const line of traffic) {
    if (line.dialect !== dialect) continue
    let path: string
    try {
      path = new URL(line.url).pathname
    } catch {
      continue
    }
    if (path.startsWith(basePath)) path = path.slice(basePath.length) || "/"
    const index = operations.findIndex((operation) => operation.method === line.method && operation.pattern.test(path))
    if (index === -1) {
      unmatched++
      if (operations.length === 0) {
        const key = `${line.method} ${path}`
        const entry = unknown.get(key) ?? { requests: 0, seen: new Set<number>() }
        entry.requests++
        entry.seen.add(line.status)
        unknown.set(key, entry)
      }
      continue
    }
    counts[index]!.requests++
    counts[index]!.seen.add(line.status)
  }
  return {
    dialect,
    source,
    operations: [
      ...operations.map((operation, i) => ({
        method: operation.method,
        path: operation.path,
        documented: operation.documented,
        requests: counts[i]!.requests,
        seen: [...counts[i]!.seen].sort()
      })),
      ...[...unknown].map(([key, entry]) => ({
        method: key.split(" ")[0]!,
        path: key.slice(key.indexOf(" ") + 1),
        documented: [],
        requests: entry.requests,
        seen: [...entry.seen].sort()
      }))
    ],
    unmatched: operations.length === 0 ? 0 : unmatched
  }
}

/** Each dialect's coverage, its operations read from `<baseUrl>/openapi.json` on the server. */
export const measure = (
  targets: ReadonlyArray<{ readonly dialect: Dialect; readonly baseUrl: string }>,
  traffic: ReadonlyArray<TrafficLine>,
  timeoutMs = 15_000
): Effect.Effect<ReadonlyArray<DialectCoverage>> =>
  Effect.forEach(targets, ({ baseUrl, dialect }) => {
    const documentUrl = `${baseUrl.replace(/\/+$/, "")}/openapi.json`
    return Effect.tryPromise(async () => {
      const response = await fetch(documentUrl, { signal: AbortSignal.timeout(timeoutMs) })
      if (!response.ok) throw new Error(`${documentUrl} answered ${response.status}`)
      return await response.json() as unknown
    }).pipe(
      Effect.map((document) => coverageOf(dialect, baseUrl, operationsOf(document), documentUrl, traffic)),
      Effect.orElseSucceed(() =>
        coverageOf(dialect, baseUrl, [], `no OpenAPI document at ${documentUrl}: the operations the run used`, traffic)
      )
    )
  })
