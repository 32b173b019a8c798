/**
 * The upload store's rules, on a migrated in-memory database with the clock given: an upload URL
 * stops taking bytes once `expiresIn` has passed; before, the bytes must be what was announced, and
 * a PUT again replaces them (stored in chunks, read back whole, with the SHA-256 computed).
 */
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import * as Database from "../../src/Database.js"
import { Organizations, layer as organizationsLayer } from "../../src/Organizations.js"
import * as Dialects from "../../src/dialects/index.js"
import * as SyncUploadStore from "../../src/dialects/sync/SyncUploadStore.js"
import * as Revocations from "../../src/Revocations.js"

const storage = Database.layerSqlite(":memory:")
const services = Layer.merge(SyncUploadStore.layer, organizationsLayer).pipe(
  Layer.provide(Revocations.layer(":memory:")),
  Layer.provideMerge(storage),
  Layer.provide(Dialects.registered)
)

it.effect("refuses bytes after the URL expired, or not as announced; keeps them otherwise, in chunks", () =>
  Effect.gen(function*() {
    const organizations = yield* Organizations
    const uploads = yield* SyncUploadStore.SyncUploadStore
    const org = yield* organizations.create("uploads")
    const caller = { orgId: org.id, userId: "owner" }
    const bytes = new Uint8Array(Crypto.randomBytes(2 * 1024 * 1024 + 5))
    const start = 1_000_000
    const upload = yield* uploads.createUpload(caller, { fileName: "a.mp4", contentType: "video/mp4", size: bytes.length }, start, 60)

    expect(yield* uploads.receive(upload.id, "wrong", "video/mp4", bytes, start)).toEqual({ _tag: "Unknown" })
    expect(yield* uploads.receive(upload.id, upload.secret, "video/quicktime", bytes, start)).toEqual({ _tag: "WrongContentType", expected: "video/mp4" })
    expect(yield* uploads.receive(upload.id, upload.secret, "video/mp4", bytes.subarray(1), start)).toMatchObject({ _tag: "WrongSize" })
    expect(yield* uploads.receive(upload.id, upload.secret, "video/mp4", bytes, start + 60_001)).toEqual({ _tag: "Expired" })
    expect(Option.isNone(yield* uploads.content(upload.id))).toBe(true)

    expect(yield* uploads.receive(upload.id, upload.secret, "video/mp4; charset=binary", bytes, start + 60_000)).toBeUndefined()
    const stored = Option.getOrThrow(yield* uploads.content(upload.id))
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true)
    expect(stored.upload.sha256).toBe(Crypto.createHash("sha256").update(bytes).digest("hex"))
    // Another organization does not see it.
    const other = yield* organizations.create("others")
    expect(Option.isNone(yield* uploads.uploadOf({ orgId: other.id, userId: "owner" }, upload.id))).toBe(true)
  }).pipe(Effect.provide(services)))
