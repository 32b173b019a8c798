/**
 * Helpers shared by the dialects' checks.
 */
import * as Effect from "effect/Effect"
import type { Exchange } from "../Check.js"
import * as Expect from "../Expect.js"

/** Reads a list response: `{items}`, `{data}` or a bare array (the envelope is checked separately). */
export const listItems = (exchange: Exchange) => {
  const json = exchange.response.json
  const items = Array.isArray(json)
    ? json
    : Expect.isRecord(json) && Array.isArray(json["items"])
    ? json["items"]
    : Expect.isRecord(json) && Array.isArray(json["data"])
    ? json["data"]
    : undefined
  return items !== undefined && items.every(Expect.isRecord)
    ? Effect.succeed(items as ReadonlyArray<Record<string, unknown>>)
    : Expect.fail(`expected a list of objects, got ${exchange.response.body.slice(0, 200)}`, exchange)
}

/** The cursor to the next page, if any: `nextCursor` of an object body. */
export const nextCursor = (exchange: Exchange): string | undefined => {
  const json = exchange.response.json
  if (!Expect.isRecord(json)) return undefined
  const cursor = json["nextCursor"]
  return typeof cursor === "string" && cursor !== "" ? cursor : undefined
}

/** Whether values are ordered one way or the other (ties allowed). */
export const monotonic = (values: ReadonlyArray<string | number>): boolean => {
  const ascending = values.every((value, i) => i === 0 || values[i - 1]! <= value)
  const descending = values.every((value, i) => i === 0 || values[i - 1]! >= value)
  return ascending || descending
}

/** A short random token, to find what one check created among everything else. */
export const token = () => Math.random().toString(36).slice(2, 10)
