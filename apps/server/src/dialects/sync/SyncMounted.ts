/**
 * sync.so's contract as this server mounts it: under `/sync`, where the real client is pointed by
 * base URL. The dialect's handlers are written against it (`SyncHandlers.ts`).
 */
import { SyncApi } from "@projectkit/sync"

export const prefix = "/sync"

export const api = SyncApi.SyncApi.prefix(prefix)
