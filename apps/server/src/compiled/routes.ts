/**
 * Path matching and query parsing for the compiled routes, with the platform router's semantics:
 * a static segment wins over a parameter at the same place, parameters are percent-decoded and at
 * most 100 characters long (longer ones match no route: a 404), and a query key given twice
 * becomes an array.
 */
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

export interface Match<Route> {
  readonly route: Route
  readonly params: Record<string, string>
}

/** find-my-way's default, which the platform's router keeps. */
const maxParamLength = 100

interface Entry<Route> {
  readonly route: Route
  /** Each segment of the path: its literal text, or `null` for a parameter. */
  readonly segments: ReadonlyArray<string | null>
  readonly names: ReadonlyArray<string>
}

/** Static before parameter, segment by segment from the left: the most specific path first. */
const bySpecificity = <Route>(a: Entry<Route>, b: Entry<Route>) => {
  for (let i = 0; i < a.segments.length; i++) {
    const left = a.segments[i] === null ? 1 : 0
    const right = b.segments[i] === null ? 1 : 0
    if (left !== right) return left - right
  }
  return 0
}

export class RouteTable<Route> {
  /** method → number of segments → entries, most specific first. */
  private readonly entries = new Map<string, Map<number, Array<Entry<Route>>>>()
  /**
   * The same entries found by their first segment too (`"sync"` for `/sync/v2/projects/:id`): a
   * path is matched against those whose first segment is its own, then against those whose first
   * segment is a parameter (`null`) — the order of `entries`, where a literal first segment comes
   * first and two different literal ones cannot both match — without testing every dialect's routes.
   */
  private readonly byFirstSegment = new Map<string, Map<number, Map<string | null, Array<Entry<Route>>>>>()

  /** Adds `route` at `path` (`/a/:b/c`); false when the path uses syntax this table does not match. */
  add(method: string, path: string, route: Route): boolean {
    const parts = path.split("/")
    const names: Array<string> = []
    const segments: Array<string | null> = []
    for (const part of parts) {
      if (part.startsWith(":")) {
        if (part.endsWith("?")) return false
        names.push(part.slice(1))
        segments.push(null)
      } else {
        if (part.includes("*")) return false
        segments.push(part)
      }
    }
    let byLength = this.entries.get(method)
    if (byLength === undefined) this.entries.set(method, byLength = new Map())
    const list = byLength.get(segments.length) ?? []
    list.push({ route, segments, names })
    list.sort(bySpecificity)
    byLength.set(segments.length, list)
    let indexed = this.byFirstSegment.get(method)
    if (indexed === undefined) this.byFirstSegment.set(method, indexed = new Map())
    const byFirst = new Map<string | null, Array<Entry<Route>>>()
    for (const entry of list) {
      const first = entry.segments[1] ?? null
      const same = byFirst.get(first)
      if (same === undefined) byFirst.set(first, [entry])
      else same.push(entry)
    }
    indexed.set(segments.length, byFirst)
    return true
  }

  match(method: string, path: string): Match<Route> | undefined {
    const parts = path.split("/")
    const byFirst = this.byFirstSegment.get(method)?.get(parts.length)
    if (byFirst === undefined) return undefined
    const literal = parts.length > 1 ? byFirst.get(parts[1]!) : undefined
    const found = literal === undefined ? undefined : this.matchIn(literal, parts)
    if (found !== undefined) return found === "Refused" ? undefined : found
    const parameter = byFirst.get(null)
    const second = parameter === undefined ? undefined : this.matchIn(parameter, parts)
    return second === "Refused" ? undefined : second
  }

  /**
   * The first of `list` matching `parts`; "Refused" when it does but a parameter is not valid
   * percent-encoding (the request then matches no route at all, as with the platform's router).
   */
  private matchIn(list: ReadonlyArray<Entry<Route>>, parts: ReadonlyArray<string>): Match<Route> | "Refused" | undefined {
    search: for (const entry of list) {
      for (let i = 0; i < parts.length; i++) {
        const segment = entry.segments[i]
        if (segment === null ? parts[i] === "" || parts[i]!.length > maxParamLength : segment !== parts[i]) continue search
      }
      const params: Record<string, string> = {}
      let name = 0
      for (let i = 0; i < parts.length; i++) {
        if (entry.segments[i] !== null) continue
        const raw = parts[i]!
        if (!raw.includes("%")) {
          params[entry.names[name++]!] = raw
          continue
        }
        try {
          params[entry.names[name++]!] = decodeURIComponent(raw)
        } catch {
          return "Refused"
        }
      }
      return { route: entry.route, params }
    }
    return undefined
  }
}

/** The query string as the platform presents it: one value as a string, repeated ones as an array. */
export const parseQuery = (query: string): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  if (query === "") return out
  for (const [key, value] of new URLSearchParams(query)) {
    const entry = out[key]
    if (entry === undefined) out[key] = value
    else if (Array.isArray(entry)) entry.push(value)
    else out[key] = [entry, value]
  }
  return out
}

/**
 * Whether the URL parameter `key` of `ast` takes a single string (otherwise a lone value is
 * wrapped in an array before decoding). The same rule as `@effect/platform`'s HttpApiBuilder,
 * whose version of it is internal.
 */
const isSingleString = (ast: AST.AST, key?: PropertyKey): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "Literal":
    case "TemplateLiteral":
    case "Enums":
      return true
    case "TypeLiteral": {
      if (key === undefined) return false
      const property = ast.propertySignatures.find((ps) => ps.name === key)
      return property !== undefined
        ? isSingleString(property.type, key)
        : ast.indexSignatures.some((index) => Schema.is(Schema.make(index.parameter))(key) && isSingleString(index.type))
    }
    case "Union":
      return ast.types.some((type) => isSingleString(type, key))
    case "Suspend":
      return isSingleString(ast.f(), key)
    case "Refinement":
    case "Transformation":
      return isSingleString(ast.from, key)
  }
  return false
}

export const normalizeQuery = (
  query: Record<string, string | Array<string>>,
  ast: AST.AST
): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const key in query) {
    const value = query[key]!
    out[key] = Array.isArray(value) || isSingleString(ast, key) ? value : [value]
  }
  return out
}
