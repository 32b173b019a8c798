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
import { JournalEntry, JournalSettings } from "./ControlSchemas.js"

export { JournalEntry, JournalSettings }

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
