/**
 * What a database location names, without loading the database modules (`Database.ts` loads
 * every dialect's migrations: modules a dialect imports, such as `Revocations.ts`, must not).
 */

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location)
