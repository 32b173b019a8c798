/** Every check of the suite, dialect by dialect. */
import type { Check } from "../Check.js"
import * as EditorChecks from "./EditorChecks.js"
import * as SanityChecks from "./SanityChecks.js"
import * as SyncChecks from "./SyncChecks.js"

export const allChecks: ReadonlyArray<Check> = [...SyncChecks.checks, ...EditorChecks.checks, ...SanityChecks.checks]
