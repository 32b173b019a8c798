/**
 * Sanity's management API as this server mounts it: under `/sanity` (`@sanity/client`'s `apiHost`).
 * The dialect's handlers are written against it (`SanityHandlers.ts`).
 */
import { SanityApi } from "@projectkit/sanity"

export const prefix = "/sanity"

export const api = SanityApi.SanityApi.prefix(prefix)
