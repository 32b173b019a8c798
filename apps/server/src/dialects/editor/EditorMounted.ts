/**
 * The editor's contract as this server mounts it: under `/editor`. The dialect's handlers are
 * written against it (`EditorHandlers.ts`).
 */
import { EditorApi } from "@projectkit/editor"

export const prefix = "/editor"

export const api = EditorApi.EditorApi.prefix(prefix)
