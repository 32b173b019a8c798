/**
 * The rules every piece of text entering the server obeys, checked at the door (before any
 * dialect sees it), the same on every route, both routers and both backends:
 * - no U+0000 anywhere (PostgreSQL cannot store it in text, and SQLite would store it but C
 *   strings and `LIKE` treat it as an end): refused with 400, whatever the field;
 * - no lone surrogate (a UTF-16 half that is not part of a pair): it cannot be written as UTF-8,
 *   so what was acknowledged would read back as U+FFFD: refused with 400 rather than altered;
 * - JSON bodies nested at most `maxJsonDepth` deep: deeper documents are refused with 400 before
 *   they are parsed, so no decoder, encoder or stored document can ever overflow the stack.
 * - at most one `Authorization` header: Node keeps the first of several and drops the rest, while
 *   a proxy in front may have read another one, so a request sending two is refused with 400
 *   rather than authenticated by a guess (`x-api-key` twice is joined by Node into one value,
 *   which no key matches: 401).
 * The OpenAPI documents say so: each contract states these rules in its description
 * (`@projectkit/http` `ContractDocument.serverRules`, checked against these numbers by the fuzz test).
 */
import * as Either from "effect/Either"

/** How deeply a JSON body may nest arrays and objects (`[[1]]` is 2 deep). */
export const maxJsonDepth = 100

/** Why a piece of text was refused: a message naming where, for the dialect's 400 body. */
export interface Refused {
  readonly message: string
}

// A U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const forbidden = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** What is wrong with `text`, if anything. */
export const problem = (text: string): string | undefined => {
  const found = forbidden.exec(text)
  if (found === null) return undefined
  return found[0] === "\u0000" ? "must not contain U+0000" : "must be valid Unicode (it contains a lone surrogate)"
}

/** What is wrong with a request's path and query, decoded as the routers decode them. */
export const checkUrl = (url: string): Refused | undefined => {
  // Only a percent sign can smuggle either in: `%00`, or a surrogate's UTF-8 form, which is itself
  // invalid (decoding it fails). Most URLs have neither, and cost one indexOf.
  if (url.indexOf("%") === -1) return undefined
  const queryAt = url.indexOf("?")
  const parts: Array<[string, string]> = [["path", queryAt === -1 ? url : url.slice(0, queryAt)]]
  if (queryAt !== -1) {
    for (const pair of url.slice(queryAt + 1).split("&")) parts.push(["query parameter", pair.replace(/\+/g, " ")])
  }
  for (const [where, raw] of parts) {
    let decoded: string
    try {
      decoded = decodeURIComponent(raw)
    } catch {
      return { message: `The ${where} is not valid percent-encoded UTF-8` }
    }
    const wrong = problem(decoded)
    if (wrong !== undefined) {
      const name = where === "path" ? "path" : `query parameter ${JSON.stringify(decoded.split("=")[0]!.slice(0, 64))}`
      return { message: `The ${name} ${wrong}` }
    }
  }
  return undefined
}

const isJsonWhitespace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9

/**
 * A JSON document's text with where its top-level members lie, found by the scan that bounds its
 * depth: what a handler needs to keep a large member as the text it arrived as (Indream stores an
 * `editorState` so) instead of serialising the parsed value again.
 */
export class JsonSource {
  constructor(
    readonly text: string,
    /** Per top-level key, in order: where its quoted name starts and ends, where its value starts and ends (-1 when not an object or array). */
    private readonly members: ReadonlyArray<number>
  ) {}

  /**
   * The text of top-level member `name`'s value when that value is an object or an array (a
   * repeated name: its last occurrence, as `JSON.parse` keeps); undefined otherwise, or when the
   * document is not an object.
   */
  memberText(name: string): string | undefined {
    let first = 0
    while (isJsonWhitespace(this.text.charCodeAt(first))) first++
    if (this.text.charCodeAt(first) !== 123 /* { */) return undefined
    for (let at = this.members.length - 4; at >= 0; at -= 4) {
      const quoted = this.text.slice(this.members[at]!, this.members[at + 1]!)
      const key = quoted.indexOf("\\") === -1 ? quoted.slice(1, -1) : JSON.parse(quoted) as string
      if (key !== name) continue
      const start = this.members[at + 2]!
      return start === -1 ? undefined : this.text.slice(start, this.members[at + 3]!)
    }
    return undefined
  }
}

/**
 * How deeply `text`, a JSON document, nests (brackets outside strings), stopping early past
 * `limit` (undefined then), and where its top-level members lie: a linear scan, so a hostile
 * document costs no more than reading it. Strings, most of a large document, are skipped with
 * `indexOf` to their closing quote (one preceded by an even run of backslashes), not read
 * character by character: a 1 MB editor state in ~2 ms instead of ~3.5. The members cost nothing
 * below the top level. Meaningful only for a document `JSON.parse` accepts.
 */
const scan = (text: string, limit: number): JsonSource | undefined => {
  const members: Array<number> = []
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      const start = i
      for (;;) {
        const end = text.indexOf("\"", i + 1)
        if (end === -1) return new JsonSource(text, members)
        let backslashes = 0
        for (let before = end - 1; text.charCodeAt(before) === 92 /* \ */; before--) backslashes++
        i = end
        if (backslashes % 2 === 0) break
      }
      if (depth === 1) {
        // A top-level string followed by a colon is a key: its value, if an object or array, is
        // the next container opened at depth 1.
        let next = i + 1
        while (isJsonWhitespace(text.charCodeAt(next))) next++
        if (text.charCodeAt(next) === 58 /* : */) members.push(start, i + 1, -1, -1)
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return undefined
      if (depth === 2 && members.length > 0) members[members.length - 2] = i
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (depth === 2 && members.length > 0) members[members.length - 1] = i + 1
      depth--
    }
  }
  return new JsonSource(text, members)
}

/** `\u0000`, or the escape of a surrogate (paired or not: the walk tells). */
const mayHideForbidden = /\\u(?:0000|[dD][89a-fA-F])/

const pathOf = (path: ReadonlyArray<string | number>) => path.length === 0 ? "the body" : path.join(".")

/** The first string (value or key) of `value` that breaks a rule, with where it is. */
const walk = (value: unknown, path: Array<string | number>): Refused | undefined => {
  if (typeof value === "string") {
    const wrong = problem(value)
    return wrong === undefined ? undefined : { message: `${pathOf(path)}: ${wrong}` }
  }
  if (typeof value !== "object" || value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      const found = walk(value[i], path)
      path.pop()
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const key of Object.keys(value)) {
    const wrongKey = problem(key)
    if (wrongKey !== undefined) return { message: `A property name in ${pathOf(path)} ${wrongKey}` }
    path.push(key)
    const found = walk((value as Record<string, unknown>)[key], path)
    path.pop()
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * A JSON body: parsed, with its source (`JsonSource`), or why it is refused — not JSON (the
 * caller's own "not valid JSON"), nested too deeply, or carrying a forbidden string.
 */
export const parseJsonWithSource = (
  text: string
): Either.Either<{ readonly value: unknown; readonly source: JsonSource }, Refused | "NotJson"> => {
  const source = scan(text, maxJsonDepth)
  if (source === undefined) {
    return Either.left({ message: `The request body nests deeper than ${maxJsonDepth} levels` })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return Either.left("NotJson")
  }
  // Decoded from UTF-8, the text itself holds neither; only a `\u` escape can make one, so a body
  // without such an escape (nearly all) is not walked. (`indexOf` first: a 1 MB body without any
  // `\u` is told in ~0.1 ms, the expression takes ~0.7.)
  if (text.indexOf("\\u") === -1 || !mayHideForbidden.test(text)) return Either.right({ value, source })
  const refused = walk(value, [])
  return refused === undefined ? Either.right({ value, source }) : Either.left(refused)
}

/** A JSON body: parsed, or why it is refused (`parseJsonWithSource` without the source). */
export const parseJson = (text: string): Either.Either<unknown, Refused | "NotJson"> =>
  Either.map(parseJsonWithSource(text), ({ value }) => value)

/** A request's refusal for sending more than one `Authorization` header (`rawHeaders`: name, value, …). */
export const checkCredentialHeaders = (rawHeaders: ReadonlyArray<string>): Refused | undefined => {
  let seen = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!
    if (name.length === 13 && name.toLowerCase() === "authorization" && ++seen > 1) {
      return { message: "Send one Authorization header, not several" }
    }
  }
  return undefined
}
