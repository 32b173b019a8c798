import * as Pagination from "@projectkit/core/Pagination"

/**
 * Cursors of the server's lists. The secret is fixed: a cursor only has to be opaque and
 * tamper-evident, since every query is confined to the caller's organization anyway; a fixed
 * secret keeps cursors valid across restarts and across instances sharing one database.
 */
export const cursors = Pagination.makeCursorCodec("projectkit-server-cursor-v1")

/** `LIKE` pattern matching `text` anywhere, with the wildcards in `text` escaped (ESCAPE '\'). */
export const containsPattern = (text: string): string =>
  `%${Pagination.searchKey(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`
