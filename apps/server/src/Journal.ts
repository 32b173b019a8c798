/**
 * The request journal: the last requests the emulated dialects received (time, dialect,
 * organization, method, path, status, duration, request id, the request's and the response's
 * headers with every credential masked, and, opted in, the bodies cut to a size), so a test can
 * assert what its code sent, as WireMock's request journal and the Firebase emulators' Requests
 * view allow. Bounded: a ring of `size` entries. Off by default, and then it costs nothing:
 * `Traffic` does not look at requests while nothing needs them.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

export const JournalEntry = Schema.Struct({
  /** The request's id: its `x-request-id` header, or one the server gave it (sent back in that header). */
  requestId: Schema.String,
  /** When it arrived (ISO 8601). */
  time: Schema.String,
  /** The dialect whose base path it was under ("sync", "editor", "sanity"), or null. */
  dialect: Schema.NullOr(Schema.String),
  /** The organization its credential belongs to, or null (none, unknown, or a Sanity project token). */
  organization: Schema.NullOr(Schema.String),
  method: Schema.String,
  /** The path, without the query. */
  path: Schema.String,
  /** The query string without its "?", or "", with the values of parameters named like credentials masked. */
  query: Schema.String,
  /** The status answered; 0 if the client went away first. */
  status: Schema.Number,
  /** From its arrival to the end of the answer, injected latency included. */
  durationMs: Schema.Number,
  /** The injected fault that answered or delayed it, if any. */
  fault: Schema.NullOr(Schema.String),
  /**
   * The request's headers as sent (name, value), credentials masked when recorded (see
   * `internal/masking.ts`): the journal never holds a secret. At most 50, each cut to a length.
   */
  requestHeaders: Schema.optional(Schema.Array(Schema.Tuple(Schema.String, Schema.String))),
  /** The response's headers, masked and bounded the same way. */
  responseHeaders: Schema.optional(Schema.Array(Schema.Tuple(Schema.String, Schema.String))),
  /** Whether some headers above were dropped or cut. */
  headersTruncated: Schema.optional(Schema.Boolean),
  /** With body capture on: the request body as text, cut to the journal's `bodyBytes`. */
  requestBody: Schema.optional(Schema.String),
  /** With body capture on: the response body as text, cut to the journal's `bodyBytes`. */
  responseBody: Schema.optional(Schema.String),
  /** Whether a body above was cut. */
  bodiesTruncated: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "JournalEntry" })
export type JournalEntry = typeof JournalEntry.Type

export const JournalSettings = Schema.Struct({
  enabled: Schema.Boolean,
  /** How many of the latest requests are kept. */
  size: Schema.Int.pipe(Schema.between(1, 100_000)),
  /** How many bytes of each body are kept; 0 keeps none. */
  bodyBytes: Schema.Int.pipe(Schema.between(0, 1024 * 1024))
}).annotations({ identifier: "JournalSettings" })
export type JournalSettings = typeof JournalSettings.Type

export const defaultSettings: JournalSettings = { enabled: false, size: 1_000, bodyBytes: 0 }

/** Which entries a listing wants; the newest come first. */
export interface JournalQuery {
  readonly organization?: string | undefined
  readonly dialect?: string | undefined
  readonly method?: string | undefined
  /** The path, exactly, or a prefix when it ends with `*`. */
  readonly path?: string | undefined
  readonly limit?: number | undefined
}

/** An entry while its request is under way: filled in as its organization and answer become known. */
export type PendingEntry = { -readonly [K in keyof JournalEntry]: JournalEntry[K] }

export interface JournalService {
  /** Read on every request: whether entries are being kept. */
  readonly enabled: () => boolean
  readonly settings: () => JournalSettings
  /** New settings; a new size keeps the latest entries that fit. */
  readonly configure: (settings: Partial<JournalSettings>) => JournalSettings
  /** Keeps `entry` (the oldest goes when the ring is full); its fields may still change until its answer is sent. */
  readonly record: (entry: PendingEntry) => void
  readonly list: (query: JournalQuery) => ReadonlyArray<JournalEntry>
  readonly clear: () => void
}

export class Journal extends Context.Tag("@projectkit/server/Journal")<Journal, JournalService>() {}

const matches = (entry: JournalEntry, query: JournalQuery) =>
  (query.organization === undefined || entry.organization === query.organization) &&
  (query.dialect === undefined || entry.dialect === query.dialect) &&
  (query.method === undefined || entry.method === query.method.toUpperCase()) &&
  (query.path === undefined ||
    (query.path.endsWith("*") ? entry.path.startsWith(query.path.slice(0, -1)) : entry.path === query.path))

export const make = (initial: Partial<JournalSettings> = {}): JournalService => {
  let settings: JournalSettings = { ...defaultSettings, ...initial }
  // A ring: `next` is where the next entry goes, `count` how many are held.
  let ring: Array<PendingEntry | undefined> = new Array(settings.size)
  let next = 0
  let count = 0
  const newestFirst = (): Array<PendingEntry> => {
    const entries: Array<PendingEntry> = []
    for (let i = 1; i <= count; i++) entries.push(ring[(next - i + ring.length) % ring.length]!)
    return entries
  }
  return {
    enabled: () => settings.enabled,
    settings: () => settings,
    configure: (changes) => {
      const kept = newestFirst()
      settings = { ...settings, ...changes }
      if (settings.size !== ring.length) {
        ring = new Array(settings.size)
        count = Math.min(kept.length, settings.size)
        for (let i = 0; i < count; i++) ring[count - 1 - i] = kept[i]
        next = count % settings.size
      }
      return settings
    },
    record: (entry) => {
      ring[next] = entry
      next = (next + 1) % ring.length
      count = Math.min(count + 1, ring.length)
    },
    list: (query) => {
      const limit = query.limit ?? 100
      const found: Array<JournalEntry> = []
      for (const entry of newestFirst()) {
        if (found.length >= limit) break
        // Copies: an entry of a request still under way changes.
        if (matches(entry, query)) found.push({ ...entry })
      }
      return found
    },
    clear: () => {
      ring = new Array(settings.size)
      next = 0
      count = 0
    }
  }
}

export const layer = (initial: Partial<JournalSettings> = {}) => Layer.sync(Journal, () => make(initial))
