/**
 * Credentials taken out of what the request journal keeps, at the moment it keeps it: the journal
 * (and so the control plane and the Studio) never holds a secret a client sent or was sent.
 *
 * A header is a credential when its name says so (`authorization`, `x-api-key`, `cookie`, any name
 * with "token", "secret", "key", "auth", "passw", "session", "signature" or "credential" in it).
 * Its value is kept recognisable and useless: its first and last 4 characters around "…" when it
 * is long enough to leave at least 16 unseen (`sk-A…wxyz`, as a key's owner can tell it from
 * another), otherwise `••••`. `authorization` keeps its scheme (`Bearer ek_x…wxyz`); cookies are
 * masked whole, as one cookie header holds many values.
 *
 * Bounded: at most `maxHeaders` headers, each name and value cut to a length, so a client sending
 * many or huge headers cannot grow the journal past its size.
 */

/** Headers kept per request or response; the rest are dropped (and the entry says so). */
export const maxHeaders = 50
/** Characters kept of a header's name and of its value. */
export const maxNameLength = 100
export const maxValueLength = 1_000

/** How a masked value looks in full: nothing of it is shown. */
export const hidden = "••••"

/** Names that are not credentials though they look like one. */
const notSecret = new Set(["idempotency-key", "keep-alive", "sec-websocket-key", "sec-websocket-accept"])
const secretName = /token|secret|key|auth|passw|session|signature|credential|cookie|ticket/

/** Whether a header named `name` (lower case) holds a credential. */
export const isSecretHeader = (name: string): boolean => !notSecret.has(name) && secretName.test(name)

/** `value` reduced to its first and last 4 characters, or hidden whole when too short for that. */
export const maskSecret = (value: string): string =>
  value.length >= 24 ? `${value.slice(0, 4)}…${value.slice(-4)}` : hidden

/** A credential header's value, masked for `name` (lower case). */
const maskValue = (name: string, value: string): string => {
  if (name === "cookie" || name === "set-cookie") return hidden
  if (name === "authorization" || name === "proxy-authorization") {
    const space = value.indexOf(" ")
    // The scheme is no secret and tells Bearer from Basic; Basic's credentials are masked like a token.
    return space > 0 && space < 20 ? `${value.slice(0, space)} ${maskSecret(value.slice(space + 1).trim())}` : maskSecret(value)
  }
  return maskSecret(value)
}

const cut = (text: string, length: number) => text.length > length ? `${text.slice(0, length)}…` : text

export interface KeptHeaders {
  readonly headers: Array<readonly [string, string]>
  /** Whether some were dropped or cut. */
  readonly truncated: boolean
}

/**
 * A recorder of request headers as Node receives them (`rawHeaders`: name, value, name, value… in
 * the order sent, the names as sent), masked and bounded. Each recorder remembers which names are
 * credentials, by the name as sent: clients send the same few names again and again, and this runs
 * on every journaled request (half its cost was deciding that anew). Past `maxRemembered` names it
 * decides anew.
 */
export const makeRequestHeaders = (maxRemembered = 512) => {
  const remembered = new Map<string, boolean>()
  const secretAsSent = (name: string): boolean => {
    const known = remembered.get(name)
    if (known !== undefined) return known
    const secret = isSecretHeader(name.toLowerCase())
    if (remembered.size < maxRemembered) remembered.set(name, secret)
    return secret
  }
  return (raw: ReadonlyArray<string>): KeptHeaders => {
    const headers: Array<readonly [string, string]> = []
    let truncated = raw.length > maxHeaders * 2
    const end = Math.min(raw.length, maxHeaders * 2)
    for (let i = 0; i + 1 < end; i += 2) {
      const name = raw[i]!
      const value = raw[i + 1]!
      if (name.length > maxNameLength || value.length > maxValueLength) truncated = true
      headers.push([
        cut(name, maxNameLength),
        cut(secretAsSent(name) ? maskValue(name.toLowerCase(), value) : value, maxValueLength)
      ])
    }
    return { headers, truncated }
  }
}

/** A response's headers as `ServerResponse.getHeaders()` gives them (lower-case names), masked and bounded. */
export const responseHeaders = (
  given: Readonly<Record<string, number | string | ReadonlyArray<string> | undefined>>
): KeptHeaders => {
  const headers: Array<readonly [string, string]> = []
  let truncated = false
  for (const name in given) {
    const value = given[name]
    if (value === undefined) continue
    for (const each of typeof value === "object" ? value : [String(value)]) {
      if (headers.length >= maxHeaders) return { headers, truncated: true }
      if (name.length > maxNameLength || each.length > maxValueLength) truncated = true
      headers.push([cut(name, maxNameLength), cut(isSecretHeader(name) ? maskValue(name, each) : each, maxValueLength)])
    }
  }
  return { headers, truncated }
}

const secretParameter = /token|secret|key|auth|passw|session|signature|sig|credential|ticket/i

/**
 * A query string with the values of parameters named like credentials masked (`?token=…`); the
 * common query with none is returned as it is after one test of the whole string.
 */
export const maskQuery = (query: string): string => {
  if (query === "" || !secretParameter.test(query)) return query
  return query.split("&").map((pair) => {
    const equals = pair.indexOf("=")
    if (equals === -1) return pair
    let name: string
    try {
      name = decodeURIComponent(pair.slice(0, equals).replace(/\+/g, " "))
    } catch {
      name = pair.slice(0, equals)
    }
    return secretParameter.test(name) ? `${pair.slice(0, equals)}=${maskSecret(pair.slice(equals + 1))}` : pair
  }).join("&")
}
