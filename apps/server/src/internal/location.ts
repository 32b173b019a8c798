/**
 * What a database location names, without loading the database modules (`Database.ts` loads
 * every dialect's migrations: modules a dialect imports, such as `Revocations.ts`, must not).
 */
import * as Context from "effect/Context"

export interface DatabaseInfo {
  /** "sqlite" or "postgres": what `/__projectkit/health` reports. */
  readonly kind: "sqlite" | "postgres"
  /** Where the data lives, without secrets (a SQLite file's path as given). */
  readonly location: string
}

/** Where the server's database is (re-exported by `Database.ts`, which provides it). */
export class Database extends Context.Tag("@projectkit/server/Database")<Database, DatabaseInfo>() {}

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location)

/** Whether `location` names a SQLite database kept in memory (nothing of it outlives the process). */
export const isMemory = (location: string): boolean => location === ":memory:"

/**
 * The folder beside a SQLite file where dialects keep what is stored outside the database
 * (uploaded files), one subfolder each: `<database file>-files/`, named after the file as
 * SQLite's own `-wal` and `-shm` are, so two databases in one folder never share it. None for
 * PostgreSQL (every instance must read the same data: it stays in the database) or `:memory:`.
 */
export const filesFolder = (location: string): string | undefined =>
  isPostgresUrl(location) || isMemory(location) ? undefined : `${location}-files`
