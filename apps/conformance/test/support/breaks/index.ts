/**
 * The broken behaviours of every dialect, by its name: a file per dialect (its own breaks, built
 * by `breaksOf`, which adds the isolation break every dialect has) and an entry here.
 */
import type { BrokenBehaviour } from "../BreakingProxy.js"
import { indreamBreaks } from "./indream.js"
import { sanityBreaks } from "./sanity.js"
import { syncBreaks } from "./sync.js"

export const breaksByDialect: Readonly<Record<string, ReadonlyArray<BrokenBehaviour>>> = {
  sync: syncBreaks,
  indream: indreamBreaks,
  sanity: sanityBreaks
}
