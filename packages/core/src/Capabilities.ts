/**
 * What an implementation of `Projects` can do. A feature is `native` (the provider does it),
 * `emulated` (the adapter does it exactly, e.g. sorting the provider's complete list), or
 * `unsupported` — then asking for it fails with `Unsupported` instead of a silently wrong answer.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Direction, type ListQuery, SortKey } from "./Pagination.js"
import type { CreateProject, ProjectPatch } from "./Project.js"
import { Unsupported } from "./ProjectsError.js"

export const Support = Schema.Literal("native", "emulated", "unsupported")
export type Support = typeof Support.Type

export class Capabilities extends Schema.Class<Capabilities>("@projectkit/core/Capabilities")({
  provider: Schema.String,
  /** Case-insensitive search by name. */
  search: Support,
  /** Each sort key, in each direction. */
  sort: Schema.Record({ key: SortKey, value: Schema.Record({ key: Direction, value: Support }) }),
  /** The order of a list that names no sort key. */
  defaultSort: Schema.Struct({ sortBy: SortKey, direction: Direction }),
  /** Opaque keyset cursors. */
  cursorPagination: Support,
  /** A free-text description on projects. */
  description: Support,
  /** Resources (generations, assets, exports, …) filed under a project. */
  attachments: Support,
  /** The largest page the implementation serves. */
  maxPageSize: Schema.Int.pipe(Schema.positive())
}) {
  /** Succeeds when every feature `query` asks for is supported, natively or exactly emulated. */
  checkQuery(query: ListQuery): Effect.Effect<void, Unsupported> {
    if (query.search !== undefined && query.search !== "" && this.search === "unsupported") {
      return this.unsupported("search")
    }
    const { direction, sortBy } = this.sortOf(query)
    if (this.sort[sortBy][direction] === "unsupported") return this.unsupported(`sorting by ${sortBy} ${direction}`)
    return Effect.void
  }

  /**
   * The order `query` asks for: its sort key (ascending unless it says otherwise), or without one
   * the default order, in the direction asked for if any.
   */
  sortOf(query: ListQuery): { readonly sortBy: SortKey; readonly direction: Direction } {
    return query.sortBy === undefined
      ? { sortBy: this.defaultSort.sortBy, direction: query.direction ?? this.defaultSort.direction }
      : { sortBy: query.sortBy, direction: query.direction ?? "asc" }
  }

  /** Succeeds when the fields `input` sets are supported. */
  checkWrite(input: CreateProject | ProjectPatch): Effect.Effect<void, Unsupported> {
    if (input.description !== undefined && this.description === "unsupported") return this.unsupported("descriptions")
    return Effect.void
  }

  private unsupported(feature: string): Effect.Effect<never, Unsupported> {
    return Effect.fail(new Unsupported({ provider: this.provider, feature }))
  }
}
