/** Every check of the suite, dialect by dialect. */
import type * as Effect from "effect/Effect"
import type { Check, Dialect } from "../Check.js"
import type { Harness, Who } from "../Harness.js"
import * as EditorChecks from "./EditorChecks.js"
import * as SanityChecks from "./SanityChecks.js"
import * as SyncChecks from "./SyncChecks.js"
import * as SyncUploadChecks from "./SyncUploadChecks.js"

export const allChecks: ReadonlyArray<Check> = [
  ...SyncChecks.checks,
  ...SyncUploadChecks.checks,
  ...EditorChecks.checks,
  ...SanityChecks.checks
]

/** Per dialect: deletes what the run left under its prefix, as one caller. */
export const sweeps: Record<Dialect, (as: Who) => Effect.Effect<void, unknown, Harness>> = {
  sync: SyncChecks.sweep,
  editor: EditorChecks.sweep,
  sanity: SanityChecks.sweep
}
