/**
 * Issue 25 on the wire: sync.so's Assets API — an upload URL, a plain PUT of the bytes (no key,
 * the announced Content-Type and size), registering the upload, its download URL serving the bytes
 * back, find-uploaded by the SHA-256 the server computed (same key only), update and delete under
 * the owner rule (403 asset_forbidden, 404 asset_not_found), and attaching an asset to a project.
 * Runs on SQLite and on PostgreSQL (`PROJECTKIT_TEST_DATABASE_URL`), on either router.
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import { addSyncMember, makeSyncOrg } from "../support/SyncOrg.js"
import { request, layer as testServer } from "../support/TestServer.js"

const send = (apiKey: string | undefined, method: string, body?: unknown): RequestInit => ({
  method,
  headers: { ...(apiKey === undefined ? {} : { "x-api-key": apiKey }), "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) })
})

const put = (url: string, bytes: Uint8Array, contentType: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, { method: "PUT", headers: { "content-type": contentType }, body: bytes })
    const text = await response.text()
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) as Record<string, unknown> }
  })

const fetchBytes = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, type: response.headers.get("content-type"), bytes: new Uint8Array(await response.arrayBuffer()) }
  })

const path = (url: string) => {
  const parsed = new URL(url)
  return `${parsed.pathname}${parsed.search}`
}

layer(testServer(), { excludeTestServices: true })("sync.so: the Assets API", (it) => {
  it.effect("upload URL, PUT without a key, register, download, find uploaded by the server's SHA-256", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("uploads")
      const bytes = Crypto.randomBytes(3 * 1024 * 1024 + 17)
      const digest = Crypto.createHash("sha256").update(bytes).digest("hex")
      const created = yield* request("/sync/v2/assets/upload", send(org.apiKey, "POST", { fileName: "speaker.mp4", contentType: "video/mp4", size: bytes.length }))
      expect(created.status).toBe(201)
      const upload = created.body as { uploadUrl: string; url: string; expiresIn: number }
      expect(upload.expiresIn).toBe(3600)

      // Registering before the bytes arrived is refused, and creates nothing.
      const early = yield* request("/sync/v2/assets", send(org.apiKey, "POST", { url: upload.url, type: "VIDEO" }))
      expect({ status: early.status, field: (early.body as Record<string, unknown>)["field"] }).toEqual({ status: 400, field: "url" })

      // The wrong Content-Type, the wrong size, a wrong signature: refused, coded.
      expect((yield* put(upload.uploadUrl, bytes, "audio/wav")).body).toMatchObject({ statusCode: 400, errorCode: "upload_content_type_mismatch" })
      expect((yield* put(upload.uploadUrl, bytes.subarray(1), "video/mp4")).body).toMatchObject({ statusCode: 400, errorCode: "upload_size_mismatch" })
      expect((yield* put(upload.uploadUrl.replace(/signature=\w+/, "signature=forged"), bytes, "video/mp4")).body)
        .toMatchObject({ statusCode: 404, errorCode: "upload_not_found" })
      expect((yield* put(upload.uploadUrl, bytes, "video/mp4")).status).toBe(200)

      const registered = yield* request("/sync/v2/assets", send(org.apiKey, "POST", { url: upload.url, type: "VIDEO" }))
      expect(registered.status).toBe(201)
      const asset = registered.body as Record<string, unknown>
      expect(asset).toMatchObject({ url: upload.url, type: "VIDEO", inputType: "UPLOAD", size: bytes.length, name: "speaker.mp4", format: "mp4" })

      // The download URL: plain text, unquoted; fetched without the key, it serves the bytes.
      const download = yield* request(`/sync/v2/assets/${asset["id"]}/download`, send(org.apiKey, "GET"))
      expect(download.status).toBe(200)
      expect(download.headers.get("content-type")).toMatch(/^text\/plain/)
      const served = yield* fetchBytes(String(download.body))
      expect(served.status).toBe(200)
      expect(served.type).toBe("video/mp4")
      expect(Buffer.from(served.bytes).equals(bytes)).toBe(true)

      // Find uploaded: by the digest the server computed and the type; the same key only.
      const found = yield* request(`/sync/v2/assets/uploaded?contentSha256=${digest}&type=VIDEO`, send(org.apiKey, "GET"))
      expect(found.body).toMatchObject({ asset: { id: asset["id"] } })
      expect((yield* request(`/sync/v2/assets/uploaded?contentSha256=${digest}&type=AUDIO`, send(org.apiKey, "GET"))).body).toEqual({ asset: null })
      const member = yield* addSyncMember(org)
      expect((yield* request(`/sync/v2/assets/uploaded?contentSha256=${digest}&type=VIDEO`, send(member.apiKey, "GET"))).body).toEqual({ asset: null })
      expect((yield* request(`/sync/v2/assets/uploaded?contentSha256=${"A".repeat(64)}&type=VIDEO`, send(org.apiKey, "GET"))).status).toBe(400)

      // Deleting the asset deletes its bytes.
      expect((yield* request(`/sync/v2/assets/${asset["id"]}`, send(org.apiKey, "DELETE"))).body).toEqual({ id: asset["id"] })
      expect((yield* fetchBytes(upload.url)).status).toBe(404)
      expect(path(upload.url)).toMatch(/^\/sync\/v2\/uploads\//)
    }))

  it.effect("update and delete: the owner only (403 asset_forbidden), 404 asset_not_found; attach to a project, idempotent", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("owners")
      const member = yield* addSyncMember(org)
      const other = yield* makeSyncOrg("owners-other")
      const registered = yield* request("/sync/v2/assets", send(org.apiKey, "POST", { url: "https://example.com/a.mp4", type: "VIDEO", name: "a" }))
      const id = (registered.body as { id: string }).id

      const renamed = yield* request(`/sync/v2/assets/${id}`, send(org.apiKey, "PATCH", { name: "renamed", width: 640 }))
      expect(renamed.status).toBe(200)
      expect(renamed.body).toMatchObject({ id, name: "renamed", width: 640, visibility: "ORGANIZATION", url: "https://example.com/a.mp4" })
      const download = yield* request(`/sync/v2/assets/${id}/download`, send(org.apiKey, "GET"))
      expect(download.body).toBe("https://example.com/a.mp4")

      for (const [method, body] of [["PATCH", { name: "mine" }], ["DELETE", undefined]] as const) {
        const forbidden = yield* request(`/sync/v2/assets/${id}`, send(member.apiKey, method, body))
        expect({ status: forbidden.status, errorCode: (forbidden.body as Record<string, unknown>)["errorCode"] })
          .toEqual({ status: 403, errorCode: "asset_forbidden" })
        const foreign = yield* request(`/sync/v2/assets/${id}`, send(other.apiKey, method, body))
        expect({ status: foreign.status, errorCode: (foreign.body as Record<string, unknown>)["errorCode"] })
          .toEqual({ status: 404, errorCode: "asset_not_found" })
      }

      const project = yield* org.client.projects.create({ name: "Attached" })
      for (let i = 0; i < 2; i++) {
        expect((yield* request(`/sync/v2/projects/${project.id}/assets`, send(org.apiKey, "POST", { assetId: id }))).status).toBe(204)
      }
      expect((yield* request(`/sync/v2/assets/${id}`, send(org.apiKey, "GET"))).body).toMatchObject({ projectId: project.id })
      const unknownAsset = yield* request(`/sync/v2/projects/${project.id}/assets`, send(org.apiKey, "POST", { assetId: "nope" }))
      expect((unknownAsset.body as Record<string, unknown>)["errorCode"]).toBe("asset_not_found")
      const unknownProject = yield* request(`/sync/v2/projects/nope/assets`, send(org.apiKey, "POST", { assetId: id }))
      expect((unknownProject.body as Record<string, unknown>)["errorCode"]).toBe("project_not_found")
      const foreignProject = yield* request(`/sync/v2/projects/${project.id}/assets`, send(other.apiKey, "POST", { assetId: id }))
      expect(foreignProject.status).toBe(404)

      expect((yield* request(`/sync/v2/assets/${id}`, send(org.apiKey, "DELETE"))).status).toBe(200)
      expect((yield* request(`/sync/v2/assets/${id}`, send(org.apiKey, "GET"))).status).toBe(404)
    }))
})

layer(testServer({ generations: { pending: "300 millis", processing: "300 millis", pollInterval: "20 millis" } }), {
  excludeTestServices: true
})("sync.so: the new operations through SyncClient", (it) => {
  it.effect("uploads, finds, downloads, updates and deletes assets; attaches; deletes generations; reads the error catalog", () =>
    Effect.gen(function*() {
      const org = yield* makeSyncOrg("client")
      const member = yield* addSyncMember(org)
      const bytes = new Uint8Array(Crypto.randomBytes(2048))
      const asset = yield* org.client.assets.upload({ bytes, name: "voice.wav", contentType: "audio/wav" }, { type: "AUDIO" })
      expect(asset).toMatchObject({ inputType: "UPLOAD", size: 2048, name: "voice.wav" })
      const digest = Crypto.createHash("sha256").update(bytes).digest("hex")
      expect((yield* org.client.assets.findUploaded(digest, "AUDIO"))?.id).toBe(asset.id)
      expect(yield* member.client.assets.findUploaded(digest, "AUDIO")).toBeNull()
      const served = yield* fetchBytes(yield* org.client.assets.downloadUrl(asset.id))
      expect(Buffer.from(served.bytes).equals(Buffer.from(bytes))).toBe(true)
      expect((yield* org.client.assets.update(asset.id, { name: "renamed.wav" })).name).toBe("renamed.wav")
      expect(yield* Effect.flip(member.client.assets.delete(asset.id))).toMatchObject({ _tag: "Forbidden" })
      const project = yield* org.client.projects.create({ name: "Client attach" })
      yield* org.client.projects.attachAsset(project.id, asset.id)
      expect((yield* org.client.assets.get(asset.id)).projectId).toBe(project.id)
      expect(yield* org.client.assets.delete(asset.id)).toEqual({ id: asset.id })
      expect(yield* Effect.flip(org.client.assets.get(asset.id))).toMatchObject({ _tag: "NotFound" })

      const generation = yield* org.client.generations.create({
        model: "lipsync-2",
        input: [{ type: "video", url: "https://assets.sync.so/docs/example-video.mp4" }, { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }]
      })
      expect(yield* Effect.flip(org.client.generations.delete(generation.id))).toMatchObject({ _tag: "Conflict" })
      // An input may name an uploaded asset by assetId; an asset of no one here is a 404.
      const upload = yield* org.client.assets.upload({ bytes, name: "voice2.wav", contentType: "audio/wav" }, { type: "AUDIO" })
      const byAsset = yield* org.client.generations.create({
        model: "lipsync-2",
        input: [{ type: "video", url: "https://assets.sync.so/docs/example-video.mp4" }, { type: "audio", assetId: upload.id }]
      })
      expect(byAsset.input).toContainEqual({ type: "audio", assetId: upload.id })
      const unknownAsset = yield* Effect.flip(org.client.generations.create({
        model: "lipsync-2",
        input: [{ type: "video", url: "https://assets.sync.so/docs/example-video.mp4" }, { type: "audio", assetId: "no-such-asset" }]
      }))
      expect(unknownAsset).toMatchObject({ _tag: "NotFound" })
      // Refused, nothing created.
      expect(JSON.stringify(yield* org.client.generations.list())).not.toContain("no-such-asset")
      expect(yield* Effect.flip(org.client.generations.downloadUrl(generation.id))).toMatchObject({ _tag: "NotFound" })

      const catalog = yield* org.client.errors.list
      expect(catalog.map((entry) => entry.errorCode)).toContain("asset_forbidden")
    }))
})
