/**
 * The bytes of uploaded files, kept where the database is:
 * - beside a SQLite file, in a folder of their own (`<database file>-files/indream/<org>/<secret>`,
 *   see `internal/location.ts`): each file is written under a temporary name while its body
 *   arrives and renamed into place once complete, so no half file is ever served, and removed
 *   if the body is refused or cut short;
 * - on PostgreSQL, in the database as rows of `chunkBytes` each (base64 text, `indream_files`):
 *   every instance sharing the database serves every file;
 * - on `:memory:` SQLite, in the database as on PostgreSQL. INF: an in-memory server keeps
 *   nothing past its process; its files go with its rows, in the same memory.
 *
 * A file's metadata (its key, size, type) is its asset's row, written in one transaction once the
 * file is complete. Snapshots carry every file as `indream_files` rows on every backend
 * (`outside`), so a snapshot moves between backends; deleting an asset, emptying or deleting an
 * organization removes its files. Rows of `indream_files` found beside a SQLite file (files
 * stored by an earlier version, or just imported from a snapshot) are served from there until
 * they are moved into the folder, which the store does when it starts and after an import.
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { Row } from "../../ControlSchemas.js"
import type * as Dialect from "../../Dialect.js"
import { randomSecret } from "../../internal/ids.js"
import { Database, type DatabaseInfo, filesFolder } from "../../internal/location.js"
import * as ImageSize from "./ImageSize.js"

/** How many bytes one stored chunk holds (in the database, and in a snapshot's rows). */
export const chunkBytes = 256 * 1024

/** The table whose rows hold files in the database, and carry them in snapshots. */
export const table = "indream_files"

/** What was stored of one file. */
export interface StoredFile {
  /** Where it is: unguessable, so a URL naming it can be handed out without a credential. */
  readonly key: string
  readonly size: number
  /** The image size its first bytes declare, if it is an image we read. */
  readonly image: ImageSize.Size | undefined
}

/** The body was larger than the limit; nothing of it is kept. */
export class TooLarge {
  readonly _tag = "TooLarge"
  constructor(readonly limit: number) {}
}

/** The file folder could not be written or read (a full disk, permissions): the server's fault. */
export class FileUnavailable extends Schema.TaggedError<FileUnavailable>()("FileUnavailable", {
  message: Schema.String,
  cause: Schema.Defect
}) {}

export interface FileStoreService {
  /** Stores `body` as a new file of `orgId`, or fails with `TooLarge` past `maxBytes`, keeping none of it. */
  readonly write: <E>(
    orgId: string,
    body: Stream.Stream<Uint8Array, E>,
    maxBytes: number
  ) => Effect.Effect<StoredFile, E | TooLarge | SqlError | FileUnavailable>
  /** Removes `orgId`'s file `key` (a write refused after all, a deleted asset); nothing if there is none. */
  readonly remove: (orgId: string, key: string) => Effect.Effect<void, SqlError | FileUnavailable>
  /** `orgId`'s file `key`, chunk by chunk, or undefined when there is no such file. */
  readonly read: (
    orgId: string,
    key: string
  ) => Effect.Effect<Stream.Stream<Uint8Array, SqlError | FileUnavailable> | undefined, SqlError | FileUnavailable>
}

export class FileStore extends Context.Tag("@projectkit/server/IndreamFileStore")<FileStore, FileStoreService>() {}

const keyPrefix = "uploads/"

/** A new file's key. */
const newKey = () => `${keyPrefix}${randomSecret()}`

/** Joins byte arrays (the pending part of a chunk). */
const join = (parts: ReadonlyArray<Uint8Array>, total: number) => {
  const out = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * Feeds `body` to `store` in chunks of `chunkBytes`, failing with `TooLarge` at the piece that
 * crosses `maxBytes`; answers the size and the first bytes (for the image size).
 */
const chunked = <E, E2>(
  body: Stream.Stream<Uint8Array, E>,
  maxBytes: number,
  store: (bytes: Uint8Array, seq: number) => Effect.Effect<void, E2>
) =>
  Effect.gen(function*() {
    const state = { seq: 0, size: 0, pending: [] as Array<Uint8Array>, pendingBytes: 0, head: undefined as Uint8Array | undefined }
    const flush = (bytes: Uint8Array) =>
      Effect.suspend(() => {
        if (state.head === undefined) state.head = bytes.subarray(0, ImageSize.headerBytes)
        return store(bytes, state.seq++)
      })
    yield* Stream.runForEach(body, (piece) =>
      Effect.gen(function*() {
        state.size += piece.length
        if (state.size > maxBytes) return yield* Effect.fail(new TooLarge(maxBytes))
        state.pending.push(piece)
        state.pendingBytes += piece.length
        while (state.pendingBytes >= chunkBytes) {
          const all = join(state.pending, state.pendingBytes)
          yield* flush(all.subarray(0, chunkBytes))
          const rest = all.subarray(chunkBytes)
          state.pending = rest.length === 0 ? [] : [rest]
          state.pendingBytes = rest.length
        }
      }))
    if (state.pendingBytes > 0 || state.seq === 0) yield* flush(join(state.pending, state.pendingBytes))
    return {
      size: state.size,
      image: state.head === undefined ? undefined : ImageSize.sizeOf(state.head)
    }
  })

// ---------------------------------------------------------------------------------------------
// In the database
// ---------------------------------------------------------------------------------------------

/** The files in `indream_files` rows: PostgreSQL's and `:memory:`'s store, and a fallback beside a file. */
const inDatabase = (sql: SqlClient.SqlClient) => {
  const remove = (orgId: string, key: string) =>
    sql`DELETE FROM indream_files WHERE file_key = ${key} AND org_id = ${orgId}`.pipe(Effect.asVoid)

  const write = <E>(orgId: string, body: Stream.Stream<Uint8Array, E>, maxBytes: number) =>
    Effect.gen(function*() {
      const key = newKey()
      const stored = yield* chunked(body, maxBytes, (bytes, seq) =>
        sql`INSERT INTO indream_files (file_key, seq, org_id, data)
          VALUES (${key}, ${seq}, ${orgId}, ${Buffer.from(bytes).toString("base64")})`).pipe(
          // A body refused or cut short leaves nothing behind.
          Effect.onError(() => Effect.ignore(remove(orgId, key)))
        )
      return { key, ...stored }
    })

  /** How many chunks `orgId`'s file `key` has in the database (0: none). */
  const chunks = (orgId: string, key: string) =>
    Effect.map(
      sql<{ count: number | string }>`SELECT COUNT(*) AS count FROM indream_files WHERE file_key = ${key} AND org_id = ${orgId}`,
      (rows) => Number(rows[0]?.count ?? 0)
    )

  /** The chunks, one query each: a large file is never read whole into memory. */
  const chunkStream = (key: string, count: number) =>
    Stream.range(0, count - 1).pipe(
      Stream.mapEffect((seq) =>
        Effect.map(
          sql<{ data: string }>`SELECT data FROM indream_files WHERE file_key = ${key} AND seq = ${seq}`,
          (chunk) => Uint8Array.from(Buffer.from(chunk[0]?.data ?? "", "base64"))
        )
      )
    )

  const read = (orgId: string, key: string) =>
    Effect.map(chunks(orgId, key), (count) => count === 0 ? undefined : chunkStream(key, count))

  return { write, remove, read, chunks, chunkStream }
}

// ---------------------------------------------------------------------------------------------
// In a folder beside a SQLite file
// ---------------------------------------------------------------------------------------------

/** A name that is safe as one path segment: ids and keys as the server makes them. */
const safeSegment = /^[A-Za-z0-9_-]{1,200}$/

const unavailable = (message: string) => (cause: unknown) => new FileUnavailable({ message, cause })

const isMissing = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT"

/** The folder of Indream's files beside the SQLite file `database` names, if it is one. */
export const folderOf = (database: DatabaseInfo): string | undefined => {
  const folder = database.kind === "sqlite" ? filesFolder(database.location) : undefined
  return folder === undefined ? undefined : Path.join(Path.resolve(folder), "indream")
}

/** Files in `root`/<org>/<secret>, with `indream_files` rows still in the database served too. */
const inFolder = (sql: SqlClient.SqlClient, root: string) => {
  const rows = inDatabase(sql)

  /** Where `orgId`'s file `key` lives; undefined for a name the server never makes (it stays in the database). */
  const pathOf = (orgId: string, key: string): string | undefined => {
    const secret = key.startsWith(keyPrefix) ? key.slice(keyPrefix.length) : ""
    return safeSegment.test(orgId) && safeSegment.test(secret) ? Path.join(root, orgId, secret) : undefined
  }

  const unlink = (path: string) =>
    Effect.tryPromise({
      try: () => Fs.promises.rm(path, { force: true }),
      catch: unavailable(`could not remove ${path}`)
    })

  /**
   * Writes `chunks` to `path` under a temporary name, renamed into place once complete; the
   * temporary file is removed if anything fails (or the fiber is interrupted) first.
   */
  const writeFile = <A, E>(
    path: string,
    fill: (append: (bytes: Uint8Array) => Effect.Effect<void, FileUnavailable>) => Effect.Effect<A, E>
  ) => {
    // The secret has no "." (base64url): a name with one is never a file the store serves.
    const temporary = `${path}.${randomSecret().slice(0, 8)}.part`
    return Effect.acquireUseRelease(
      Effect.tryPromise({
        try: async () => {
          await Fs.promises.mkdir(Path.dirname(path), { recursive: true })
          return await Fs.promises.open(temporary, "wx")
        },
        catch: unavailable(`could not create ${temporary}`)
      }),
      (handle) =>
        Effect.gen(function*() {
          const result = yield* fill((bytes) =>
            Effect.tryPromise({
              try: () => handle.write(bytes).then(() => undefined),
              catch: unavailable(`could not write ${temporary}`)
            })
          )
          yield* Effect.tryPromise({
            try: async () => {
              await handle.close()
              await Fs.promises.rename(temporary, path)
            },
            catch: unavailable(`could not store ${path}`)
          })
          return result
        }),
      (handle, exit) =>
        Effect.promise(() => handle.close().catch(() => undefined)).pipe(
          Effect.zipRight(exit._tag === "Success" ? Effect.void : Effect.ignore(unlink(temporary)))
        )
    )
  }

  const write = <E>(orgId: string, body: Stream.Stream<Uint8Array, E>, maxBytes: number) =>
    Effect.gen(function*() {
      const key = newKey()
      const path = pathOf(orgId, key)
      // An organization id the server did not make (imported): its files stay in the database.
      if (path === undefined) return yield* rows.write(orgId, body, maxBytes)
      const stored = yield* writeFile(path, (append) => chunked(body, maxBytes, append))
      return { key, ...stored }
    })

  const remove = (orgId: string, key: string) => {
    const path = pathOf(orgId, key)
    return Effect.zipRight(path === undefined ? Effect.void : unlink(path), rows.remove(orgId, key))
  }

  const read = (orgId: string, key: string) =>
    Effect.gen(function*() {
      const path = pathOf(orgId, key)
      const found = path === undefined ? undefined : yield* Effect.tryPromise({
        try: () => Fs.promises.stat(path).then((stats) => stats.isFile(), (error) => isMissing(error) ? false : Promise.reject(error)),
        catch: unavailable(`could not read ${path}`)
      })
      if (path !== undefined && found === true) {
        return NodeStream.fromReadable<FileUnavailable, Uint8Array>(
          () => Fs.createReadStream(path, { highWaterMark: chunkBytes }),
          unavailable(`could not read ${path}`)
        )
      }
      return yield* rows.read(orgId, key)
    })

  /** Every file of `orgId` kept in the folder (every organization's when undefined) is removed. */
  const removeAll = (orgId: string | undefined) =>
    Effect.tryPromise({
      try: async () => {
        if (orgId !== undefined) {
          if (safeSegment.test(orgId)) await Fs.promises.rm(Path.join(root, orgId), { recursive: true, force: true })
          return
        }
        const folders = await Fs.promises.readdir(root).catch((error: unknown) => isMissing(error) ? [] : Promise.reject(error))
        for (const folder of folders) await Fs.promises.rm(Path.join(root, folder), { recursive: true, force: true })
      },
      catch: unavailable(`could not remove files under ${root}`)
    })

  /**
   * Moves the files `indream_files` holds for `orgId` (every organization when undefined) into the
   * folder: each is written whole, then its rows are deleted, so a file is always in one place or
   * both (never none), and a move cut short is done again next time.
   */
  const settle = (orgId: string | undefined) =>
    Effect.gen(function*() {
      const files = yield* (orgId === undefined
        ? sql<{ file_key: string; org_id: string }>`SELECT DISTINCT file_key, org_id FROM indream_files`
        : sql<{ file_key: string; org_id: string }>`SELECT DISTINCT file_key, org_id FROM indream_files WHERE org_id = ${orgId}`)
      for (const file of files) {
        const path = pathOf(file.org_id, file.file_key)
        if (path === undefined) continue
        const count = yield* rows.chunks(file.org_id, file.file_key)
        yield* writeFile(path, (append) => Stream.runForEach(rows.chunkStream(file.file_key, count), append))
        yield* sql`DELETE FROM indream_files WHERE file_key = ${file.file_key} AND org_id = ${file.org_id}`
      }
    })

  /**
   * Removes temporary files older than `ageMillis`: uploads a stopped process never finished
   * (a live one is bounded by the server's request timeout, far shorter).
   */
  const sweepTemporary = (ageMillis: number) =>
    Effect.tryPromise({
      try: async () => {
        // The file system's time, as its files' times are (not the server's `Clock`).
        const before = Date.now() - ageMillis
        const folders = await Fs.promises.readdir(root).catch((error: unknown) => isMissing(error) ? [] : Promise.reject(error))
        for (const folder of folders) {
          const names = await Fs.promises.readdir(Path.join(root, folder)).catch(() => [])
          for (const name of names.filter((name) => name.endsWith(".part"))) {
            const path = Path.join(root, folder, name)
            const stats = await Fs.promises.stat(path).catch(() => undefined)
            if (stats !== undefined && stats.mtimeMs < before) await Fs.promises.rm(path, { force: true })
          }
        }
      },
      catch: unavailable(`could not sweep temporary files under ${root}`)
    })

  /** The file at `path` as snapshot rows of `indream_files`, `chunkBytes` each. */
  const asRows = (orgId: string, key: string, path: string) =>
    Effect.tryPromise({
      try: async () => {
        const bytes = await Fs.promises.readFile(path)
        const found: Array<Row> = []
        for (let seq = 0; seq === 0 || seq * chunkBytes < bytes.length; seq++) {
          const data = bytes.subarray(seq * chunkBytes, (seq + 1) * chunkBytes).toString("base64")
          found.push({ file_key: key, seq, org_id: orgId, data })
        }
        return found
      },
      catch: unavailable(`could not read ${path}`)
    })

  /**
   * The snapshot rows of `indream_files` for `orgId` (every organization when undefined): those
   * in the database, and the files of its live assets kept in the folder, as rows.
   */
  const snapshotRows = (orgId: string | undefined, stored: ReadonlyArray<Row>) =>
    Effect.gen(function*() {
      const inRows = new Set(stored.map((row) => row["file_key"]))
      const assets = yield* (orgId === undefined
        ? sql<{ file_key: string; org_id: string }>`SELECT file_key, org_id FROM indream_assets WHERE deleted_at IS NULL`
        : sql<{ file_key: string; org_id: string }>`SELECT file_key, org_id FROM indream_assets
            WHERE deleted_at IS NULL AND org_id = ${orgId}`)
      const all: Array<Row> = [...stored]
      for (const asset of assets) {
        const path = inRows.has(asset.file_key) ? undefined : pathOf(asset.org_id, asset.file_key)
        if (path === undefined) continue
        const exists = yield* Effect.promise(() => Fs.promises.stat(path).then((stats) => stats.isFile(), () => false))
        if (exists) all.push(...yield* asRows(asset.org_id, asset.file_key, path))
      }
      return all
    })

  return { store: { write, remove, read } satisfies FileStoreService, removeAll, settle, snapshotRows, sweepTemporary }
}

// ---------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------

/** INF: an upload unfinished after an hour belongs to a process that stopped (requests time out in minutes). */
const temporaryFileAgeMillis = 60 * 60 * 1000

/** The store where `database` is; files found in the database beside a SQLite file are moved into its folder. */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const root = folderOf(yield* Database)
  if (root === undefined) return FileStore.of(inDatabase(sql))
  const folder = inFolder(sql, root)
  yield* folder.settle(undefined).pipe(
    Effect.catchAll((error) => Effect.logWarning("indream files: some stay in the database for now", error))
  )
  yield* folder.sweepTemporary(temporaryFileAgeMillis).pipe(
    Effect.catchAll((error) => Effect.logWarning("indream files: temporary files left behind", error))
  )
  return FileStore.of(folder.store)
})

export const layer = Layer.effect(FileStore, make)

/**
 * What the dialect keeps outside the database with `database` (`Dialect.outside`): files beside
 * a SQLite file; nothing otherwise (there they are `indream_files` rows, carried and removed
 * with the rest).
 */
export const outside = (database: DatabaseInfo) =>
  Effect.map(SqlClient.SqlClient, (sql): Dialect.OutsideData | undefined => {
    const root = folderOf(database)
    if (root === undefined) return undefined
    const folder = inFolder(sql, root)
    // A file left behind is unreachable (its rows are gone); the failure is logged, not answered.
    const logged = (what: string) => (error: unknown) => Effect.logWarning(`indream files: could not ${what}`, error)
    return {
      snapshotRows: (name, orgId, stored) =>
        name === table ? Effect.orDie(folder.snapshotRows(orgId, stored)) : Effect.succeed(stored),
      imported: (orgId) =>
        folder.removeAll(orgId).pipe(
          Effect.zipRight(folder.settle(orgId)),
          Effect.catchAll(logged("move imported files into their folder; they are served from the database"))
        ),
      removed: (orgId) => Effect.catchAll(folder.removeAll(orgId), logged("remove the files of a removed organization"))
    }
  })
