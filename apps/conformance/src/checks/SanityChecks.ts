/** placeholder */
import type { Check } from "../Check.js"

export const checks: ReadonlyArray<Check> = []
