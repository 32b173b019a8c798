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
