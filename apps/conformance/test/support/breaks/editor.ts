import type { BrokenBehaviour } from "../BreakingProxy.js"

export const editorBreaks: ReadonlyArray<BrokenBehaviour> = []
