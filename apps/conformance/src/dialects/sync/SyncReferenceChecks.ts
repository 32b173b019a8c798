/**
 * sync.so v2 checks from its current API reference (https://sync.so/docs/api-reference): coded
 * error bodies and their catalog (`GET /v2/errors`), and deleting a generation. The shared notes
 * carry the error body's older shape; each check links the reference page whose words it enforces
 * and quotes them in its note.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness } from "../../Harness.js"
import { token } from "../../internal/common.js"
import { mediaUrl } from "./SyncChecks.js"
import { cite } from "./SyncSources.js"

const NOTES = "providers/sync.md"
const API = "https://sync.so/docs/api-reference/api"
const ERROR_BODY = "Error body (SDK `GenerationError`): `{statusCode, message}`"
const GENERATE_ROW = "GET /v2/generate/{id} | one Generation | SDK"

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
  }), { profile: "extended" })
]
