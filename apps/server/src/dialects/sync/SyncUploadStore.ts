/**
 * sync.so's asset uploads (assets-api/create-upload, https://sync.so/docs/developer-guides/asset-uploads):
 * an upload is promised (`POST /v2/assets/upload`: a name, a MIME type, a size), its bytes arrive
 * by a plain `PUT` to the upload URL before it expires, and `POST /v2/assets` then registers them.
 *
 * The bytes are kept in the database, in base64 chunks of `sync_upload_chunks` (text, so both
 * backends store and snapshot them alike), so every instance serves them and snapshots, resets and
 * deletes of an organization cover them (`SyncDialect.tables`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import type { Caller } from "../../Organizations.js"
import { randomId } from "../../internal/ids.js"

export interface UploadRow {
  readonly id: string
  readonly org_id: string
  readonly user_id: string
  readonly secret: string
  readonly file_name: string
  readonly content_type: string
  readonly size: number
  readonly expires_at: number
  readonly received_size: number | null
  readonly sha256: string | null
  readonly created_at: number
}

/** Why a PUT of bytes is refused (INF: the pages leave a refused PUT's answer to the storage). */
export type Refusal =
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Expired" }
  | { readonly _tag: "WrongContentType"; readonly expected: string }
  | { readonly _tag: "WrongSize"; readonly expected: number }

/** Bytes per stored chunk (before base64). */
const chunkBytes = 1024 * 1024

/** Where the server keeps an upload, under `base` (its own address as the request reached it). */
export const urls = (base: string, upload: Pick<UploadRow, "id" | "secret" | "file_name">) => ({
  uploadUrl: `${base}/v2/uploads/${upload.id}?signature=${upload.secret}`,
  url: `${base}/v2/uploads/${upload.id}/${encodeURIComponent(upload.file_name)}`
})

/** The upload id of one of this server's upload URLs (`…/v2/uploads/<id>/<name>`), if `url` is one. */
export const uploadIdOf = (url: string): string | undefined => {
  try {
    return /\/sync\/v2\/uploads\/([^/?#]+)\/[^/?#]+$/.exec(new URL(url).pathname)?.[1]
  } catch {
    return undefined
  }
}

const sameSecret = (given: string, expected: string) => {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)]
  return a.length === b.length && Crypto.timingSafeEqual(a, b)
}

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const columns = sql.literal(`id, org_id, user_id, secret, file_name, content_type, size, expires_at, received_size,
    sha256, created_at`)

  const createUpload = (
    caller: Caller,
    input: { readonly fileName: string; readonly contentType: string; readonly size: number },
    now: number,
    expiresInSeconds: number
  ) => {
    const row: UploadRow = {
      id: randomId(),
      org_id: caller.orgId,
      user_id: caller.userId,
      secret: Crypto.randomBytes(24).toString("hex"),
      file_name: input.fileName,
      content_type: input.contentType,
      size: input.size,
      expires_at: now + expiresInSeconds * 1000,
      received_size: null,
      sha256: null,
      created_at: now
    }
    return Effect.as(
      sql`INSERT INTO sync_uploads (id, org_id, user_id, secret, file_name, content_type, size, expires_at, created_at)
        VALUES (${row.id}, ${row.org_id}, ${row.user_id}, ${row.secret}, ${row.file_name}, ${row.content_type},
          ${row.size}, ${row.expires_at}, ${row.created_at})`,
      row
    )
  }

  const findUpload = (id: string) =>
    Effect.map(sql<UploadRow>`SELECT ${columns} FROM sync_uploads WHERE id = ${id}`, (rows) => Option.fromNullable(rows[0]))

  /** An upload of the caller's organization, by id. */
  const uploadOf = (caller: Caller, id: string) =>
    Effect.map(findUpload(id), Option.filter((row) => row.org_id === caller.orgId))

  /**
   * Stores `bytes` as the upload's content, replacing any sent before (a PUT is idempotent), when
   * `secret` is the upload URL's, the URL has not expired and the bytes are what was announced.
   */
  const receive = (id: string, secret: string, contentType: string | undefined, bytes: Uint8Array, now: number) =>
    sql.withTransaction(Effect.gen(function*() {
      const found = yield* findUpload(id)
      if (Option.isNone(found) || !sameSecret(secret, found.value.secret)) return { _tag: "Unknown" } as Refusal
      const upload = found.value
      if (now > upload.expires_at) return { _tag: "Expired" } as Refusal
      if ((contentType ?? "").split(";")[0]!.trim().toLowerCase() !== upload.content_type.toLowerCase()) {
        return { _tag: "WrongContentType", expected: upload.content_type } as Refusal
      }
      if (bytes.length !== Number(upload.size)) return { _tag: "WrongSize", expected: Number(upload.size) } as Refusal
      const sha256 = Crypto.createHash("sha256").update(bytes).digest("hex")
      yield* sql`DELETE FROM sync_upload_chunks WHERE upload_id = ${id}`
      for (let seq = 0; seq * chunkBytes < bytes.length; seq++) {
        const data = Buffer.from(bytes.subarray(seq * chunkBytes, (seq + 1) * chunkBytes)).toString("base64")
        yield* sql`INSERT INTO sync_upload_chunks (upload_id, seq, data) VALUES (${id}, ${seq}, ${data})`
      }
      yield* sql`UPDATE sync_uploads SET received_size = ${bytes.length}, sha256 = ${sha256} WHERE id = ${id}`
      return undefined
    }))

  /** A received upload's bytes, with its name and type (none when unknown or not received). */
  const content = (id: string) =>
    Effect.gen(function*() {
      const found = yield* findUpload(id)
      if (Option.isNone(found) || found.value.received_size === null) return Option.none()
      const chunks = yield* sql<{ readonly data: string }>`SELECT data FROM sync_upload_chunks
        WHERE upload_id = ${id} ORDER BY seq`
      const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data, "base64")))
      return Option.some({ upload: found.value, bytes: new Uint8Array(bytes) })
    })

  const deleteUpload = (id: string) => Effect.asVoid(sql`DELETE FROM sync_uploads WHERE id = ${id}`)

  return { createUpload, uploadOf, receive, content, deleteUpload } as const
})

export type SyncUploadStoreService = Effect.Effect.Success<typeof make>

/** sync.so's asset uploads and their bytes, over whichever SQL backend the server runs on. */
export class SyncUploadStore extends Context.Tag("@projectkit/server/SyncUploadStore")<
  SyncUploadStore,
  SyncUploadStoreService
>() {}

export const layer = Layer.effect(SyncUploadStore, make)
