/**
 * What Indream's document states, each over raw HTTP through the real server: idempotent creates,
 * `clientTaskId` dedup, the export concurrency limit, the sync rate limit, runtime access, asset
 * references, bindings, project deletion keeping export history, exports finishing on the clock
 * with signed callbacks and a downloadable output, uploads stored and served back.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { layer as testServer, TestServer } from "../support/TestServer.js"
import { receiver } from "../support/WebhookReceiver.js"
import { type Answer, at, call, eventually, examples, type IndreamOrg, makeIndreamOrg, setRuntimeAccess, textAt } from "./IndreamOrg.js"

const validState = examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
const invalidState = examples("invalid")[0]!.state

/** A valid state of `seconds` (one solid item of that length), optionally one that fails to render. */
const stateOf = (seconds: number, fail = false) => {
  const base = examples("invalid").find((example) => example.file === "editor-state.invalid.deleted-asset.json")!.state
  const items = base["items"] as Record<string, Record<string, unknown>>
  const item = { ...items["item-solid-1"]!, durationTicks: seconds * 240000, ...(fail ? { color: "#000000", name: "projectkit-fail" } : {}) }
  return { ...base, deletedAssets: [], items: { "item-solid-1": item } }
}

const exportOptions = { ratio: "16:9", scale: 1, fps: 30, format: "mp4" } as const

const createProject = (org: IndreamOrg, state: unknown = validState) =>
  Effect.map(call(org, "POST", "/v1/projects", { json: { title: "Draft", editorState: state } }), (answer) => {
    expect(answer.status).toBe(201)
    return textAt(answer, "data", "projectId")
  })

const upload = (org: IndreamOrg, bytes: Uint8Array, headers: Record<string, string> = {}) =>
  call(org, "POST", "/v1/uploads", {
    body: bytes,
    headers: { "content-type": "image/png", "x-file-name": "picture.png", ...headers }
  })

const png = Fs.readFileSync(Path.join(import.meta.dirname, "fixtures", "image.png"))

const waitForStatus = (org: IndreamOrg, taskId: string, statuses: ReadonlyArray<string>) =>
  eventually(call(org, "GET", `/v1/exports/${taskId}`), (answer: Answer) => statuses.includes(String(at(answer, "data", "status"))))

layer(testServer({
  indream: {
    exports: { pending: "100 millis", processing: "300 millis", pollInterval: "20 millis" },
    syncRateLimit: { limit: 2, window: "1 minute", burst: 2 },
    maxUploadBytes: 64 * 1024
  },
  webhooks: { retryBaseDelay: "50 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "20 millis" }
}), { excludeTestServices: true })("Indream dialect", (it) => {
  describe("Idempotency-Key and clientTaskId", () => {
    it.effect("replays the first response for the same key and payload, and refuses another payload under it", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("idempotency")
        const body = { title: "Once", editorState: validState }
        const headers = { "idempotency-key": "create-1" }
        const first = yield* call(org, "POST", "/v1/projects", { json: body, headers })
        const again = yield* call(org, "POST", "/v1/projects", { json: body, headers })
        expect(first.status).toBe(201)
        expect(again.status).toBe(201)
        expect(again.body).toEqual(first.body)
        const list = yield* call(org, "GET", "/v1/projects")
        expect(at(list, "data")).toHaveLength(1)
        const other = yield* call(org, "POST", "/v1/projects", { json: { ...body, title: "Twice" }, headers })
        expect(other.status).toBe(409)
        expect(other.body).toMatchObject({ status: 409, errorCode: "OPEN_API_IDEMPOTENCY_KEY_REUSED" })
      }))

    it.effect("dedups exports by clientTaskId when no Idempotency-Key is sent", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("client-task")
        const body = { ...exportOptions, editorState: stateOf(2), clientTaskId: "render-42" }
        const first = yield* call(org, "POST", "/v1/exports", { json: body })
        const second = yield* call(org, "POST", "/v1/exports", { json: body })
        expect(first.status).toBe(201)
        expect(textAt(second, "data", "taskId")).toBe(textAt(first, "data", "taskId"))
        const list = yield* call(org, "GET", "/v1/exports")
        expect(at(list, "data")).toHaveLength(1)
      }))
  })

  it.effect("refuses a third active export task of a user with 422 OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("concurrency")
      const body = { ...exportOptions, editorState: stateOf(1) }
      for (let index = 0; index < 2; index++) expect((yield* call(org, "POST", "/v1/exports", { json: body })).status).toBe(201)
      const third = yield* call(org, "POST", "/v1/exports", { json: body })
      expect(third.status).toBe(422)
      expect(third.body).toMatchObject({ status: 422, errorCode: "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED" })
      const list = yield* call(org, "GET", "/v1/exports")
      expect(at(list, "data")).toHaveLength(2)
    }))

  it.effect("answers a sync over its rate with 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED and Retry-After, storing nothing", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("sync-rate")
      const projectId = yield* createProject(org)
      for (const version of ["2", "3"]) {
        const synced = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: validState, stateVersion: version } })
        expect(synced.status).toBe(200)
        expect(at(synced, "data", "stateVersion")).toBe(version)
      }
      const limited = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: validState, stateVersion: "4" } })
      expect(limited.status).toBe(429)
      expect(limited.body).toMatchObject({ status: 429, errorCode: "OPEN_API_PROJECT_SYNC_RATE_LIMITED" })
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      const project = yield* call(org, "GET", `/v1/projects/${projectId}`)
      expect(at(project, "data", "stateVersion")).toBe("3")
    }))

  it.effect("refuses every route but capabilities and validate without runtime access (403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN)", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("no-runtime")
      const projectId = yield* createProject(org)
      yield* setRuntimeAccess(org, false)
      const id = Crypto.randomUUID()
      const refused: ReadonlyArray<readonly [string, string, unknown?]> = [
        ["POST", "/v1/projects", { editorState: validState }],
        ["GET", "/v1/projects"],
        ["GET", `/v1/projects/${projectId}`],
        ["PATCH", `/v1/projects/${projectId}`, { title: "x" }],
        ["DELETE", `/v1/projects/${projectId}`],
        ["POST", `/v1/projects/${projectId}/sync`, { editorState: validState }],
        ["GET", `/v1/projects/${projectId}/assets`],
        ["POST", `/v1/projects/${projectId}/assets`, { assetId: id }],
        ["DELETE", `/v1/projects/${projectId}/assets/${id}`],
        ["POST", `/v1/projects/${projectId}/exports`, exportOptions],
        ["GET", `/v1/assets/${id}`],
        ["DELETE", `/v1/assets/${id}`],
        ["POST", "/v1/exports", { ...exportOptions, editorState: validState }],
        ["GET", "/v1/exports"],
        ["GET", `/v1/exports/${id}`],
        ["GET", "/v1/illustrations"]
      ]
      for (const [method, path, json] of refused) {
        const answer = yield* call(org, method, path, json === undefined ? {} : { json })
        expect({ method, path, status: answer.status, body: answer.body }).toMatchObject({
          method,
          path,
          status: 403,
          body: { type: "FORBIDDEN", status: 403, errorCode: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN" }
        })
      }
      const uploadRefused = yield* upload(org, png)
      expect(uploadRefused.status).toBe(403)
      expect((yield* call(org, "GET", "/v1/editor/capabilities")).status).toBe(200)
      expect((yield* call(org, "POST", "/v1/editor/validate", { json: { editorState: validState } })).status).toBe(200)
      yield* setRuntimeAccess(org, true)
      expect((yield* call(org, "GET", `/v1/projects/${projectId}`)).status).toBe(200)
    }))

  describe("assets", () => {
    it.effect("refuse deletion with 409 ASSET_REFERENCED while bound or named by a saved state; unbinding keeps the asset", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("references")
        const projectId = yield* createProject(org)
        const uploaded = yield* upload(org, png, { "x-project-id": projectId })
        expect(uploaded.status).toBe(201)
        const assetId = textAt(uploaded, "data", "assetId")
        const bound = yield* call(org, "DELETE", `/v1/assets/${assetId}`)
        expect(bound.status).toBe(409)
        expect(bound.body).toMatchObject({ status: 409, errorCode: "ASSET_REFERENCED" })

        const unbound = yield* call(org, "DELETE", `/v1/projects/${projectId}/assets/${assetId}`)
        expect(unbound.status).toBe(200)
        expect(at(unbound, "data")).toEqual({ projectId, assetId, deleted: true })
        expect((yield* call(org, "GET", `/v1/assets/${assetId}`)).status).toBe(200)
        expect(at(yield* call(org, "GET", `/v1/projects/${projectId}/assets`), "data")).toEqual([])

        // A saved state naming the asset's fileKey (as assets[*].remoteKey) keeps it in use.
        const fileKey = textAt(uploaded, "data", "fileKey")
        const other = yield* createProject(org)
        const state = {
          ...validState,
          assets: Object.fromEntries(
            Object.entries(validState["assets"] as Record<string, Record<string, unknown>>).map(([id, asset]) => [id, { ...asset, remoteKey: fileKey }])
          )
        }
        expect((yield* call(org, "POST", `/v1/projects/${other}/sync`, { json: { editorState: state } })).status).toBe(200)
        expect((yield* call(org, "DELETE", `/v1/assets/${assetId}`)).status).toBe(409)
        expect((yield* call(org, "POST", `/v1/projects/${other}/sync`, { json: { editorState: validState } })).status).toBe(200)
        // The same state sent spaced out and with the fileKey written in escapes (the server
        // keeps a state's text as sent when it can): still in use.
        const third = yield* createProject(org)
        const escaped = [...fileKey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
        const spaced = JSON.stringify({ editorState: state }, null, 2).replaceAll(JSON.stringify(fileKey), `"${escaped}"`)
        expect(spaced).not.toContain(fileKey)
        const sentEscaped = yield* call(org, "POST", `/v1/projects/${third}/sync`, { body: spaced, headers: { "content-type": "application/json" } })
        expect(sentEscaped.status).toBe(200)
        expect(at(yield* call(org, "GET", `/v1/projects/${third}`), "data", "editorState")).toEqual(state)
        expect((yield* call(org, "DELETE", `/v1/assets/${assetId}`)).status).toBe(409)
        expect((yield* call(org, "POST", `/v1/projects/${third}/sync`, { json: { editorState: validState } })).status).toBe(200)

        const deleted = yield* call(org, "DELETE", `/v1/assets/${assetId}`)
        expect(deleted.status).toBe(200)
        expect(at(deleted, "data")).toEqual({ assetId, deleted: true })
        expect((yield* call(org, "GET", `/v1/assets/${assetId}`)).status).toBe(404)
      }))

    it.effect("bind an existing asset to a project, and list it there", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("binding")
        const projectId = yield* createProject(org)
        const assetId = textAt(yield* upload(org, png), "data", "assetId")
        const bound = yield* call(org, "POST", `/v1/projects/${projectId}/assets`, { json: { assetId } })
        expect(bound.status).toBe(201)
        expect(at(bound, "data")).toEqual({ projectId, assetId })
        const listed = yield* call(org, "GET", `/v1/projects/${projectId}/assets`)
        expect(at(listed, "data", 0, "assetId")).toBe(assetId)
      }))
  })

  it.effect("keeps a deleted project's export history", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("history")
      const projectId = yield* createProject(org, stateOf(1))
      const created = yield* call(org, "POST", `/v1/projects/${projectId}/exports`, { json: exportOptions })
      expect(created.status).toBe(201)
      const taskId = textAt(created, "data", "taskId")
      expect((yield* call(org, "DELETE", `/v1/projects/${projectId}`)).status).toBe(200)
      expect((yield* call(org, "GET", `/v1/projects/${projectId}`)).status).toBe(404)
      const task = yield* call(org, "GET", `/v1/exports/${taskId}`)
      expect(task.status).toBe(200)
      expect(at(task, "data", "projectId")).toBe(projectId)
    }))

  describe("editorState", () => {
    it.effect("is refused when invalid on create, sync and exports (422), and nothing is stored", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("invalid-state")
        const created = yield* call(org, "POST", "/v1/projects", { json: { editorState: invalidState } })
        expect(created.status).toBe(422)
        expect(textAt(created, "errorCode")).toMatch(/^EDITOR_/)
        expect(at(yield* call(org, "GET", "/v1/projects"), "data")).toEqual([])
        const projectId = yield* createProject(org)
        const synced = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: invalidState, stateVersion: "9" } })
        expect(synced.status).toBe(422)
        expect(at(yield* call(org, "GET", `/v1/projects/${projectId}`), "data", "stateVersion")).not.toBe("9")
        const exported = yield* call(org, "POST", "/v1/exports", { json: { ...exportOptions, editorState: invalidState } })
        expect(exported.status).toBe(422)
        expect(at(yield* call(org, "GET", "/v1/exports"), "data")).toEqual([])
      }))

    it.effect("is answered {valid, errors} by validate for each official example", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("validate")
        for (const example of examples("valid")) {
          const answer = yield* call(org, "POST", "/v1/editor/validate", { json: { editorState: example.state } })
          expect({ file: example.file, data: at(answer, "data") }).toEqual({ file: example.file, data: { valid: true, errors: [] } })
        }
        for (const example of examples("invalid")) {
          const answer = yield* call(org, "POST", "/v1/editor/validate", { json: { editorState: example.state } })
          expect(answer.status).toBe(200)
          expect(at(answer, "data", "valid")).toBe(false)
          expect(at(answer, "data", "errors", 0, "path")).toEqual(expect.stringMatching(/^\//))
        }
      }))
  })

  it.effect("runs an export PENDING → PROCESSING → COMPLETED with signed callbacks and an output ffprobe reads", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("lifecycle")
      const hook = yield* receiver(1)
      const created = yield* call(org, "POST", "/v1/exports", {
        json: {
          ...exportOptions,
          fps: 60,
          editorState: stateOf(3),
          callbackUrl: hook.url,
          callbackHeaders: { "x-tenant": "acme" }
        }
      })
      expect(created.status).toBe(201)
      expect(at(created, "data")).toMatchObject({ durationSeconds: 3, billedStandardSeconds: 6, chargedCredits: "6" })
      const taskId = textAt(created, "data", "taskId")
      expect(at(yield* call(org, "GET", `/v1/exports/${taskId}`), "data", "status")).toBe("PENDING")
      const done = yield* waitForStatus(org, taskId, ["COMPLETED"])
      expect(at(done, "data")).toMatchObject({ progress: 100, error: null, callbackUrl: hook.url })
      expect(at(done, "data", "completedAt")).toEqual(expect.any(String))

      // The output answers without the API key, as the file the task describes.
      const { baseUrl } = yield* TestServer
      const outputUrl = textAt(done, "data", "outputUrl")
      expect(outputUrl.startsWith(`${baseUrl}/indream/`)).toBe(true)
      const output = yield* Effect.promise(() => fetch(outputUrl))
      expect(output.headers.get("content-type")).toBe("video/mp4")
      const bytes = new Uint8Array(yield* Effect.promise(() => output.arrayBuffer()))
      const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "indream-output-"))
      const file = Path.join(directory, "output.mp4")
      Fs.writeFileSync(file, bytes)
      const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=width,height", "-of", "json", file], { encoding: "utf8" }))
      Fs.rmSync(directory, { recursive: true, force: true })
      expect(Number(probe.format.duration)).toBeCloseTo(3, 2)
      expect(probe.streams[0]).toMatchObject({ width: 1280, height: 720 })

      // EXPORT_STARTED (first attempt refused, then retried) and EXPORT_COMPLETED, each signed.
      yield* eventually(Effect.sync(() => hook.received.filter((delivery) => delivery.status === 204).length), (count) => count >= 2)
      const delivered = hook.received.filter((delivery) => delivery.status === 204)
      const events = delivered.map((delivery) => JSON.parse(delivery.body) as { eventType: string; task: { taskId: string; status: string } })
      expect(events.map((event) => event.eventType)).toEqual(["EXPORT_STARTED", "EXPORT_COMPLETED"])
      expect(events[1]!.task).toMatchObject({ taskId, status: "COMPLETED", outputUrl })
      expect(hook.received[0]!.body).toBe(delivered[0]!.body)
      for (const delivery of hook.received) {
        const timestamp = String(delivery.headers["x-indream-timestamp"])
        expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300)
        expect(delivery.headers["x-indream-signature"]).toBe(
          Crypto.createHmac("sha256", org.webhookSecret).update(`${timestamp}.${delivery.body}`).digest("hex")
        )
        expect(delivery.headers["x-tenant"]).toBe("acme")
      }
    }).pipe(Effect.scoped))

  it.effect("fails an export whose state cannot be rendered, with EXPORT_FAILED", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("failing")
      const hook = yield* receiver(0)
      const created = yield* call(org, "POST", "/v1/exports", {
        json: { ...exportOptions, format: "webm", editorState: stateOf(1, true), callbackUrl: hook.url }
      })
      const taskId = textAt(created, "data", "taskId")
      const failed = yield* waitForStatus(org, taskId, ["FAILED"])
      expect(at(failed, "data")).toMatchObject({ outputUrl: null, error: expect.any(String) })
      yield* eventually(Effect.sync(() => hook.received.length), (count) => count >= 2)
      expect(hook.received.map((delivery) => (JSON.parse(delivery.body) as { eventType: string }).eventType)).toEqual([
        "EXPORT_STARTED",
        "EXPORT_FAILED"
      ])
    }).pipe(Effect.scoped))

  describe("uploads", () => {
    it.effect("store the file: fileUrl serves the same bytes and Content-Type without the key; sizes read from the image", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("uploads")
        const uploaded = yield* upload(org, png)
        expect(uploaded.status).toBe(201)
        expect(at(uploaded, "data")).toMatchObject({
          type: "image",
          filename: "picture.png",
          mimetype: "image/png",
          size: png.length,
          width: 36,
          height: 20,
          duration: null
        })
        const { baseUrl } = yield* TestServer
        const fileUrl = textAt(uploaded, "data", "fileUrl")
        expect(fileUrl.startsWith(`${baseUrl}/indream/`)).toBe(true)
        const served = yield* Effect.promise(() => fetch(fileUrl))
        expect(served.status).toBe(200)
        expect(served.headers.get("content-type")).toBe("image/png")
        expect(Buffer.from(yield* Effect.promise(() => served.arrayBuffer()))).toEqual(png)
      }))

    it.effect("store any file byte for byte, with no image size when it is not an image", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("large-upload")
        const bytes = Crypto.randomBytes(60 * 1024)
        const uploaded = yield* upload(org, bytes, { "content-type": "application/octet-stream", "x-file-name": "blob.bin" })
        expect(uploaded.status).toBe(201)
        expect(at(uploaded, "data")).toMatchObject({ type: "file", size: bytes.length, width: null, height: null })
        const served = yield* Effect.promise(() => fetch(textAt(uploaded, "data", "fileUrl")))
        expect(Buffer.from(yield* Effect.promise(() => served.arrayBuffer()))).toEqual(bytes)
      }))

    it.effect("refuse a body over the limit with a 413 problem, storing nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("too-large")
        const refused = yield* upload(org, Crypto.randomBytes(65 * 1024), { "content-type": "application/octet-stream" })
        expect(refused.status).toBe(413)
        expect(refused.body).toMatchObject({ status: 413, errorCode: "OPEN_API_PAYLOAD_TOO_LARGE", type: expect.any(String), title: expect.any(String) })
      }))

    it.effect("refuse a streamed body past the limit with its 413 problem, keeping none of it", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("streamed-large")
        const { baseUrl } = yield* TestServer
        // A chunked body (no length to refuse up front) past the 64 KiB limit.
        const answer = yield* Effect.promise(() =>
          new Promise<string>((resolve, reject) => {
            const socket = Net.connect(Number(new URL(baseUrl).port), "127.0.0.1")
            let received = ""
            socket.on("data", (data) => {
              received += data.toString("latin1")
              if (received.includes("\r\n\r\n") && received.includes("}")) {
                socket.destroy()
                resolve(received)
              }
            })
            socket.on("error", reject)
            socket.write(
              `POST /indream/v1/uploads HTTP/1.1\r\nHost: x\r\nx-api-key: ${org.apiKey}\r\n` +
                "content-type: application/octet-stream\r\nx-file-name: endless.bin\r\ntransfer-encoding: chunked\r\n\r\n"
            )
            const piece = Crypto.randomBytes(16 * 1024)
            for (let i = 0; i < 6; i++) socket.write(`${piece.length.toString(16)}\r\n${piece.toString("latin1")}\r\n`, "latin1")
            socket.write("0\r\n\r\n")
          })
        )
        expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large")
        expect(answer).toContain(`"errorCode":"OPEN_API_PAYLOAD_TOO_LARGE"`)
      }))

    it.effect("refuse an x-project-id that is not a project of the caller's with 422, storing nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("foreign-project")
        const refused = yield* upload(org, png, { "x-project-id": Crypto.randomUUID() })
        expect(refused.status).toBe(422)
        expect(refused.body).toMatchObject({ errorCode: "OPEN_API_PROJECT_REFERENCE_INVALID" })
      }))
  })

  it.effect("builds the URLs it hands out from the request's Host", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("host")
      const uploaded = yield* upload(org, png)
      const assetId = textAt(uploaded, "data", "assetId")
      const { baseUrl } = yield* TestServer
      // fetch does not let a caller set Host; node:http does, as a proxy would.
      const viaProxy = yield* Effect.async<string>((resume) => {
        Http.get(`${baseUrl}/indream/v1/assets/${assetId}`, { headers: { "x-api-key": org.apiKey, host: "media.example.test:8443" } }, (response) => {
          let body = ""
          response.on("data", (chunk) => (body += chunk))
          response.on("end", () => resume(Effect.succeed(body)))
        })
      })
      const fileUrl = (JSON.parse(viaProxy) as { data: { fileUrl: string } }).data.fileUrl
      expect(fileUrl.startsWith("http://media.example.test:8443/indream/files/")).toBe(true)
    }))
})
