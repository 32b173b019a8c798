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

/**
 * How deeply `text`, a JSON document, nests (brackets outside strings), stopping early past
 * `limit`: a linear scan, so a hostile document costs no more than reading it. Strings, most of a
 * large document, are skipped with `indexOf` to their closing quote (one preceded by an even run
 * of backslashes), not read character by character: a 1 MB editor state in ~2 ms instead of ~3.5.
 */
const depthExceeds = (text: string, limit: number): boolean => {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      for (;;) {
        const end = text.indexOf("\"", i + 1)
        if (end === -1) return false
        let backslashes = 0
        for (let before = end - 1; text.charCodeAt(before) === 92 /* \ */; before--) backslashes++
        i = end
        if (backslashes % 2 === 0) break
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--
    }
  }
  return false
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
 * A JSON body: parsed, or why it is refused — not JSON (`undefined` message: the caller's own
 * "not valid JSON"), nested too deeply, or carrying a forbidden string.
 */
export const parseJson = (text: string): Either.Either<unknown, Refused | "NotJson"> => {
  if (depthExceeds(text, maxJsonDepth)) {
    return Either.left({ message: `The request body nests deeper than ${maxJsonDepth} levels` })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return Either.left("NotJson")
  }
  // Decoded from UTF-8, the text itself holds neither; only a `\u` escape can make one, so a body
  // without such an escape (nearly all) is not walked.
  if (!mayHideForbidden.test(text)) return Either.right(value)
  const refused = walk(value, [])
  return refused === undefined ? Either.right(value) : Either.left(refused)
}

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
