/**
 * Indream's contract as this server mounts it: under `/indream`. The dialect's handlers are
 * written against it (`IndreamHandlers.ts`), and the URLs it hands out carry its prefix.
 */
import { IndreamApi } from "@projectkit/indream"

export const prefix = "/indream" as const

export const api = IndreamApi.IndreamApi.prefix(prefix)
