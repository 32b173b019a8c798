/**
 * The suite's dialects, the one list: a dialect is a folder beside this file and an entry here
 * (see `Dialect.ts` for what it declares). Their order is the order of `--help`, of the runs and
 * of the reports.
 */
import type { Check } from "../Check.js"
import * as Dialect from "../Dialect.js"
import { dialect as indream } from "./indream/IndreamDialect.js"
import { dialect as sanity } from "./sanity/SanityDialect.js"
import { dialect as sync } from "./sync/SyncDialect.js"

export const dialects: ReadonlyArray<Dialect.Dialect> = [sync, indream, sanity]

/** Every check of the suite, dialect by dialect. */
export const allChecks: ReadonlyArray<Check> = Dialect.checksOf(dialects)
