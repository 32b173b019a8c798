/**
 * Assertions for checks: each fails with `CheckFailed`, naming what was expected and carrying the
 * exchange that showed otherwise, so the report has the request and response.
 */
import * as Effect from "effect/Effect"
import { CheckFailed, CheckSkipped, type Exchange } from "./Check.js"

export const fail = (message: string, exchange?: Exchange) => Effect.fail(new CheckFailed({ message, exchange }))

export const skip = (reason: string) => Effect.fail(new CheckSkipped({ reason }))

export const that = (condition: boolean, message: string, exchange?: Exchange): Effect.Effect<void, CheckFailed> =>
  condition ? Effect.void : fail(message, exchange)

const show = (value: unknown) => {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** The response has one of the statuses. */
export const status = (exchange: Exchange, ...expected: ReadonlyArray<number>) =>
  that(
    expected.includes(exchange.response.status),
    `${exchange.request.method} ${new URL(exchange.request.url).pathname} answered ${exchange.response.status}, expected ${
      expected.join(" or ")
    }`,
    exchange
  )

/** The response is a 2xx. */
export const ok = (exchange: Exchange) =>
  that(
    exchange.response.status >= 200 && exchange.response.status < 300,
    `${exchange.request.method} ${new URL(exchange.request.url).pathname} answered ${exchange.response.status}, expected a 2xx`,
    exchange
  )

/** The response is a 4xx (a client error, never a 500). */
export const clientError = (exchange: Exchange) =>
  that(
    exchange.response.status >= 400 && exchange.response.status < 500,
    `${exchange.request.method} ${new URL(exchange.request.url).pathname} answered ${exchange.response.status}, expected a 4xx`,
    exchange
  )

export const equal = (actual: unknown, expected: unknown, what: string, exchange?: Exchange) =>
  that(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${show(expected)}, got ${show(actual)}`,
    exchange
  )

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The JSON body as an object, or a failure. */
export const object = (exchange: Exchange): Effect.Effect<Record<string, unknown>, CheckFailed> =>
  isRecord(exchange.response.json)
    ? Effect.succeed(exchange.response.json)
    : fail(`expected a JSON object, got ${show(exchange.response.body)}`, exchange)

/** The JSON body as an array, or a failure. */
export const array = (exchange: Exchange): Effect.Effect<ReadonlyArray<unknown>, CheckFailed> =>
  Array.isArray(exchange.response.json)
    ? Effect.succeed(exchange.response.json)
    : fail(`expected a JSON array, got ${show(exchange.response.body)}`, exchange)

/** A string field of the JSON body, or a failure. */
export const string = (exchange: Exchange, field: string): Effect.Effect<string, CheckFailed> =>
  Effect.flatMap(object(exchange), (body) =>
    typeof body[field] === "string"
      ? Effect.succeed(body[field])
      : fail(`expected a string "${field}", got ${show(body[field])}`, exchange))

/** An ISO 8601 date-time, as the documents' `datetime`. */
export const isDateTime = (value: unknown): boolean =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))

/** A list field of an object body (e.g. `items`), or a failure. */
export const list = (exchange: Exchange, field: string): Effect.Effect<ReadonlyArray<Record<string, unknown>>, CheckFailed> =>
  Effect.flatMap(object(exchange), (body) => {
    const items = body[field]
    return Array.isArray(items) && items.every(isRecord)
      ? Effect.succeed(items as ReadonlyArray<Record<string, unknown>>)
      : fail(`expected "${field}" to be a list of objects, got ${show(items)}`, exchange)
  })

/** What a documented field holds. A list of strings is an enumeration of its allowed values. */
export type Kind = "string" | "boolean" | "integer" | "number" | "date-time" | "array" | "object" | ReadonlyArray<string>

/** A documented field: its kind, whether it may be left out (`optional`), whether it may be null. */
export interface FieldRule {
  readonly kind: Kind
  readonly optional?: boolean
  readonly nullable?: boolean
}

/** The documented fields of a record: a kind alone means present and not null. */
export type Shape = Readonly<Record<string, Kind | FieldRule>>

export const optional = (kind: Kind): FieldRule => ({ kind, optional: true })
export const nullable = (kind: Kind): FieldRule => ({ kind, nullable: true })

const fits = (value: unknown, kind: Kind): boolean => {
  if (typeof kind !== "string") return typeof value === "string" && kind.includes(value)
  switch (kind) {
    case "string":
      return typeof value === "string"
    case "boolean":
      return typeof value === "boolean"
    case "integer":
      return Number.isInteger(value)
    case "number":
      return typeof value === "number" && Number.isFinite(value)
    case "date-time":
      return isDateTime(value)
    case "array":
      return Array.isArray(value)
    case "object":
      return isRecord(value)
  }
}

const describe = (kind: Kind) => (typeof kind === "string" ? `a ${kind}` : `one of ${kind.join(", ")}`)

/**
 * The record has every documented field of `shape`, each of its kind; `where` names the answer
 * (e.g. "the PATCH answer") in the failure. Fields the shape does not name are not looked at.
 */
export const fields = (record: unknown, shape: Shape, where: string, exchange?: Exchange): Effect.Effect<void, CheckFailed> => {
  if (!isRecord(record)) return fail(`${where} is not a JSON object: ${show(record)}`, exchange)
  for (const [field, spec] of Object.entries(shape)) {
    const rule: FieldRule = typeof spec === "object" && !Array.isArray(spec) ? spec as FieldRule : { kind: spec as Kind }
    const value = record[field]
    if (value === undefined) {
      if (rule.optional === true) continue
      return fail(`${where} has no "${field}"`, exchange)
    }
    if (value === null) {
      if (rule.nullable === true) continue
      return fail(`${where}: "${field}" is null, expected ${describe(rule.kind)}`, exchange)
    }
    if (!fits(value, rule.kind)) return fail(`${where}: "${field}" is ${show(value)}, expected ${describe(rule.kind)}`, exchange)
  }
  return Effect.void
}

/** The record's fields have the given values (what was sent comes back). */
export const values = (
  record: unknown,
  expected: Readonly<Record<string, unknown>>,
  where: string,
  exchange?: Exchange
): Effect.Effect<void, CheckFailed> =>
  Effect.forEach(
    Object.entries(expected),
    ([field, value]) => equal(isRecord(record) ? record[field] : undefined, value, `${where}: "${field}"`, exchange),
    { discard: true }
  )
