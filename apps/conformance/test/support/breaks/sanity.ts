import type { BrokenBehaviour } from "../BreakingProxy.js"

export const sanityBreaks: ReadonlyArray<BrokenBehaviour> = []
