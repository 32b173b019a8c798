/**
 * Replaying recorded traffic against a server: each recorded request is sent again, in order, to
 * the server under test — its host replaced by the dialect's base URL, its credential by the one
 * configured — and each answer is scored against the recorded one:
 * - the status must be the same;
 * - the body must have the same shape: the same keys with the same JSON types, arrays compared by
 *   their items (a list of three projects and a list of five have one shape);
 * - differences of value (timestamps, generated names) are listed apart and fail nothing.
 * Ids differ from server to server: the ids the recording saw are learned from each answer beside
 * the recorded one (a field named `id`, `…Id` or `…_id` holding another string) and replaced in
 * every later request, so a project created in exchange 3 is the one exchange 7 reads.
 *
 * Each exchange is one result of the run's report (`REPLAY-0007`), so the JSON, JUnit and HTML
 * reports, the summary and the exit codes are those of `run`.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Dialect, Exchange } from "./Check.js"
import type * as Registration from "./Dialect.js"
import type { RecordedExchange } from "./Recording.js"
import * as Report from "./Report.js"
import type * as Runner from "./Runner.js"

export interface ReplayConfig {
  /** The recording's file name, as the report cites it. */
  readonly recording: string
  readonly exchanges: ReadonlyArray<RecordedExchange>
  readonly registered: ReadonlyArray<Registration.Dialect>
  /** Each dialect's base URL and credentials, as for `run`. */
  readonly targets: Readonly<Partial<Record<Dialect, Runner.DialectConfig>>>
  /**
   * The dialect of exchanges whose recording does not tell (a provider's own URL, say
   * `https://api.sanity.io/v2021-06-07/projects`): their path is then taken whole.
   */
  readonly dialect?: string | undefined
  /**
   * Only these exchanges are scored (`--replay-failures`); those before them are still sent,
   * unscored, as the state and ids they create are what the failed ones depend on.
   */
  readonly only?: ReadonlySet<number> | undefined
  readonly requestTimeoutMs?: number | undefined
}

/** The id a report gives exchange `index` of a recording. */
export const checkId = (index: number) => `REPLAY-${String(index).padStart(4, "0")}`

/** The exchange index of a replay check id, if it is one. */
export const indexOf = (id: string): number | undefined => {
  const match = /^REPLAY-(\d+)$/.exec(id)
  return match === null ? undefined : Number(match[1])
}

/** Headers never replayed as recorded: set by the client for this connection, or a request id the recording's server issued. */
const notReplayed = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "accept-encoding",
  "x-request-id",
  "cookie"
])

const idField = /(^id$|^_id$|Id$|_id$)/

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const typeOf = (value: unknown) => value === null ? "null" : Array.isArray(value) ? "array" : typeof value

/**
 * Learns, from a recorded answer and the server's, which id the server gave each id the recording
 * saw: the string values of id fields at the same place in both.
 */
export const learnIds = (recorded: unknown, actual: unknown, ids: Map<string, string>, key = ""): void => {
  if (typeof recorded === "string" && typeof actual === "string") {
    if (recorded !== actual && recorded !== "" && idField.test(key) && !ids.has(recorded)) ids.set(recorded, actual)
    return
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(recorded.length, actual.length); i++) learnIds(recorded[i], actual[i], ids, key)
    return
  }
  if (typeOf(recorded) === "object" && typeOf(actual) === "object") {
    const recordedObject = recorded as Record<string, unknown>
    const actualObject = actual as Record<string, unknown>
    for (const name of Object.keys(recordedObject)) {
      if (name in actualObject) learnIds(recordedObject[name], actualObject[name], ids, name)
    }
  }
}

/**
 * The ids learned so far and how to rewrite text with them: the longest first (one id may contain
 * another), sorted again only when one was added (a replay rewrites three texts per exchange).
 */
export const makeIds = () => {
  const ids = new Map<string, string>()
  let sorted: Array<[string, string]> = []
  return {
    ids,
    rewrite: (text: string): string => {
      if (ids.size === 0 || text === "") return text
      if (sorted.length !== ids.size) sorted = [...ids].sort((a, b) => b[0].length - a[0].length)
      let out = text
      for (const [from, to] of sorted) {
        if (out.includes(from)) out = out.split(from).join(to)
      }
      return out
    }
  }
}

export interface Differences {
  /** Where the answer's shape is not the recorded one (a key missing or added, another JSON type). */
  readonly shape: Array<string>
  /** Where only a value differs. */
  readonly values: Array<string>
}

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** The shape and value differences between a recorded JSON body and the server's. */
export const compare = (recorded: unknown, actual: unknown, at = "$", found: Differences = { shape: [], values: [] }): Differences => {
  const recordedType = typeOf(recorded)
  const actualType = typeOf(actual)
  if (recordedType !== actualType) {
    found.shape.push(`${at}: recorded ${recordedType}, got ${actualType}`)
  } else if (recordedType === "array") {
    const recordedItems = recorded as ReadonlyArray<unknown>
    const actualItems = actual as ReadonlyArray<unknown>
    if (recordedItems.length !== actualItems.length) {
      found.values.push(`${at}: recorded ${recordedItems.length} items, got ${actualItems.length}`)
    }
    // By their items: each item against the recorded one at its place, or the last recorded one.
    if (recordedItems.length > 0) {
      actualItems.forEach((item, i) => compare(recordedItems[Math.min(i, recordedItems.length - 1)], item, `${at}[${i}]`, found))
    }
  } else if (recordedType === "object") {
    const recordedObject = recorded as Record<string, unknown>
    const actualObject = actual as Record<string, unknown>
    for (const key of Object.keys(recordedObject)) {
      if (!(key in actualObject)) found.shape.push(`${at}.${key}: recorded, missing`)
      else compare(recordedObject[key], actualObject[key], `${at}.${key}`, found)
    }
    for (const key of Object.keys(actualObject)) {
      if (!(key in recordedObject)) found.shape.push(`${at}.${key}: not recorded, present`)
    }
  } else if (recorded !== actual) {
    found.values.push(`${at}: recorded ${show(recorded)}, got ${show(actual)}`)
  }
  return found
}

const parseJson = (text: string): Option.Option<Json> => {
  if (text.trim() === "") return Option.none()
  try {
    return Option.some(JSON.parse(text) as Json)
  } catch {
    return Option.none()
  }
}

/** Where an exchange goes: its dialect, and its path and query under the dialect's base URL. */
const routeOf = (
  exchange: RecordedExchange,
  config: ReplayConfig
): { readonly dialect: Registration.Dialect; readonly pathAndQuery: string } | string => {
  let url: URL
  try {
    url = new URL(exchange.url)
  } catch {
    return `its URL ${exchange.url} is not a URL`
  }
  const pathAndQuery = `${url.pathname}${url.search}`
  const byName = (name: string | undefined) => config.registered.find((dialect) => dialect.name === name)
  // A projectkit server's dialect is named by the recording, or by the first segment of its path.
  const named = byName(exchange.dialect) ?? byName(url.pathname.split("/")[1])
  if (named !== undefined && url.pathname.startsWith(`/${named.name}/`)) {
    return { dialect: named, pathAndQuery: pathAndQuery.slice(named.name.length + 1) }
  }
  const given = byName(config.dialect)
  if (given !== undefined) return { dialect: given, pathAndQuery }
  return `its dialect cannot be told from ${exchange.url}: give --dialect`
}

const headersOf = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

/** Replays the recording and scores each exchange; the report is `run`'s. */
export const replay = (config: ReplayConfig): Effect.Effect<Report.Report> =>
  Effect.gen(function*() {
    const startedAt = new Date()
    const { ids, rewrite } = makeIds()
    const results: Array<Report.CheckResult> = []
    const seen = new Set<Dialect>()
    const traffic: Array<Report.TrafficLine> = []
    const last = config.only === undefined ? Infinity : Math.max(0, ...config.only)
    for (const recorded of config.exchanges) {
      if (recorded.index > last) break
      const scored = config.only === undefined || config.only.has(recorded.index)
      const started = performance.now()
      const route = routeOf(recorded, config)
      const base = {
        id: checkId(recorded.index),
        title: `${recorded.method} ${recorded.url.replace(/^[a-z]+:\/\/[^/]+/i, "")}`,
        profile: "core" as const,
        source: {
          document: config.recording,
          sentence: `Exchange ${recorded.index} of the recording: ${recorded.method} ${recorded.url} was answered ${recorded.response.status}.`
        }
      }
      if (typeof route === "string") {
        if (scored) {
          results.push({ ...base, dialect: config.dialect ?? "unknown", status: "error", durationMs: 0, message: `exchange ${recorded.index}: ${route}` })
        }
        continue
      }
      const dialect = route.dialect
      seen.add(dialect.name)
      const target = config.targets[dialect.name]
      const credential = target === undefined ? Option.none() : target.credentials.primary
      if (Option.isNone(credential)) {
        const option = dialect.credentials.find((each) => each.credential === "primary")
        if (scored) {
          results.push({
            ...base,
            dialect: dialect.name,
            status: "skipped",
            durationMs: 0,
            reason: `no credential for ${dialect.name}`,
            ...(option === undefined ? {} : { unconfigured: `--${option.flag}` })
          })
        }
        continue
      }
      const authentication = dialect.authenticate(credential.value)
      const replaced = new Set([...notReplayed, ...Object.keys(authentication).map((name) => name.toLowerCase())])
      const headers: Record<string, string> = {}
      for (const [name, value] of recorded.headers) {
        if (!replaced.has(name.toLowerCase()) && !name.startsWith(":")) headers[name.toLowerCase()] = rewrite(value)
      }
      Object.assign(headers, authentication)
      const url = `${target!.baseUrl.replace(/\/+$/, "")}${rewrite(route.pathAndQuery)}`
      const body = recorded.body === undefined || recorded.method === "GET" || recorded.method === "HEAD"
        ? undefined
        : rewrite(recorded.body)
      const answer = yield* Effect.tryPromise(async () => {
        const response = await fetch(url, {
          method: recorded.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(config.requestTimeoutMs ?? 15_000)
        })
        return { status: response.status, headers: headersOf(response.headers), body: await response.text() }
      }).pipe(Effect.either)
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000
      if (answer._tag === "Left") {
        if (scored) {
          const cause = answer.left.error
          results.push({
            ...base,
            dialect: dialect.name,
            status: "error",
            durationMs,
            message: `exchange ${recorded.index}: ${recorded.method} ${url} could not be sent: ${cause instanceof Error ? cause.message : String(cause)}`
          })
        }
        continue
      }
      const actual = answer.right
      traffic.push({ dialect: dialect.name, method: recorded.method, url, status: actual.status })
      const recordedJson = parseJson(recorded.response.body)
      const actualJson = parseJson(actual.body)
      if (Option.isSome(recordedJson) && Option.isSome(actualJson)) learnIds(recordedJson.value, actualJson.value, ids)
      if (!scored) continue
      const exchange: Exchange = {
        request: { method: recorded.method, url, headers, ...(body === undefined ? {} : { body }) },
        response: {
          status: actual.status,
          headers: actual.headers,
          body: actual.body,
          json: Option.getOrUndefined(actualJson)
        },
        durationMs
      }
      const failures: Array<string> = []
      if (actual.status !== recorded.response.status) {
        failures.push(`status ${actual.status}, recorded ${recorded.response.status}`)
      }
      let differences: Differences = { shape: [], values: [] }
      if (Option.isSome(recordedJson)) {
        // The recorded answer with its ids the server's: what is left differing is really different.
        const expected = parseJson(rewrite(recorded.response.body))
        if (Option.isNone(actualJson)) failures.push("the answer is not JSON, the recorded one was")
        else differences = compare(Option.getOrElse(expected, () => recordedJson.value), actualJson.value)
      } else if (recorded.response.body.trim() !== actual.body.trim()) {
        differences.values.push(`body: recorded ${show(recorded.response.body)}, got ${show(actual.body)}`)
      }
      if (differences.shape.length > 0) {
        failures.push(`body shape differs: ${differences.shape.slice(0, 10).join("; ")}${differences.shape.length > 10 ? "; ..." : ""}`)
      }
      results.push({
        ...base,
        dialect: dialect.name,
        status: failures.length === 0 ? "passed" : "failed",
        durationMs,
        ...(failures.length === 0 ? {} : {
          message: `exchange ${recorded.index} (${recorded.method} ${recorded.url}): ${failures.join("; ")}`,
          exchange
        }),
        ...(differences.values.length === 0 ? {} : { valueDifferences: differences.values.slice(0, 50) })
      })
    }
    const targets = Object.fromEntries(
      Object.entries(config.targets).map(([name, target]) => [name, { baseUrl: target?.baseUrl }])
    )
    return Report.make({
      startedAt,
      dialects: config.registered.map((dialect) => dialect.name).filter((name) => seen.has(name)),
      profile: "core",
      filter: config.only === undefined ? [] : [...config.only].map(checkId),
      prefix: "",
      targets: { ...targets, recording: config.recording },
      results,
      traffic,
      cleanupProblems: [],
      secrets: Object.values(config.targets).flatMap((target) =>
        target === undefined
          ? []
          : Object.values(target.credentials).flatMap((value: Option.Option<string> | undefined) =>
            value !== undefined && Option.isSome(value) ? [value.value] : []
          )
      )
    })
  })
