/**
 * Pages, page sizes, opaque keyset cursors and the helpers that turn pages into a `Stream`.
 *
 * Keyset pagination: a cursor names the last item a page returned by its sort value and id, and the
 * next page starts strictly after it. Unlike an offset, that position survives inserts and deletes
 * made between two pages: no surviving item is skipped or returned twice.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { compareText, keyedHash } from "./internal/text.js"
import { Validation } from "./ProjectsError.js"

/** The keys a project list can be sorted by. */
export const SortKey = Schema.Literal("name", "createdAt", "updatedAt")
export type SortKey = typeof SortKey.Type

export const Direction = Schema.Literal("asc", "desc")
export type Direction = typeof Direction.Type

/** A list request. Without `sortBy` the implementation's default order applies (see `Capabilities`). */
export class ListQuery extends Schema.Class<ListQuery>("@projectkit/core/ListQuery")({
  /** Keeps projects whose name contains this text, case-insensitively. */
  search: Schema.optionalWith(Schema.String, { exact: true }),
  sortBy: Schema.optionalWith(SortKey, { exact: true }),
  direction: Schema.optionalWith(Direction, { exact: true }),
  limit: Schema.optionalWith(Schema.Number, { exact: true }),
  cursor: Schema.optionalWith(Schema.String, { exact: true })
}) {}

/** The fields of a `ListQuery` that `list` (which walks every page itself) takes. */
export type StreamQuery = Omit<ListQuery, "cursor" | "limit"> & { readonly pageSize?: number }

/** One page. `nextCursor` is absent on the last page. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: Option.Option<string>
}

/** How many items one page may hold. */
export interface PageSizeBounds {
  readonly default: number
  readonly max: number
}

export const defaultPageSizeBounds: PageSizeBounds = { default: 20, max: 100 }

/** The page size to use: the default when none is asked for; a Validation error when out of bounds. */
export const resolvePageSize = (
  limit: number | undefined,
  bounds: PageSizeBounds = defaultPageSizeBounds
): Either.Either<number, Validation> => {
  if (limit === undefined) return Either.right(bounds.default)
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.max) {
    return Either.left(Validation.single(["limit"], `must be an integer from 1 to ${bounds.max}, got ${limit}`))
  }
  return Either.right(limit)
}

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------

/** Where the previous page ended: the sort value and the id of its last item. */
export interface CursorPosition {
  readonly value: string | number
  readonly id: string
}

/**
 * Encodes and decodes opaque cursors bound to a `scope`: everything that must be the same for the
 * cursor to mean anything (tenant, collection, search text, sort key and direction). A cursor that
 * is malformed, edited, or made for another scope decodes to a `Validation` error.
 *
 * The check is a keyed 53-bit hash, which detects accidental and casual tampering; it is not a
 * security boundary, nor does it need to be: every query is still confined to the caller's tenant.
 */
export interface CursorCodec {
  readonly encode: (scope: string, position: CursorPosition) => string
  readonly decode: (scope: string, cursor: string) => Either.Either<CursorPosition, Validation>
}

const CURSOR_VERSION = 1

const CursorPayload = Schema.parseJson(
  Schema.Tuple(Schema.Literal(CURSOR_VERSION), Schema.Union(Schema.String, Schema.Number), Schema.String)
)
const decodePayload = Schema.decodeUnknownEither(CursorPayload)
const encodePayload = Schema.encodeSync(CursorPayload)

const invalidCursor = (why: string) => Validation.single(["cursor"], `invalid cursor: ${why}`)

export const makeCursorCodec = (secret: string): CursorCodec => {
  const sign = (scope: string, payload: string) => keyedHash(`${secret}\u0000${scope}\u0000${payload}`)
  return {
    encode: (scope, position) => {
      const payload = Encoding.encodeBase64Url(encodePayload([CURSOR_VERSION, position.value, position.id]))
      return `${payload}.${sign(scope, payload)}`
    },
    decode: (scope, cursor) => {
      const dot = cursor.indexOf(".")
      if (dot <= 0 || dot !== cursor.lastIndexOf(".")) return Either.left(invalidCursor("malformed"))
      const payload = cursor.slice(0, dot)
      if (cursor.slice(dot + 1) !== sign(scope, payload)) {
        return Either.left(invalidCursor("it was altered, or was made for another list"))
      }
      return Encoding.decodeBase64UrlString(payload).pipe(
        Either.mapLeft(() => invalidCursor("malformed")),
        Either.flatMap((json) => Either.mapLeft(decodePayload(json), () => invalidCursor("malformed"))),
        Either.map(([, value, id]) => ({ value, id }))
      )
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keyset order
// ---------------------------------------------------------------------------------------------

/** Compares sort values: numbers numerically, text by code point (the order of SQL's binary collation). */
export const compareValues = (a: string | number, b: string | number): number =>
  typeof a === "number" && typeof b === "number" ? a - b : compareText(String(a), String(b))

/** Compares two (sort value, id) positions in `direction`; ids break ties, in the same direction. */
export const comparePositions = (direction: Direction) => (a: CursorPosition, b: CursorPosition): number => {
  const order = compareValues(a.value, b.value) || compareText(a.id, b.id)
  return direction === "asc" ? order : -order
}

/**
 * One keyset page of an in-memory collection: sorted by (value, id) in `direction`, starting
 * strictly after `after`. For implementations that hold the whole list (an in-memory store, an
 * adapter that emulates paging exactly over a provider's unpaged list).
 */
export const keysetPage = <A>(
  items: Iterable<A>,
  options: {
    readonly position: (item: A) => CursorPosition
    readonly direction: Direction
    readonly limit: number
    readonly after: Option.Option<CursorPosition>
  }
): { readonly items: ReadonlyArray<A>; readonly last: Option.Option<CursorPosition>; readonly hasMore: boolean } => {
  const compare = comparePositions(options.direction)
  const positioned: Array<readonly [CursorPosition, A]> = []
  for (const item of items) {
    const position = options.position(item)
    if (Option.isNone(options.after) || compare(position, options.after.value) > 0) positioned.push([position, item])
  }
  positioned.sort(([a], [b]) => compare(a, b))
  const page = positioned.slice(0, options.limit)
  const lastEntry = page[page.length - 1]
  return {
    items: page.map(([, item]) => item),
    last: lastEntry === undefined ? Option.none() : Option.some(lastEntry[0]),
    hasMore: positioned.length > options.limit
  }
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

/**
 * Every item of every page, fetching the next page only when the stream is pulled past the current
 * one, so memory stays bounded by one page however long the list.
 */
export const stream = <A, E, R>(
  fetchPage: (cursor: Option.Option<string>) => Effect.Effect<Page<A>, E, R>
): Stream.Stream<A, E, R> =>
  Stream.paginateChunkEffect(Option.none<string>(), (cursor) =>
    Effect.map(fetchPage(cursor), (page) =>
      [Chunk.fromIterable(page.items), Option.map(page.nextCursor, Option.some)] as const))

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

/**
 * The form of a name that search compares: lower-cased by JavaScript's full Unicode rules. Stores
 * keep it beside the name (SQL `lower()` folds ASCII only) so every backend matches alike.
 */
export const searchKey = (text: string): string => text.toLowerCase()

/** Whether `name` matches the search text: a case-insensitive substring; empty text matches all. */
export const matchesSearch = (name: string, search: string | undefined): boolean =>
  search === undefined || search === "" || searchKey(name).includes(searchKey(search))
