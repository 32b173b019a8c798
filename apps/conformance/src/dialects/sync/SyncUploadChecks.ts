/**
 * sync.so v2 checks of its multipart routes: "Create Generation with Files" (the multipart form
 * of `POST /v2/generate`) and the Batch API (`POST /v2/batch`, `GET /v2/batch/{id}`,
 * `GET /v2/batch`). The shared notes name these routes; their rules are on sync.so's pages, which
 * each check links and quotes in its reading. What the pages leave open (statuses, the results
 * file's access, a refused line) is as the reference server decides it, in the extended profile.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { createHmac, timingSafeEqual } from "node:crypto"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { type FormPart, Harness, type Who } from "../../Harness.js"
import { listItems, token } from "../../internal/common.js"
import { cite } from "./SyncSources.js"
import { errorBody, generationFields, mediaUrl, newProject } from "./SyncChecks.js"

const SEED_PROJECTS = "seeds/000_86ea530f0552be1f.txt"
const NOTES = "providers/sync.md"

const API = "https://sync.so/docs/api-reference/api"
const PAGES = {
  withFiles: `${API}/generate-api/create-with-files`,
  createBatch: `${API}/batch-api/create`,
  getBatch: `${API}/batch-api/get`,
  listBatches: `${API}/batch-api/list`,
  guide: "https://sync.so/docs/api-reference/guides/batch-processing",
  batchWebhook: `${API}/webhooks-payload-reference/webhooks/batch-status-update`
}

/** The notes' rows for the two routes, verbatim. */
const GENERATE_ROW = "POST /v2/generate | `{model, input[], options?, segments?, webhookUrl?, outputFileName?, projectId?}` → Generation"
const BATCH_ROW = "POST /v2/batch, GET /v2/batch, GET /v2/batch/{id} | batches of generations"

const BATCH_FILE = "\"input\" is a \"JSON lines file containing batch requests. Minimum 20 records required. Maximum file size: 5MB. " +
  "Maximum requests per batch: 500.\"; each line is {\"request_id\", \"endpoint\": \"/v2/generate\", \"payload\"}"

const C = {
  withFiles: cite(NOTES, GENERATE_ROW, {
    url: PAGES.withFiles,
    note: "sync.so's \"Create Generation with Files\" is the same route with a multipart/form-data body — files `video` and " +
      "`audio`, the fields `model`, `input` (one field per input item, its JSON), `options` (JSON) and `webhookUrl` — and " +
      "answers the Generation"
  }),
  assets: cite(NOTES, GENERATE_ROW, {
    url: PAGES.withFiles,
    note: "INF (the reference server): each uploaded file becomes an asset of the organization (inputType UPLOAD, its name the " +
      "file's, its size the bytes received, filed under the generation's projectId) and the generation's input item for it is " +
      "{type, assetId, url}"
  }),
  precedence: cite(NOTES, GENERATE_ROW, {
    url: PAGES.withFiles,
    note: "the page: \"Combining both file and url inputs is also supported, with the file taking precedence over the url\" — " +
      "the generation's video input is the uploaded file, not the url sent for it"
  }),
  tooLarge: cite(NOTES, GENERATE_ROW, {
    url: PAGES.withFiles,
    note: "the page: \"Only files below 20MB are supported\"; INF (the reference server): a file of 20 MB (20 × 1024 × 1024 bytes) " +
      "or more is refused with 413 in sync.so's error format, and nothing is created"
  }),
  rejected: cite(
    SEED_PROJECTS,
    "If it doesn’t (wrong id, or a project from another org), the create request is rejected with 422 Unprocessable Entity — the generation or asset is not created.",
    {
      url: PAGES.withFiles,
      note: "the multipart form is a create request too: refused with 422, it creates neither the generation nor the uploaded files' assets"
    }
  ),
  malformed: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: `the page: ${BATCH_FILE}. A file that is not that — empty, a line that is not JSON, another endpoint, a request_id twice, ` +
      "fewer than 20 or more than 500 lines — is a bad request (400), and nothing is created"
  }),
  lineNamed: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: "INF (the reference server): the 400 for a bad batch file names the first offending line by its number (1-based)"
  }),
  fileTooLarge: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: "the page: \"Maximum file size: 5MB.\"; INF (the reference server): a file above 5 MB (5 × 1024 × 1024 bytes) is " +
      "refused with 413, and nothing is created"
  }),
  fileTooLargeStreamed: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: "the page: \"Maximum file size: 5MB.\"; INF (the reference server): a file above 5 MB is refused with 413 " +
      "however it is sent — also streamed without a Content-Length (chunked), when the server learns its size only as " +
      "it reads it — and nothing is created"
  }),
  dryRun: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: "the SDK's CreateBatchRequest: dry_run \"When true, validates the input file without processing. Returns validation " +
      "status without creating generations.\" — the answer is {\"status\": \"VALIDATED\"}, and no batch or generation is created"
  }),
  dryRunRefused: cite(NOTES, BATCH_ROW, {
    url: PAGES.createBatch,
    note: "INF (the reference server): a dry run validates every line's payload as the Generate API would; a line it would " +
      "refuse (here an unknown projectId) makes the dry run a 400 naming that line, and nothing is created"
  }),
  batchShape: cite(NOTES, BATCH_ROW, {
    url: PAGES.getBatch,
    note: "the pages' BatchResponse: id, created_at (date-time), status (PENDING | JOBS_CREATED | PROCESSING | COMPLETED | " +
      "FAILED), metrics {total_generations, success_count, failed_count, pending_count}, webhookUrl (string, optional, " +
      "nullable), outputUrl (string) — on the create, the get and each listed batch"
  }),
  created: cite(NOTES, BATCH_ROW, {
    url: PAGES.guide,
    note: "the guide: PENDING is a batch \"created, waiting\"; INF (the reference server): the create answers 201, PENDING, with " +
      "total_generations the number of lines, pending_count the lines accepted, failed_count 0, outputUrl \"\", and a webhookUrl as sent"
  }),
  completes: cite(NOTES, BATCH_ROW, {
    url: PAGES.guide,
    note: "the guide: COMPLETED is \"all generations finished (successfully or with failures)\", and \"When a batch completes, " +
      "results are available as a JSON Lines file at the outputUrl\" — the batch ends COMPLETED, its metrics add up " +
      "(total = success + failed + pending) at every read, none pending at the end, and outputUrl is set"
  }),
  lineFails: cite(NOTES, BATCH_ROW, {
    url: PAGES.guide,
    note: "INF (the reference server, from the documents' per-generation success and failure counts): a line whose payload " +
      "the Generate API would refuse (another organization's projectId) fails that line only — counted in failed_count, " +
      "its result line carrying the error — and the others run"
  }),
  generations: cite(NOTES, BATCH_ROW, {
    url: PAGES.guide,
    note: "INF (the reference server): a batch's lines become ordinary generations, listed by GET /v2/generations and filed " +
      "under their payload's projectId"
  }),
  results: cite(NOTES, BATCH_ROW, {
    url: PAGES.guide,
    note: "the guide: \"When a batch completes, results are available as a JSON Lines file at the outputUrl\" and \"The response " +
      "field contains the same data as individual Generate API responses.\" — one line per input line, by request_id; INF: " +
      "the outputUrl answers with the same x-api-key"
  }),
  webhook: cite(NOTES, BATCH_ROW, {
    url: PAGES.batchWebhook,
    note: "the SDK's CreateBatchRequest: webhook_url — \"A POST request will be sent when the batch completes or fails.\"; the " +
      "\"Batch Status Update\" payload: {id, status, metrics {totalGenerations, successCount, failedCount, pendingCount}, " +
      "outputUrl, webhookUrl, createdAt, options}"
  }),
  signed: cite(NOTES, BATCH_ROW, {
    url: PAGES.batchWebhook,
    note: "INF (the reference server): the batch webhook is signed like generation webhooks, the Standard Webhooks way — " +
      "webhook-id, webhook-timestamp and webhook-signature \"v1,<base64 HMAC-SHA256 of id.timestamp.body>\" with the " +
      "organization's secret (verified when --sync-webhook-secret is given)"
  }),
  newestFirst: cite(NOTES, BATCH_ROW, {
    url: PAGES.listBatches,
    note: "the SDK's List Batches: \"Results are ordered by creation date (newest first).\""
  }),
  filters: cite(NOTES, BATCH_ROW, {
    url: PAGES.listBatches,
    note: "the SDK's ListBatchesRequest: status \"Filter batches by status\", created_after \"Filter batches created after " +
      "this datetime (ISO 8601 format)\", created_before \"Filter batches created before this datetime (ISO 8601 format)\""
  }),
  badFilter: cite(NOTES, BATCH_ROW, {
    url: PAGES.listBatches,
    note: "INF (the reference server): a status that is not a BatchStatus, or a datetime that does not parse, is a 400"
  }),
  isolated: cite(NOTES, BATCH_ROW, {
    url: PAGES.getBatch,
    note: "Resources belong to an organization: to another organization's key a batch is as if it did not exist — a 404 " +
      "like an unknown id (Get Batch's documented 404), never listed"
  })
}

const check = forDialect("sync")

// ---------------------------------------------------------------------------------------------
// Generations with files
// ---------------------------------------------------------------------------------------------

const MB = 1024 * 1024

/** A small upload: its name carries `tag`, so that what it created can be found by name. */
const upload = (name: string, tag: string, kind: "video" | "audio", size: number): FormPart => ({
  name,
  file: {
    filename: `${tag}-${kind}.${kind === "video" ? "mp4" : "wav"}`,
    contentType: kind === "video" ? "video/mp4" : "audio/wav",
    size
  }
})

/** The form the SDK's createWithFiles sends: files first, then model, each input item, options, webhookUrl. */
const generateWithFiles = (
  options: {
    readonly files: ReadonlyArray<FormPart>
    readonly input?: ReadonlyArray<Record<string, unknown>>
    readonly fields?: Readonly<Record<string, string>>
    readonly as?: Who
  }
) =>
  Effect.flatMap(Harness, (h) =>
    h.request({
      method: "POST",
      path: "/v2/generate",
      as: options.as ?? "primary",
      form: [
        ...options.files,
        { name: "model", value: "lipsync-2" },
        ...(options.input ?? []).map((item) => ({ name: "input", value: JSON.stringify(item) })),
        ...Object.entries(options.fields ?? {}).map(([name, value]) => ({ name, value }))
      ]
    }))

/** The generation's input item of a type, or a failure. */
const inputOf = (generation: unknown, type: string, where: string, exchange: Exchange) => {
  const input = Expect.isRecord(generation) && Array.isArray(generation["input"]) ? generation["input"] : []
  const item: unknown = input.find((i: unknown) => Expect.isRecord(i) && i["type"] === type)
  return Expect.isRecord(item) ? Effect.succeed(item) : Expect.fail(`${where} has no ${type} input item`, exchange)
}

/** The assets whose name contains `text`, first page (the checks' names are unique). */
const assetsNamed = (text: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* h.request({ path: "/v2/assets", query: { searchQuery: text } })
    yield* Expect.status(listed, 200)
    return { listed, items: yield* listItems(listed) }
  })

/** Whether a generation whose JSON contains `text` (a tag in its input) is listed. */
const generationsWith = (text: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* h.request({ path: "/v2/generations" })
    yield* Expect.status(listed, 200)
    const items = (yield* listItems(listed)).filter((g) => JSON.stringify(g).includes(text))
    return { listed, items }
  })

const files: ReadonlyArray<Check> = [
  check("SYNC-FILES-001", "A generation created with files (multipart/form-data) answers the Generation", C.withFiles, Effect.gen(function*() {
    const tag = `files-${token()}`
    const created = yield* generateWithFiles({ files: [upload("video", tag, "video", 2048), upload("audio", tag, "audio", 1024)] })
    yield* Expect.ok(created)
    yield* Expect.fields(created.response.json, generationFields, "the create answer", created)
    yield* Expect.values(created.response.json, { model: "lipsync-2" }, "the create answer", created)
    yield* inputOf(created.response.json, "video", "the create answer", created)
    yield* inputOf(created.response.json, "audio", "the create answer", created)
    const id = yield* Expect.string(created, "id")
    const h = yield* Harness
    const read = yield* h.request({ path: `/v2/generate/${id}` })
    yield* Expect.status(read, 200)
    yield* Expect.fields(read.response.json, generationFields, "the GET answer", read)
  }), { asserts: "fields" }),
  check(
    "SYNC-FILES-002",
    "Each uploaded file becomes an asset the generation's input references: type, name, size in bytes, UPLOAD, projectId; listed with its size",
    C.assets,
    Effect.gen(function*() {
      const h = yield* Harness
      const tag = `assets-${token()}`
      const { id: projectId } = yield* newProject("files")
      const sizes = { video: 3000, audio: 1500 } as const
      const created = yield* generateWithFiles({
        files: [upload("video", tag, "video", sizes.video), upload("audio", tag, "audio", sizes.audio)],
        fields: { projectId }
      })
      yield* Expect.status(created, 201)
      yield* Expect.values(created.response.json, { projectId }, "the create answer", created)
      const { items: listed, listed: list } = yield* assetsNamed(tag)
      for (const kind of ["video", "audio"] as const) {
        const item = yield* inputOf(created.response.json, kind, "the create answer", created)
        yield* Expect.fields(item, { assetId: "string", url: "string" }, `the ${kind} input item`, created)
        const assetId = String(item["assetId"])
        const read = yield* h.request({ path: `/v2/assets/${assetId}` })
        yield* Expect.status(read, 200)
        const expected = {
          id: assetId,
          type: kind.toUpperCase(),
          name: `${tag}-${kind}.${kind === "video" ? "mp4" : "wav"}`,
          size: sizes[kind],
          inputType: "UPLOAD",
          projectId,
          url: item["url"]
        }
        yield* Expect.values(read.response.json, expected, `the ${kind} file's asset`, read)
        const listedItem = listed.find((a) => a["id"] === assetId)
        if (listedItem === undefined) return yield* Expect.fail(`the ${kind} file's asset is not listed by GET /v2/assets`, list)
        yield* Expect.values(listedItem, { size: sizes[kind], name: expected.name }, `the ${kind} file's listed asset`, list)
      }
    }),
    { profile: "extended", asserts: "fields" }
  ),
  check("SYNC-FILES-003", "A file takes precedence over a url input of the same type", C.precedence, Effect.gen(function*() {
    const tag = `precedence-${token()}`
    const ignored = mediaUrl(tag, "ignored.mp4")
    const created = yield* generateWithFiles({
      files: [upload("video", tag, "video", 2048)],
      input: [{ type: "video", url: ignored }, { type: "audio", url: mediaUrl(tag, "audio.wav") }]
    })
    yield* Expect.ok(created)
    const input = (yield* Expect.object(created))["input"]
    const videos = Array.isArray(input) ? input.filter((i: unknown) => Expect.isRecord(i) && i["type"] === "video") : []
    yield* Expect.that(videos.length === 1, `the generation has ${videos.length} video input items, expected the file's only`, created)
    yield* Expect.that(!JSON.stringify(videos).includes(ignored), "the generation's video is the url, not the uploaded file", created)
    yield* inputOf(created.response.json, "audio", "the create answer", created)
  }), { asserts: "option" }),
  check("SYNC-FILES-004", "A file of 20 MB or more is refused with 413, and nothing is created", C.tooLarge, Effect.gen(function*() {
    const tag = `too-large-${token()}`
    // Streamed: the filler is made as it is sent.
    const refused = yield* generateWithFiles({ files: [upload("video", tag, "video", 20 * MB), upload("audio", tag, "audio", 1024)] })
    yield* Expect.status(refused, 413)
    yield* errorBody(refused)
    const { items: assets, listed } = yield* assetsNamed(tag)
    yield* Expect.that(assets.length === 0, "the refused upload created an asset", listed)
    const { items, listed: generations } = yield* generationsWith(tag)
    yield* Expect.that(items.length === 0, "the refused upload created a generation", generations)
  }), { profile: "extended" }),
  check(
    "SYNC-FILES-005",
    "A generation with files filed under another organization's project is refused with 422, creating no generation and no asset",
    C.rejected,
    Effect.gen(function*() {
      const tag = `foreign-files-${token()}`
      const { id: foreign } = yield* newProject("foreign-files", { visibility: "ORGANIZATION" }, "secondary")
      const refused = yield* generateWithFiles({
        files: [upload("video", tag, "video", 2048), upload("audio", tag, "audio", 1024)],
        fields: { projectId: foreign }
      })
      yield* Expect.status(refused, 422)
      const { items: assets, listed } = yield* assetsNamed(tag)
      yield* Expect.that(assets.length === 0, "the refused request created an asset of its files", listed)
      const { items, listed: generations } = yield* generationsWith(tag)
      yield* Expect.that(items.length === 0, "the refused request created a generation", generations)
    }),
    { requires: ["secondOrganization"] }
  )
]

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

const BATCH_STATUSES = ["PENDING", "JOBS_CREATED", "PROCESSING", "COMPLETED", "FAILED"] as const

/** The smallest batch the page allows. */
const MIN_LINES = 20

const batchFields: Expect.Shape = {
  id: "string",
  created_at: "date-time",
  status: BATCH_STATUSES,
  metrics: "object",
  webhookUrl: { kind: "string", optional: true, nullable: true },
  outputUrl: "string"
}

const metricFields: Expect.Shape = {
  total_generations: "integer",
  success_count: "integer",
  failed_count: "integer",
  pending_count: "integer"
}

/** One JSONL line: request `${tag}-${n}`, its media URLs carrying `${tag}/line-${n}`. */
const line = (tag: string, n: number, payload: Record<string, unknown> = {}, endpoint = "/v2/generate") =>
  JSON.stringify({
    request_id: `${tag}-${n}`,
    endpoint,
    payload: {
      model: "lipsync-2",
      input: [
        { type: "video", url: mediaUrl(`${tag}/line-${n}`, "video.mp4") },
        { type: "audio", url: mediaUrl(`${tag}/line-${n}`, "audio.wav") }
      ],
      ...payload
    }
  })

/** `count` lines (1-based numbers), each as `edit` makes it (the default line unless it says otherwise). */
const lines = (tag: string, count: number, edit: (n: number) => string | undefined = () => undefined) =>
  Array.from({ length: count }, (_, i) => edit(i + 1) ?? line(tag, i + 1)).join("\n") + "\n"

/**
 * The form the SDK's batch.create sends: the file `input`, then webhook_url and dry_run; `chunked`
 * streams it without a Content-Length, as a client streaming its file from a source of unknown length.
 */
const postBatch = (
  content: string | { readonly size: number },
  fields: { readonly webhook_url?: string; readonly dry_run?: "true" | "false" } = {},
  as: Who = "primary",
  chunked = false
) =>
  Effect.flatMap(Harness, (h) =>
    h.request({
      method: "POST",
      path: "/v2/batch",
      as,
      chunked,
      form: [
        {
          name: "input",
          file: typeof content === "string"
            ? { filename: "batch.jsonl", contentType: "application/jsonl", content }
            : { filename: "batch.jsonl", contentType: "application/jsonl", size: content.size }
        },
        ...Object.entries(fields).map(([name, value]) => ({ name, value }))
      ]
    }))

/** Creates a batch of the lines, answering its id and the create's answer. */
const createBatch = (content: string, fields: { readonly webhook_url?: string } = {}) =>
  Effect.gen(function*() {
    const exchange = yield* postBatch(content, fields)
    yield* Expect.ok(exchange)
    const id = yield* Expect.string(exchange, "id")
    return { exchange, id, batch: yield* Expect.object(exchange) }
  })

const metricsOf = (batch: Record<string, unknown>) => (Expect.isRecord(batch["metrics"]) ? batch["metrics"] : {})

/** The metrics add up: total = success + failed + pending. */
const addUp = (batch: Record<string, unknown>, where: string, exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.fields(batch["metrics"], metricFields, `${where}'s metrics`, exchange)
    const m = metricsOf(batch) as Record<string, number>
    yield* Expect.that(
      m["total_generations"] === m["success_count"]! + m["failed_count"]! + m["pending_count"]!,
      `${where}'s metrics do not add up: ${JSON.stringify(m)} (total_generations ≠ success + failed + pending)`,
      exchange
    )
  })

/**
 * Reads the batch until it has ended (COMPLETED or FAILED), at most the run's lifecycle timeout;
 * every read's metrics must add up on the way.
 */
const untilEnded = (id: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const waitMs = Duration.toMillis(h.lifecycleTimeout)
    const deadline = Date.now() + waitMs
    const interval = Duration.millis(Math.min(1000, Math.max(50, waitMs / 100)))
    for (;;) {
      const read = yield* h.request({ path: `/v2/batch/${id}` })
      yield* Expect.status(read, 200)
      const batch = yield* Expect.object(read)
      yield* addUp(batch, "the batch", read)
      if (batch["status"] === "COMPLETED" || batch["status"] === "FAILED") return { read, batch }
      if (Date.now() > deadline) {
        return yield* Expect.fail(
          `the batch is still ${String(batch["status"])} after ${waitMs} ms (the run's lifecycle timeout, --lifecycle-timeout-ms)`,
          read
        )
      }
      yield* Effect.sleep(interval)
    }
  })

/** The caller's batches, as GET /v2/batch lists them. */
const listBatches = (query: Record<string, string> = {}, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* h.request({ path: "/v2/batch", query, as })
    yield* Expect.status(listed, 200)
    return { listed, items: yield* Expect.array(listed).pipe(Effect.flatMap(() => listItems(listed))) }
  })

const batchIds = (items: ReadonlyArray<Record<string, unknown>>) => items.map((b) => b["id"])

/** Nothing was created: the batch list is as it was, and no generation carries the tag. */
const nothingCreated = (before: ReadonlyArray<unknown>, tag: string, what: string) =>
  Effect.gen(function*() {
    const { items, listed } = yield* listBatches()
    const added = batchIds(items).filter((id) => !before.includes(id))
    yield* Expect.that(added.length === 0, `${what} created a batch (${added.join(", ")})`, listed)
    const { items: generations, listed: generationList } = yield* generationsWith(tag)
    yield* Expect.that(generations.length === 0, `${what} created ${generations.length} generation(s)`, generationList)
  })

/** The results file at the batch's outputUrl, by request_id. */
const resultsOf = (batch: Record<string, unknown>, read: Exchange) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const outputUrl = batch["outputUrl"]
    if (typeof outputUrl !== "string" || outputUrl === "") return yield* Expect.fail("the ended batch has no outputUrl", read)
    const results = yield* h.request({ url: outputUrl, path: "" })
    yield* Expect.status(results, 200)
    const rows: Array<Record<string, unknown>> = []
    for (const text of results.response.body.split("\n").filter((l) => l.trim() !== "")) {
      let row: unknown
      try {
        row = JSON.parse(text)
      } catch {
        return yield* Expect.fail(`a line of the results file is not JSON: ${text.slice(0, 200)}`, results)
      }
      if (!Expect.isRecord(row)) return yield* Expect.fail(`a line of the results file is not an object: ${text.slice(0, 200)}`, results)
      rows.push(row)
    }
    return { results, rows }
  })

/** The Standard Webhooks signature check (INF: the reference server's scheme). */
const signatureMatches = (secret: string, id: string, timestamp: string, body: string, header: string) => {
  const expected = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest()
  return header.split(" ").some((candidate) => {
    const [version, signature] = candidate.split(",")
    if (version !== "v1" || signature === undefined) return false
    const given = Buffer.from(signature, "base64")
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/** A batch with a webhook_url to a receiver, ended, and its first delivery. */
const batchWebhook = (label: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    if (Option.isNone(h.webhooks)) return yield* Expect.skip("no webhook receiver")
    const receiver = h.webhooks.value
    const tag = `${label}-${token()}`
    const { exchange, id } = yield* createBatch(lines(tag, MIN_LINES), { webhook_url: receiver.url(tag) })
    yield* untilEnded(id)
    const deliveries = yield* receiver.deliveries(tag)
    yield* Expect.that(deliveries.length > 0, `no batch webhook arrived in ${receiver.waitMs} ms after the batch ended`, exchange)
    return { exchange, id, delivery: deliveries[0]!, url: receiver.url(tag) }
  })

const batches: ReadonlyArray<Check> = [
  check("SYNC-BATCH-001", "A batch file that breaks the page's rules is refused with 400, and nothing is created", C.malformed, Effect.gen(function*() {
    const tag = `malformed-${token()}`
    const { items: before } = yield* listBatches()
    const bad: ReadonlyArray<readonly [string, string]> = [
      ["an empty file", ""],
      ["a line that is not JSON", lines(tag, MIN_LINES, (n) => (n === 5 ? "{\"request_id\": " : undefined))],
      ["a line for another endpoint", lines(tag, MIN_LINES, (n) => (n === 7 ? line(tag, n, {}, "/v2/analyze/cost") : undefined))],
      ["a request_id twice", lines(tag, MIN_LINES, (n) => (n === 9 ? line(tag, 8) : undefined))],
      ["19 lines", lines(tag, MIN_LINES - 1)],
      ["501 lines", lines(tag, 501)]
    ]
    for (const [what, content] of bad) {
      const refused = yield* postBatch(content)
      yield* Expect.that(refused.response.status === 400, `a file with ${what} answered ${refused.response.status}, expected 400`, refused)
      yield* errorBody(refused)
    }
    yield* nothingCreated(batchIds(before), tag, "a refused batch file")
  })),
  check("SYNC-BATCH-002", "The 400 for a bad batch file names the offending line", C.lineNamed, Effect.gen(function*() {
    const tag = `line-named-${token()}`
    const bad: ReadonlyArray<readonly [string, number, string]> = [
      ["is not JSON", 5, lines(tag, MIN_LINES, (n) => (n === 5 ? "not json" : undefined))],
      ["is for another endpoint", 7, lines(tag, MIN_LINES, (n) => (n === 7 ? line(tag, n, {}, "/v2/analyze/cost") : undefined))],
      ["repeats a request_id", 12, lines(tag, MIN_LINES, (n) => (n === 12 ? line(tag, 11) : undefined))]
    ]
    for (const [what, n, content] of bad) {
      const refused = yield* postBatch(content)
      yield* Expect.status(refused, 400)
      const message = JSON.stringify((yield* Expect.object(refused))["message"])
      yield* Expect.that(
        new RegExp(`\\b${n}\\b`).test(message),
        `the 400 for a file whose line ${n} ${what} does not name line ${n}: ${message}`,
        refused
      )
    }
  }), { profile: "extended" }),
  check("SYNC-BATCH-003", "A batch file above 5 MB is refused with 413, and nothing is created", C.fileTooLarge, Effect.gen(function*() {
    const tag = `large-batch-${token()}`
    const { items: before } = yield* listBatches()
    // 21 valid lines, each with a long prompt: a valid file but for its size.
    const prompt = "p".repeat(256 * 1024)
    const content = lines(tag, 21, (n) => line(tag, n, { options: { prompt } }))
    yield* Expect.that(Buffer.byteLength(content) > 5 * MB, "the check's file is not above 5 MB")
    const refused = yield* postBatch(content)
    yield* Expect.status(refused, 413)
    yield* errorBody(refused)
    yield* nothingCreated(batchIds(before), tag, "the refused batch file")
  }), { profile: "extended" }),
  check("SYNC-BATCH-004", "A dry run answers {\"status\": \"VALIDATED\"} and creates nothing", C.dryRun, Effect.gen(function*() {
    const tag = `dry-run-${token()}`
    const { items: before } = yield* listBatches()
    const validated = yield* postBatch(lines(tag, MIN_LINES), { dry_run: "true" })
    yield* Expect.ok(validated)
    yield* Expect.values(validated.response.json, { status: "VALIDATED" }, "the dry run's answer", validated)
    yield* nothingCreated(batchIds(before), tag, "the dry run")
  }), { asserts: "option" }),
  check("SYNC-BATCH-005", "A dry run of a file with a payload the Generate API refuses is a 400 naming its line", C.dryRunRefused, Effect.gen(function*() {
    const tag = `dry-refused-${token()}`
    const { items: before } = yield* listBatches()
    const refused = yield* postBatch(lines(tag, MIN_LINES, (n) => (n === 6 ? line(tag, n, { projectId: crypto.randomUUID() }) : undefined)), {
      dry_run: "true"
    })
    yield* Expect.status(refused, 400)
    const message = JSON.stringify((yield* Expect.object(refused))["message"])
    yield* Expect.that(/\b6\b/.test(message), `the 400 does not name line 6: ${message}`, refused)
    yield* nothingCreated(batchIds(before), tag, "the refused dry run")
  }), { profile: "extended" }),
  check("SYNC-BATCH-006", "A batch answers its documented fields, typed: create, get and list", C.batchShape, Effect.gen(function*() {
    const h = yield* Harness
    const { exchange: created, id } = yield* createBatch(lines(`shape-${token()}`, MIN_LINES))
    const read = yield* h.request({ path: `/v2/batch/${id}` })
    yield* Expect.status(read, 200)
    const { items, listed } = yield* listBatches()
    const item = items.find((b) => b["id"] === id)
    if (item === undefined) return yield* Expect.fail("the batch is not in GET /v2/batch", listed)
    for (const [where, exchange, body] of [
      ["the create answer", created, created.response.json],
      ["the GET answer", read, read.response.json],
      ["the list item", listed, item]
    ] as const) {
      yield* Expect.fields(body, batchFields, where, exchange)
      yield* Expect.fields((body as Record<string, unknown>)["metrics"], metricFields, `${where}'s metrics`, exchange)
      yield* Expect.values(body, { id }, where, exchange)
    }
  }), { asserts: "fields" }),
  check("SYNC-BATCH-007", "A new batch answers 201, PENDING, counting its lines, with no outputUrl yet", C.created, Effect.gen(function*() {
    const webhookUrl = `https://example.com/projectkit-conformance/${token()}/hook`
    const created = yield* postBatch(lines(`new-${token()}`, 23), { webhook_url: webhookUrl })
    yield* Expect.status(created, 201)
    yield* Expect.values(created.response.json, { status: "PENDING", outputUrl: "", webhookUrl }, "the create answer", created)
    yield* Expect.values(
      metricsOf(yield* Expect.object(created)),
      { total_generations: 23, success_count: 0, failed_count: 0, pending_count: 23 },
      "the create answer's metrics",
      created
    )
    yield* Expect.that(/^batch_[a-z0-9]+$/.test(yield* Expect.string(created, "id")), "the id is not batch_…", created)
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-BATCH-008", "A batch reaches COMPLETED, its metrics adding up, none pending, with an outputUrl", C.completes, Effect.gen(function*() {
    const { id } = yield* createBatch(lines(`completes-${token()}`, MIN_LINES))
    const { batch, read } = yield* untilEnded(id)
    yield* Expect.values(batch, { status: "COMPLETED" }, "the ended batch", read)
    yield* Expect.values(
      metricsOf(batch),
      { total_generations: MIN_LINES, success_count: MIN_LINES, failed_count: 0, pending_count: 0 },
      "the ended batch's metrics",
      read
    )
    yield* Expect.that(typeof batch["outputUrl"] === "string" && batch["outputUrl"] !== "", "the completed batch has no outputUrl", read)
  }), { asserts: "fields" }),
  check(
    "SYNC-BATCH-009",
    "A line filed under another organization's project fails that line only; the others run",
    C.lineFails,
    Effect.gen(function*() {
      const tag = `foreign-line-${token()}`
      const { id: foreign } = yield* newProject("foreign-batch", { visibility: "ORGANIZATION" }, "secondary")
      const { batch: created, exchange, id } = yield* createBatch(
        lines(tag, MIN_LINES, (n) => (n === 4 ? line(tag, n, { projectId: foreign }) : undefined))
      )
      yield* Expect.values(metricsOf(created), { total_generations: MIN_LINES, failed_count: 1 }, "the create answer's metrics", exchange)
      const { batch, read } = yield* untilEnded(id)
      yield* Expect.values(batch, { status: "COMPLETED" }, "the ended batch", read)
      yield* Expect.values(
        metricsOf(batch),
        { total_generations: MIN_LINES, success_count: MIN_LINES - 1, failed_count: 1, pending_count: 0 },
        "the ended batch's metrics",
        read
      )
      const { results, rows } = yield* resultsOf(batch, read)
      const failed = rows.find((r) => r["request_id"] === `${tag}-4`)
      yield* Expect.that(failed !== undefined && Expect.isRecord(failed["error"]), "the refused line's result carries no error", results)
      yield* Expect.fields(failed!["error"], { message: "string" }, "the refused line's error", results)
      const others = rows.filter((r) => r["request_id"] !== `${tag}-4`)
      yield* Expect.that(others.every((r) => Expect.isRecord(r["response"])), "another line's result has no response", results)
    }),
    { profile: "extended", requires: ["secondOrganization"] }
  ),
  check("SYNC-BATCH-010", "A batch's lines become generations, listed by GET /v2/generations under their projectId", C.generations, Effect.gen(function*() {
    const tag = `batch-generations-${token()}`
    const { id: projectId } = yield* newProject("batch-generations")
    const { id } = yield* createBatch(lines(tag, MIN_LINES, (n) => line(tag, n, { projectId })))
    yield* untilEnded(id)
    const { items, listed } = yield* generationsWith(`${tag}/line-`)
    yield* Expect.equal(items.length, MIN_LINES, "the batch's generations listed", listed)
    for (const generation of items) {
      yield* Expect.fields(generation, generationFields, "a batch's generation", listed)
      yield* Expect.values(generation, { projectId }, "a batch's generation", listed)
    }
  }), { profile: "extended" }),
  check("SYNC-BATCH-011", "The results file has one line per input line: its request_id and the generation", C.results, Effect.gen(function*() {
    const tag = `results-${token()}`
    const { id } = yield* createBatch(lines(tag, MIN_LINES))
    const { batch, read } = yield* untilEnded(id)
    const { results, rows } = yield* resultsOf(batch, read)
    yield* Expect.equal(rows.length, MIN_LINES, "the lines of the results file", results)
    const expected = Array.from({ length: MIN_LINES }, (_, i) => `${tag}-${i + 1}`)
    yield* Expect.equal(rows.map((r) => r["request_id"]).sort(), [...expected].sort(), "the results' request_ids", results)
    for (const row of rows) {
      yield* Expect.fields(row["response"], generationFields, `the result of ${String(row["request_id"])}`, results)
      yield* Expect.that(
        JSON.stringify(row["response"]).includes(`${String(row["request_id"]).replace(`${tag}-`, `${tag}/line-`)}/`),
        `the result of ${String(row["request_id"])} is not its line's generation`,
        results
      )
    }
  }), { profile: "extended", asserts: "fields" }),
  check("SYNC-BATCH-012", "A batch with a webhook_url is notified when it ends, with the documented payload", C.webhook, Effect.gen(function*() {
    const { delivery, exchange, id } = yield* batchWebhook("batch-hook")
    const body = delivery.json
    yield* Expect.fields(body, {
      id: "string",
      status: ["COMPLETED", "FAILED"],
      metrics: "object",
      outputUrl: "string",
      createdAt: "date-time"
    }, "the batch webhook", exchange)
    yield* Expect.values(body, { id }, "the batch webhook", exchange)
    yield* Expect.fields((body as Record<string, unknown>)["metrics"], {
      totalGenerations: "integer",
      successCount: "integer",
      failedCount: "integer",
      pendingCount: "integer"
    }, "the batch webhook's metrics", exchange)
  }), { requires: ["webhooks"], asserts: "option" }),
  check("SYNC-BATCH-013", "The batch webhook is signed (webhook-id, webhook-timestamp, webhook-signature)", C.signed, Effect.gen(function*() {
    const h = yield* Harness
    const { delivery, exchange } = yield* batchWebhook("batch-signed")
    const header = (name: string) => {
      const value = delivery.headers[name]
      return typeof value === "string" ? value : undefined
    }
    const [id, timestamp, signature] = [header("webhook-id"), header("webhook-timestamp"), header("webhook-signature")]
    yield* Expect.that(id !== undefined && id !== "", "the batch webhook has no webhook-id header", exchange)
    yield* Expect.that(timestamp !== undefined && /^\d+$/.test(timestamp), `the webhook-timestamp header is ${String(timestamp)}, expected seconds`, exchange)
    yield* Expect.that(
      signature !== undefined && /^v1,[A-Za-z0-9+/]+=*( |$)/.test(signature),
      `the webhook-signature header is ${String(signature)}, expected v1,<base64>`,
      exchange
    )
    if (Option.isSome(h.webhookSecret)) {
      yield* Expect.that(
        signatureMatches(h.webhookSecret.value, id!, timestamp!, delivery.body, signature!),
        "the webhook-signature does not match the body signed with the organization's secret",
        exchange
      )
    }
  }), { profile: "extended", requires: ["webhooks"], asserts: "fields" }),
  check("SYNC-BATCH-014", "GET /v2/batch lists the caller's batches newest first", C.newestFirst, Effect.gen(function*() {
    const { id: older } = yield* createBatch(lines(`older-${token()}`, MIN_LINES))
    yield* Effect.sleep("20 millis")
    const { id: newer } = yield* createBatch(lines(`newer-${token()}`, MIN_LINES))
    const { items, listed } = yield* listBatches()
    const order = batchIds(items)
    yield* Expect.that(order.includes(older) && order.includes(newer), "a batch just created is not listed", listed)
    yield* Expect.that(order.indexOf(newer) < order.indexOf(older), "the newer batch is listed after the older one", listed)
    const times = items.map((b) => Date.parse(String(b["created_at"])))
    yield* Expect.that(times.every((t, i) => i === 0 || times[i - 1]! >= t), "the list is not ordered by created_at, newest first", listed)
  }), { asserts: "fields" }),
  check("SYNC-BATCH-015", "GET /v2/batch filters by status, created_after and created_before", C.filters, Effect.gen(function*() {
    const { batch: created, id } = yield* createBatch(lines(`filters-${token()}`, MIN_LINES))
    yield* untilEnded(id)
    const completed = yield* listBatches({ status: "COMPLETED" })
    yield* Expect.that(batchIds(completed.items).includes(id), "the completed batch is not listed for status=COMPLETED", completed.listed)
    yield* Expect.that(completed.items.every((b) => b["status"] === "COMPLETED"), "a batch of another status is listed for status=COMPLETED", completed.listed)
    const pending = yield* listBatches({ status: "PENDING" })
    yield* Expect.that(!batchIds(pending.items).includes(id), "the completed batch is listed for status=PENDING", pending.listed)
    yield* Expect.that(pending.items.every((b) => b["status"] === "PENDING"), "a batch of another status is listed for status=PENDING", pending.listed)
    const createdAt = Date.parse(String(created["created_at"]))
    const minuteBefore = new Date(createdAt - 60_000).toISOString()
    const minuteAfter = new Date(createdAt + 60_000).toISOString()
    const after = yield* listBatches({ created_after: minuteBefore })
    yield* Expect.that(batchIds(after.items).includes(id), "the batch is not listed for created_after a minute before it", after.listed)
    yield* Expect.that(
      after.items.every((b) => Date.parse(String(b["created_at"])) > Date.parse(minuteBefore)),
      "a batch created before created_after is listed",
      after.listed
    )
    const notAfter = yield* listBatches({ created_after: minuteAfter })
    yield* Expect.that(!batchIds(notAfter.items).includes(id), "the batch is listed for created_after a minute after it", notAfter.listed)
    const before = yield* listBatches({ created_before: minuteAfter })
    yield* Expect.that(batchIds(before.items).includes(id), "the batch is not listed for created_before a minute after it", before.listed)
    const notBefore = yield* listBatches({ created_before: minuteBefore })
    yield* Expect.that(!batchIds(notBefore.items).includes(id), "the batch is listed for created_before a minute before it", notBefore.listed)
    yield* Expect.that(
      notBefore.items.every((b) => Date.parse(String(b["created_at"])) < Date.parse(minuteBefore)),
      "a batch created after created_before is listed",
      notBefore.listed
    )
  }), { asserts: "option" }),
  check("SYNC-BATCH-016", "GET /v2/batch refuses an unknown status or an unparsable datetime (400)", C.badFilter, Effect.gen(function*() {
    const h = yield* Harness
    for (const query of [{ status: "DONE" }, { created_after: "yesterday" }, { created_before: "2025-13-45" }]) {
      const refused = yield* h.request({ path: "/v2/batch", query })
      yield* Expect.status(refused, 400)
      yield* errorBody(refused)
    }
  }), { profile: "extended" }),
  check("SYNC-BATCH-017", "Another organization's batch is a 404, as is an unknown one, and is not listed", C.isolated, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* createBatch(lines(`isolated-${token()}`, MIN_LINES))
    yield* Expect.status(yield* h.request({ path: `/v2/batch/${id}`, as: "secondary" }), 404)
    yield* Expect.status(yield* h.request({ path: `/v2/batch/batch_${token()}${token()}` }), 404)
    const { items, listed } = yield* listBatches({}, "secondary")
    yield* Expect.that(!batchIds(items).includes(id), "another organization lists the batch", listed)
  }), { requires: ["secondOrganization"] }),
  check("SYNC-BATCH-018", "A batch file above 5 MB streamed without a Content-Length is refused with 413, and nothing is created", C.fileTooLargeStreamed, Effect.gen(function*() {
    const tag = `streamed-batch-${token()}`
    const { items: before } = yield* listBatches()
    // The file of SYNC-BATCH-003 (valid but for its size), sent in chunks.
    const prompt = "p".repeat(256 * 1024)
    const content = lines(tag, 21, (n) => line(tag, n, { options: { prompt } }))
    yield* Expect.that(Buffer.byteLength(content) > 5 * MB, "the check's file is not above 5 MB")
    const refused = yield* postBatch(content, {}, "primary", true)
    yield* Expect.status(refused, 413)
    yield* errorBody(refused)
    yield* nothingCreated(batchIds(before), tag, "the refused batch file")
  }), { profile: "extended" })
]

export const checks: ReadonlyArray<Check> = [...files, ...batches]
