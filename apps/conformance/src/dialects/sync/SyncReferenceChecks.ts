/**
 * sync.so v2 checks from its current API reference (https://sync.so/docs/api-reference): coded
 * error bodies and their catalog (`GET /v2/errors`), deleting a generation and downloading its
 * output, the Assets API (upload URL, PUT, register, download, find uploaded, update, delete) and
 * attaching an asset to a project. The shared notes
 * carry the error body's older shape; each check links the reference page whose words it enforces
 * and quotes them in its note.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness } from "../../Harness.js"
import { createHash, randomBytes } from "node:crypto"
import { token } from "../../internal/common.js"
import { mediaUrl, newProject } from "./SyncChecks.js"
import { cite } from "./SyncSources.js"

const NOTES = "providers/sync.md"
const API = "https://sync.so/docs/api-reference/api"
const ERROR_BODY = "Error body (SDK `GenerationError`): `{statusCode, message}`"
const GENERATE_ROW = "GET /v2/generate/{id} | one Generation | SDK"
const UPLOADS = "Asset uploads (`POST /v2/assets/upload` `{fileName, contentType, size}` → `{uploadUrl, url, expiresIn}`,"
const ASSET_ROW = "GET /v2/assets/{id} | Asset; 401, 404, 500 | seed 002, SDK"
const PROJECT_ROW = "GET/PATCH/DELETE /v2/projects/{id} | PATCH changes only the fields sent | seed 000"

const C = {
  catalog: cite(NOTES, ERROR_BODY, {
    url: `${API}/errors-api/list`,
    note: "errors-api/list: \"Returns the full catalog of machine-readable error codes — each with a human-readable message and a " +
      "suggested fix … This endpoint is unauthenticated.\" — 200 without x-api-key, a list of entries"
  }),
  coded: cite(NOTES, ERROR_BODY, {
    url: `${API}/errors-api/list`,
    note: "every page's Errors section: message (required), statusCode (required), errorCode (optional: \"Stable, " +
      "machine-readable error code (e.g. project_not_found …)\"), and the list page: \"Pair it with the errorCode field " +
      "returned … on a coded 4xx/5xx response\" — an errorCode sent is a string the catalog lists"
  }),
  deleteGeneration: cite(NOTES, GENERATE_ROW, {
    url: `${API}/generate-api/delete`,
    note: "generate-api/delete: \"Only generations in a terminal state can be deleted; deleting one that is still processing " +
      "returns 409 (errorCode generation_not_deletable_while_processing).\" The answer is the deleted generation; INF: it is " +
      "gone afterwards (404), an unknown id is a 404"
  })
}

const A = {
  uploads: cite(NOTES, UPLOADS, {
    url: `${API}/assets-api/create-upload`,
    note: "create-upload: 201 {uploadUrl, url, expiresIn}; \"PUT the file bytes to the returned uploadUrl with the same " +
      "Content-Type, then register the file as an asset via POST /v2/assets using the returned url\"; get-download-url: " +
      "\"Unquoted asset download URL in a text/plain body. … Fetch that URL separately; do not send your API key to it.\" " +
      "INF: the registered asset's inputType is UPLOAD and its size the bytes sent; the download URL serves them"
  }),
  findUploaded: cite(NOTES, UPLOADS, {
    url: `${API}/assets-api/find-uploaded`,
    note: "find-uploaded: \"Find the newest live asset registered with the same API key, SHA-256 digest, and type … Returns " +
      "asset null when no asset matches.\" — contentSha256 is \"64 lowercase hexadecimal characters\" (400 otherwise)"
  }),
  updateAsset: cite(NOTES, ASSET_ROW, {
    url: `${API}/assets-api/update`,
    note: "update: \"Update an asset's name or visibility … an unknown id returns a 404 with errorCode asset_not_found\"; " +
      "INF: the fields not sent stay as they were"
  }),
  deleteAsset: cite(NOTES, ASSET_ROW, {
    url: `${API}/assets-api/delete`,
    note: "delete: 200 {id} \"The id of the deleted asset\"; \"An asset you can view but not delete returns a 403 with " +
      "errorCode asset_forbidden\" — with API-key auth the asset must be the key owner's; INF: it is gone afterwards (404)"
  }),
  attach: cite(NOTES, PROJECT_ROW, {
    url: `${API}/projects/attach-asset`,
    note: "attach-asset: POST /v2/projects/{id}/assets {assetId}: \"This is idempotent — re-attaching an asset that is " +
      "already linked succeeds without creating a duplicate. Returns 204 No Content on success.\" — the asset then echoes " +
      "the project's id"
  }),
  generationDownload: cite(NOTES, GENERATE_ROW, {
    url: `${API}/generate-api/download`,
    note: "download: GET /v2/generations/{id}/download — \"The successful response is an unquoted URL in a text/plain body\" " +
      "for \"the available full output of a completed generation\"; INF: it is the generation's outputUrl, and a generation " +
      "without an output is a 404"
  }),
}

const check = forDialect("sync")

/** The catalog, read without credentials. */
const readCatalog = Effect.gen(function*() {
  const h = yield* Harness
  const exchange = yield* h.request({ path: "/v2/errors", as: "anonymous" })
  yield* Expect.status(exchange, 200)
  const entries = yield* Expect.array(exchange)
  return { exchange, entries, text: JSON.stringify(entries) }
})

/** A coded error body: statusCode the status, a message, and the optional fields typed; its errorCode, if any. */
const codedBody = (exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.fields(exchange.response.json, {
      statusCode: "number",
      errorCode: Expect.optional("string"),
      suggestion: Expect.optional("string"),
      field: Expect.optional("string")
    }, "the error body", exchange)
    const body = yield* Expect.object(exchange)
    yield* Expect.equal(body["statusCode"], exchange.response.status, "the error body's statusCode", exchange)
    const message = body["message"]
    yield* Expect.that(
      typeof message === "string" || (Array.isArray(message) && message.every((m) => typeof m === "string")),
      "the error body has no message",
      exchange
    )
    return typeof body["errorCode"] === "string" ? body["errorCode"] : undefined
  })

/** A generation of valid input, created. */
const newGeneration = Effect.gen(function*() {
  const h = yield* Harness
  const tag = token()
  const created = yield* h.request({
    method: "POST",
    path: "/v2/generate",
    json: { model: "lipsync-2", input: [{ type: "video", url: mediaUrl(tag, "video.mp4") }, { type: "audio", url: mediaUrl(tag, "audio.wav") }] }
  })
  yield* Expect.ok(created)
  return { created, id: yield* Expect.string(created, "id") }
})

const TERMINAL = ["COMPLETED", "FAILED", "REJECTED"]

/** Polls the generation until it is in a terminal state, within the run's lifecycle timeout. */
const untilTerminal = (id: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const waitMs = Duration.toMillis(h.lifecycleTimeout)
    const deadline = Date.now() + waitMs
    for (;;) {
      const read = yield* h.request({ path: `/v2/generate/${id}` })
      yield* Expect.status(read, 200)
      const status = (yield* Expect.object(read))["status"]
      if (typeof status === "string" && TERMINAL.includes(status)) return read
      if (Date.now() > deadline) {
        return yield* Expect.fail(`the generation is still ${String(status)} after ${waitMs} ms (--lifecycle-timeout-ms)`, read)
      }
      yield* Effect.sleep(Duration.millis(Math.min(1000, Math.max(50, waitMs / 100))))
    }
  })

/** A raw request to an absolute URL (an upload or download URL): never with the key. */
const raw = (url: string, init: { readonly method?: string; readonly contentType?: string; readonly body?: Uint8Array } = {}) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url, {
        method: init.method ?? "GET",
        ...(init.contentType === undefined ? {} : { headers: { "content-type": init.contentType } }),
        ...(init.body === undefined ? {} : { body: init.body })
      })
      return { status: response.status, type: response.headers.get("content-type") ?? "", bytes: new Uint8Array(await response.arrayBuffer()) }
    },
    catch: (error) => String(error)
  }).pipe(Effect.catchAll((error) => Expect.fail(`${init.method ?? "GET"} ${url} failed: ${error}`)))

/** A file uploaded and registered as sync.so documents it; the asset's id, the bytes and their digest. */
const uploadedAsset = (type: "AUDIO" | "VIDEO", contentType: string, fileName: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const bytes = new Uint8Array(randomBytes(4096 + Math.floor(Math.random() * 512)))
    const slot = yield* h.request({ method: "POST", path: "/v2/assets/upload", json: { fileName, contentType, size: bytes.length } })
    yield* Expect.status(slot, 201)
    yield* Expect.fields(slot.response.json, { uploadUrl: "string", url: "string", expiresIn: "number" }, "the upload answer", slot)
    const { uploadUrl, url } = yield* Expect.object(slot) as Effect.Effect<{ uploadUrl: string; url: string }, never>
    const put = yield* raw(uploadUrl, { method: "PUT", contentType, body: bytes })
    yield* Expect.that(put.status >= 200 && put.status < 300, `the PUT of the bytes to the uploadUrl answered ${put.status}`, slot)
    const registered = yield* h.request({ method: "POST", path: "/v2/assets", json: { url, type, name: h.unique(`upload-${token()}`) } })
    yield* Expect.ok(registered)
    const id = yield* Expect.string(registered, "id")
    return { id, registered, bytes, digest: createHash("sha256").update(bytes).digest("hex"), url }
  })

/** An asset registered by URL, owned by `as`'s key. */
const registeredByUrl = (as: "primary" | "member" = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const registered = yield* h.request({
      method: "POST",
      path: "/v2/assets",
      as,
      json: { url: mediaUrl(tag, "clip.mp4"), type: "VIDEO", name: h.unique(`asset-${tag}`), visibility: "ORGANIZATION", format: "mp4" }
    })
    yield* Expect.ok(registered)
    return { id: yield* Expect.string(registered, "id"), registered, url: mediaUrl(tag, "clip.mp4") }
  })

export const checks: ReadonlyArray<Check> = [
  check("SYNC-ERR-004", "GET /v2/errors answers the catalog of error codes without an x-api-key", C.catalog, Effect.gen(function*() {
    const { entries, exchange } = yield* readCatalog
    yield* Expect.that(entries.length > 0, "the catalog is empty", exchange)
    yield* Expect.that(entries.every(Expect.isRecord), "a catalog entry is not an object", exchange)
    for (const documented of ["project_not_found", "asset_not_found", "generation_not_deletable_while_processing"]) {
      yield* Expect.that(JSON.stringify(entries).includes(`"${documented}"`), `the catalog does not list ${documented}, a code the reference names`, exchange)
    }
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-ERR-005", "Error bodies are {message, statusCode, errorCode?, suggestion?, field?}, each errorCode one the catalog lists", C.coded, Effect.gen(function*() {
    const h = yield* Harness
    const { exchange: catalog, text } = yield* readCatalog
    const refusals = [
      yield* h.request({ path: `/v2/projects/${crypto.randomUUID()}` }),
      yield* h.request({ path: `/v2/assets/${crypto.randomUUID()}` }),
      yield* h.request({ path: `/v2/generate/${crypto.randomUUID()}` }),
      yield* h.request({ path: "/v2/projects", as: "anonymous" }),
      yield* h.request({ method: "POST", path: "/v2/projects", json: { name: 42 } })
    ]
    for (const refusal of refusals) {
      yield* Expect.clientError(refusal)
      const code = yield* codedBody(refusal)
      if (code !== undefined) {
        yield* Expect.that(text.includes(`"${code}"`), `errorCode ${code} is not in the catalog (GET /v2/errors, ${catalog.response.status})`, refusal)
      }
    }
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-GEN-004", "DELETE /v2/generate/{id}: 409 while at work, the generation once terminal, then gone", C.deleteGeneration, Effect.gen(function*() {
    const h = yield* Harness
    const unknown = yield* h.request({ method: "DELETE", path: `/v2/generate/${crypto.randomUUID()}` })
    yield* Expect.status(unknown, 404)
    const { id } = yield* newGeneration
    // Right after the create it is most likely at work: a 409 coded as the page says. (A server
    // that already finished it may delete it: then the answer must be a terminal generation.)
    const early = yield* h.request({ method: "DELETE", path: `/v2/generate/${id}` })
    yield* Expect.status(early, 200, 409)
    if (early.response.status === 409) {
      const code = yield* codedBody(early)
      yield* Expect.equal(code, "generation_not_deletable_while_processing", "the 409's errorCode", early)
      yield* untilTerminal(id)
      const deleted = yield* h.request({ method: "DELETE", path: `/v2/generate/${id}` })
      yield* Expect.status(deleted, 200)
      yield* Expect.values(deleted.response.json, { id }, "the DELETE answer", deleted)
      yield* Expect.that(TERMINAL.includes(String((yield* Expect.object(deleted))["status"])), "the deleted generation is not terminal", deleted)
    } else {
      yield* Expect.that(TERMINAL.includes(String((yield* Expect.object(early))["status"])), "a generation at work was deleted", early)
    }
    yield* Expect.status(yield* h.request({ path: `/v2/generate/${id}` }), 404)
  }), { profile: "extended" }),
  check("SYNC-GEN-005", "GET /v2/generations/{id}/download: the completed output's URL as text/plain; 404 before", A.generationDownload, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newGeneration
    const ended = yield* untilTerminal(id)
    const generation = yield* Expect.object(ended)
    const download = yield* h.request({ path: `/v2/generations/${id}/download` })
    if (generation["status"] === "COMPLETED") {
      yield* Expect.status(download, 200)
      yield* Expect.that((download.response.headers["content-type"] ?? "").startsWith("text/plain"), "the download URL is not text/plain", download)
      yield* Expect.equal(download.response.body, generation["outputUrl"], "the download URL (the generation's outputUrl)", download)
    } else {
      yield* Expect.status(download, 404)
    }
    yield* Expect.status(yield* h.request({ path: `/v2/generations/${crypto.randomUUID()}/download` }), 404)
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-UPLOAD-001", "An upload URL takes a plain PUT of the bytes; the registered asset's download URL serves them back", A.uploads, Effect.gen(function*() {
    const h = yield* Harness
    const { bytes, id, registered, url } = yield* uploadedAsset("AUDIO", "audio/wav", "voice.wav")
    yield* Expect.values(registered.response.json, { url, type: "AUDIO", inputType: "UPLOAD", size: bytes.length }, "the register answer", registered)
    const download = yield* h.request({ path: `/v2/assets/${id}/download` })
    yield* Expect.status(download, 200)
    yield* Expect.that((download.response.headers["content-type"] ?? "").startsWith("text/plain"), "the download URL is not text/plain", download)
    yield* Expect.that(/^https?:\/\/\S+$/.test(download.response.body), `the download URL is not an unquoted URL: ${download.response.body.slice(0, 100)}`, download)
    const served = yield* raw(download.response.body)
    yield* Expect.that(served.status === 200 && Buffer.from(served.bytes).equals(Buffer.from(bytes)), "the download URL does not serve the bytes uploaded", download)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` }), 200)
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-UPLOAD-002", "GET /v2/assets/uploaded finds the newest asset of the key by SHA-256 and type, or null", A.findUploaded, Effect.gen(function*() {
    const h = yield* Harness
    const { digest, id } = yield* uploadedAsset("VIDEO", "video/mp4", "take.mp4")
    const found = yield* h.request({ path: "/v2/assets/uploaded", query: { contentSha256: digest, type: "VIDEO" } })
    yield* Expect.status(found, 200)
    yield* Expect.values(Expect.isRecord(found.response.json) ? found.response.json["asset"] : undefined, { id }, "the asset found", found)
    const otherType = yield* h.request({ path: "/v2/assets/uploaded", query: { contentSha256: digest, type: "AUDIO" } })
    yield* Expect.status(otherType, 200)
    yield* Expect.equal(otherType.response.json, { asset: null }, "the answer for another type", otherType)
    yield* Expect.status(yield* h.request({ path: "/v2/assets/uploaded", query: { contentSha256: "XYZ", type: "VIDEO" } }), 400)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` }), 200)
  }), { profile: "extended", asserts: "option" }),
  check("SYNC-ASSET-009", "PATCH /v2/assets/{id} changes the fields sent only; an unknown id is 404 asset_not_found", A.updateAsset, Effect.gen(function*() {
    const h = yield* Harness
    const { id, url } = yield* registeredByUrl()
    const name = h.unique(`renamed-${token()}`)
    const updated = yield* h.request({ method: "PATCH", path: `/v2/assets/${id}`, json: { name, width: 320 } })
    yield* Expect.status(updated, 200)
    yield* Expect.values(updated.response.json, { id, name, width: 320, url, visibility: "ORGANIZATION", format: "mp4" }, "the PATCH answer", updated)
    const read = yield* h.request({ path: `/v2/assets/${id}` })
    yield* Expect.values(read.response.json, { name, width: 320 }, "the asset read back", read)
    const unknown = yield* h.request({ method: "PATCH", path: `/v2/assets/${crypto.randomUUID()}`, json: { name } })
    yield* Expect.status(unknown, 404)
    yield* Expect.equal(yield* codedBody(unknown), "asset_not_found", "the 404's errorCode", unknown)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` }), 200)
  }), { profile: "extended", asserts: "option" }),
  check("SYNC-ASSET-010", "DELETE /v2/assets/{id} answers {id} and the asset is gone; an unknown id is 404 asset_not_found", A.deleteAsset, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* registeredByUrl()
    const deleted = yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` })
    yield* Expect.status(deleted, 200)
    yield* Expect.equal(deleted.response.json, { id }, "the DELETE answer", deleted)
    yield* Expect.status(yield* h.request({ path: `/v2/assets/${id}` }), 404)
    const again = yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` })
    yield* Expect.status(again, 404)
    yield* Expect.equal(yield* codedBody(again), "asset_not_found", "the 404's errorCode", again)
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-ASSET-011", "Another user's key may see an asset but not change or delete it: 403 asset_forbidden", A.deleteAsset, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* registeredByUrl()
    for (const [method, json] of [["PATCH", { name: "not mine" }], ["DELETE", undefined]] as const) {
      const refused = yield* h.request({ method, path: `/v2/assets/${id}`, as: "member", ...(json === undefined ? {} : { json }) })
      yield* Expect.status(refused, 403)
      yield* Expect.equal(yield* codedBody(refused), "asset_forbidden", "the 403's errorCode", refused)
    }
    yield* Expect.status(yield* h.request({ path: `/v2/assets/${id}` }), 200)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` }), 200)
  }), { profile: "extended", requires: ["member"] }),
  check("SYNC-ATT-017", "POST /v2/projects/{id}/assets attaches an asset (204, idempotent); the asset echoes the project", A.attach, Effect.gen(function*() {
    const h = yield* Harness
    const { id: projectId } = yield* newProject("attach")
    const { id } = yield* registeredByUrl()
    for (let i = 0; i < 2; i++) {
      yield* Expect.status(yield* h.request({ method: "POST", path: `/v2/projects/${projectId}/assets`, json: { assetId: id } }), 204)
    }
    const read = yield* h.request({ path: `/v2/assets/${id}` })
    yield* Expect.values(read.response.json, { projectId }, "the attached asset", read)
    const { last, pages } = yield* Effect.gen(function*() {
      const listed = yield* h.request({ path: "/v2/assets", query: { projectId, limit: 100 } })
      yield* Expect.status(listed, 200)
      return { last: listed, pages: [yield* Expect.list(listed, "items")] }
    })
    yield* Expect.that(pages.flat().filter((asset) => asset["id"] === id).length === 1, "the attached asset is not listed once under the project", last)
    yield* Expect.status(yield* h.request({ method: "POST", path: `/v2/projects/${crypto.randomUUID()}/assets`, json: { assetId: id } }), 404)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/assets/${id}` }), 200)
  }), { profile: "extended", asserts: "option" })
]
