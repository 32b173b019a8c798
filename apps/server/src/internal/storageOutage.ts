/**
 * Whether a failure means the storage cannot be reached at all (issue 29): then every dialect
 * route answers 503 with Retry-After, in its own error body, instead of a 500 — the caller did
 * nothing wrong and may simply retry. A statement the storage refused (a constraint, a syntax
 * error) is not an outage.
 */
import * as Predicate from "effect/Predicate"

/** Node's socket errors, and PostgreSQL's connection-exception class (08) and shutdowns (57P01-03). */
const unreachableCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "57P01",
  "57P02",
  "57P03"
])

/** pg's own words when a connection ends or cannot be made (its errors carry no code then). */
const unreachableMessage = /Connection terminated|connection error|Connection timed out|Failed to connect|timeout expired|not queryable/i

/**
 * SQLite: the database file cannot be read or written any more (its folder removed, the disk
 * failing or full): `SQLITE_IOERR*`, `SQLITE_CANTOPEN`, `SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`.
 */
const sqliteUnreachable = /^SQLITE_(IOERR|CANTOPEN|FULL|READONLY_DBMOVED)/

/** How long a client is told to wait before retrying, in seconds. */
export const retryAfterSeconds = 1

export const message = "The service is temporarily unavailable: its storage cannot be reached; retry later"

/** Whether `error` (a SqlError, or anything wrapping one) says the storage is unreachable. */
export const isUnreachable = (error: unknown): boolean => {
  let current: unknown = error
  for (let depth = 0; typeof current === "object" && current !== null && depth < 8; depth++) {
    const code = Predicate.hasProperty(current, "code") ? String(current.code) : undefined
    if (code !== undefined) {
      if (unreachableCodes.has(code) || code.startsWith("08") || sqliteUnreachable.test(code)) return true
    }
    if (current instanceof Error && unreachableMessage.test(current.message)) return true
    current = Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return false
}
