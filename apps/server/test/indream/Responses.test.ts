/**
 * Every operation of Indream's official document, walked over raw HTTP through the real server,
 * successes and errors: each response body must validate (Ajv) against the official document's
 * response schema for its operation and status, and every status must be one the document lists
 * for the operation. The walk must reach all 19 operations.
 */
import { expect, layer } from "@effect/vitest"
import { Ajv } from "ajv"
import * as AjvFormats from "ajv-formats"
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { layer as testServer } from "../support/TestServer.js"
import { type Answer, call, eventually, examples, indreamDirectory, type IndreamOrg, makeIndreamOrg, officialOpenApi, setRuntimeAccess, textAt, at } from "./IndreamOrg.js"

interface Operation {
  readonly operationId: string
  readonly responses: Readonly<Record<string, { readonly $ref?: string; readonly content?: Record<string, { readonly schema: unknown }> }>>
}

const document = officialOpenApi() as {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>
  readonly components: { readonly responses: Readonly<Record<string, { readonly content: Record<string, { readonly schema: unknown }> }>> }
}

/** Ajv over the whole document, the editor-state schema added under the relative name the document uses. */
const ajv = new Ajv({ allErrors: true, strict: false })
AjvFormats.default.default(ajv)
const editorStateSchema = JSON.parse(Fs.readFileSync(Path.join(indreamDirectory(), "schemas/editor-state.v1.schema.json"), "utf8")) as Record<string, unknown>
ajv.addSchema({ ...editorStateSchema, $id: "editor-state" }, "editor-state")
const rewritten = JSON.parse(
  JSON.stringify({ ...document, $id: "openapi" }).replaceAll("./schemas/editor-state.v1.schema.json", "editor-state#")
) as Record<string, unknown>
ajv.addSchema(rewritten, "openapi")

/** The operation by its id: its method and path template. */
const operations = new Map<string, { readonly method: string; readonly path: string; readonly operation: Operation }>()
for (const [path, methods] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(methods)) operations.set(operation.operationId, { method: method.toUpperCase(), path, operation })
}

/** A JSON pointer's escaping of one segment. */
const pointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1")

const checked = new Map<string, Set<number>>()

/** Checks `answer` against the document's schema for `operationId` and its status. */
const conforms = (operationId: string, answer: Answer) => {
  const found = operations.get(operationId)
  if (found === undefined) throw new Error(`no operation ${operationId}`)
  const status = String(answer.status)
  const declared = found.operation.responses[status]
  expect(declared, `${operationId} answered ${status}, which the document does not list: ${JSON.stringify(answer.body)}`).toBeDefined()
  const schemaRef = declared!.$ref === undefined
    ? `openapi#/paths/${pointer(found.path)}/${found.method.toLowerCase()}/responses/${status}/content/application~1json/schema`
    : `openapi#/components/responses/${declared!.$ref.split("/").pop()}/content/application~1json/schema`
  const validate = ajv.getSchema(schemaRef)
  if (validate === undefined) throw new Error(`no schema at ${schemaRef}`)
  const valid = validate(answer.body)
  expect(valid, `${operationId} ${status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body).slice(0, 400)}`).toBe(true)
  checked.set(operationId, (checked.get(operationId) ?? new Set()).add(answer.status))
}

const validState = examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
const invalidState = examples("invalid")[0]!.state
const exportOptions = { ratio: "16:9", scale: 1, fps: 30, format: "mp4" } as const
const png = Fs.readFileSync(Path.join(import.meta.dirname, "fixtures", "image.png"))

const send = (org: IndreamOrg | undefined, operationId: string, path: string, init: Parameters<typeof call>[3] = {}) =>
  Effect.tap(call(org, operations.get(operationId)!.method, path, init), (answer) => Effect.sync(() => conforms(operationId, answer)))

layer(testServer({
  indream: {
    exports: { pending: "50 millis", processing: "100 millis", pollInterval: "20 millis" },
    syncRateLimit: { limit: 1, window: "1 minute", burst: 1 },
    maxUploadBytes: 4096
  }
}), { excludeTestServices: true })("Indream responses against the official document", (it) => {
  it.effect("every operation answers bodies its official response schema accepts, for every status it sends", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("walk")
      const unknownId = Crypto.randomUUID()

      // Projects
      const created = yield* send(org, "createProject", "/v1/projects", { json: { title: "Walk", description: null, editorState: validState } })
      const projectId = textAt(created, "data", "projectId")
      yield* send(org, "createProject", "/v1/projects", { json: { editorState: invalidState } })
      yield* send(org, "createProject", "/v1/projects", { json: { title: "x".repeat(121), editorState: validState } })
      yield* send(org, "createProject", "/v1/projects", { json: { editorState: validState }, headers: { "idempotency-key": "k" } })
      yield* send(org, "createProject", "/v1/projects", { json: { title: "other", editorState: validState }, headers: { "idempotency-key": "k" } })
      yield* send(undefined, "createProject", "/v1/projects", { json: { editorState: validState } })
      yield* send(org, "listProjects", "/v1/projects?pageSize=1")
      yield* send(org, "listProjects", "/v1/projects?pageSize=0")
      yield* send(org, "listProjects", "/v1/projects?pageCursor=nope")
      yield* send(org, "getProject", `/v1/projects/${projectId}`)
      yield* send(org, "getProject", `/v1/projects/${unknownId}`)
      yield* send(org, "getProject", "/v1/projects/not-a-uuid")
      yield* send(org, "patchProject", `/v1/projects/${projectId}`, { json: { title: "Renamed", description: "d" } })
      yield* send(org, "patchProject", `/v1/projects/${unknownId}`, { json: { title: "Renamed" } })
      yield* send(org, "syncProject", `/v1/projects/${projectId}/sync`, { json: { editorState: validState, stateVersion: "2" } })
      yield* send(org, "syncProject", `/v1/projects/${projectId}/sync`, { json: { editorState: validState, stateVersion: "3" } })
      yield* send(org, "syncProject", `/v1/projects/${projectId}/sync`, { json: { editorState: invalidState } })
      yield* send(org, "syncProject", `/v1/projects/${unknownId}/sync`, { json: { editorState: validState } })

      // Uploads and assets
      const uploaded = yield* send(org, "uploadAsset", "/v1/uploads", {
        body: png,
        headers: { "content-type": "image/png", "x-file-name": "p.png", "x-project-id": projectId }
      })
      const assetId = textAt(uploaded, "data", "assetId")
      yield* send(org, "uploadAsset", "/v1/uploads", { body: png, headers: { "content-type": "image/png" } })
      yield* send(org, "uploadAsset", "/v1/uploads", { body: png, headers: { "content-type": "image/png", "x-file-name": "p.png", "x-project-id": unknownId } })
      const second = yield* send(org, "uploadAsset", "/v1/uploads", { body: png, headers: { "content-type": "image/png", "x-file-name": "q.png" } })
      const secondId = textAt(second, "data", "assetId")
      yield* send(org, "getAsset", `/v1/assets/${assetId}`)
      yield* send(org, "getAsset", `/v1/assets/${unknownId}`)
      yield* send(org, "listProjectAssets", `/v1/projects/${projectId}/assets?pageSize=1`)
      yield* send(org, "listProjectAssets", `/v1/projects/${unknownId}/assets`)
      yield* send(org, "addProjectAsset", `/v1/projects/${projectId}/assets`, { json: { assetId: secondId } })
      yield* send(org, "addProjectAsset", `/v1/projects/${projectId}/assets`, { json: { assetId: unknownId } })
      yield* send(org, "addProjectAsset", `/v1/projects/${projectId}/assets`, { json: { assetId: "nope" } })
      yield* send(org, "deleteAsset", `/v1/assets/${secondId}`)
      yield* send(org, "deleteProjectAsset", `/v1/projects/${projectId}/assets/${secondId}`)
      yield* send(org, "deleteProjectAsset", `/v1/projects/${projectId}/assets/${secondId}`)
      yield* send(org, "deleteAsset", `/v1/assets/${secondId}`)
      yield* send(org, "deleteAsset", `/v1/assets/${secondId}`)

      // Exports
      const projectExport = yield* send(org, "createProjectExport", `/v1/projects/${projectId}/exports`, { json: exportOptions })
      yield* send(org, "createProjectExport", `/v1/projects/${unknownId}/exports`, { json: exportOptions })
      yield* send(org, "createProjectExport", `/v1/projects/${projectId}/exports`, { json: { ...exportOptions, fps: 24 } })
      const stateless = yield* send(org, "createExport", "/v1/exports", { json: { ...exportOptions, editorState: validState, clientTaskId: "c" } })
      yield* send(org, "createExport", "/v1/exports", { json: { ...exportOptions, editorState: validState } })
      yield* send(org, "createExport", "/v1/exports", { json: { ...exportOptions, editorState: invalidState } })
      yield* send(org, "createExport", "/v1/exports", { json: { ...exportOptions, editorState: validState, callbackUrl: "ftp://x" } })
      const taskId = textAt(stateless, "data", "taskId")
      yield* send(org, "getExport", `/v1/exports/${taskId}`)
      yield* send(org, "getExport", `/v1/exports/${unknownId}`)
      yield* eventually(call(org, "GET", `/v1/exports/${textAt(projectExport, "data", "taskId")}`), (answer: Answer) => at(answer, "data", "status") === "COMPLETED")
      yield* send(org, "getExport", `/v1/exports/${textAt(projectExport, "data", "taskId")}`)
      yield* send(org, "listExports", "/v1/exports?pageSize=1")
      yield* send(org, "listExports", `/v1/exports?createdByApiKeyId=${unknownId}`)
      yield* send(org, "listExports", "/v1/exports?pageSize=51")

      // Editor and materials
      yield* send(org, "getEditorCapabilities", "/v1/editor/capabilities")
      yield* send(undefined, "getEditorCapabilities", "/v1/editor/capabilities")
      yield* send(org, "validateEditorState", "/v1/editor/validate", { json: { editorState: validState } })
      yield* send(org, "validateEditorState", "/v1/editor/validate", { json: { editorState: invalidState } })
      yield* send(org, "validateEditorState", "/v1/editor/validate", { json: {} })
      yield* send(org, "searchIllustrations", "/v1/illustrations")
      yield* send(org, "searchIllustrations", "/v1/illustrations?q=rocket")
      yield* send(org, "searchIllustrations", `/v1/illustrations?q=${"x".repeat(201)}`)

      // Deletion last; then the refusals of an account without runtime access.
      yield* send(org, "deleteProject", `/v1/projects/${projectId}`)
      yield* send(org, "deleteProject", `/v1/projects/${projectId}`)
      yield* setRuntimeAccess(org, false)
      yield* send(org, "listProjects", "/v1/projects")
      yield* send(org, "searchIllustrations", "/v1/illustrations")
      yield* send(org, "getEditorCapabilities", "/v1/editor/capabilities")

      expect([...checked.keys()].sort()).toEqual([...operations.keys()].sort())
      // Each operation was seen failing too, except capabilities' 401 (seen) and its only success.
      for (const [operationId, statuses] of checked) {
        expect({ operationId, errors: [...statuses].some((status) => status >= 400) }).toEqual({ operationId, errors: true })
      }
    }))
})
