/**
 * What our contract encodes, checked against the official document's schemas: every one of the 19
 * operations is called over HTTP on the contract fixture (support/contractServer.ts), and each
 * answer's body — successes and problems — must validate with Ajv against the response schema
 * `openapi.yaml` declares for that operation and status (the editorState schema included).
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import * as AjvFormats from "ajv-formats"
import { officialEditorStateSchema, officialOpenApi, examples } from "./support/indreamDocuments.js"
import { basicKey, makeFixture, runtimeKey } from "./support/contractServer.js"

type Json = { readonly [key: string]: unknown }
const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const field = (value: unknown, ...path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((node, key) => (isJson(node) ? node[key] : undefined), value)

/** The document's own base, so that its `./schemas/editor-state.v1.schema.json` is the schema's `$id`. */
const documentId = "https://api.indream.ai/openapi.json"

const validatorFor = () => {
  const document = officialOpenApi()
  const ajv = new Ajv({ strict: false, allErrors: true })
  AjvFormats.default.default(ajv)
  ajv.addSchema(officialEditorStateSchema() as object)
  ajv.addSchema({ $id: documentId, components: document.components })
  /** The schema of `method path`'s answer with `status`, by the document. */
  return (method: string, path: string, status: number, body: unknown): ReadonlyArray<string> => {
    const response = field(document, "paths", path, method.toLowerCase(), "responses", String(status))
    if (response === undefined) return [`${method} ${path} documents no ${status}`]
    const ref = field(response, "$ref")
    const pointer = typeof ref === "string"
      ? `${ref}/content/application~1json/schema`
      : `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`
    if (typeof ref !== "string") {
      // An inline response: its schema is a $ref into components; resolve it the same way.
      const schema = field(response, "content", "application/json", "schema", "$ref")
      if (typeof schema !== "string") return [`${pointer}: no schema`]
      const validate = ajv.getSchema(`${documentId}${schema}`)!
      return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)
    }
    const problem = ajv.getSchema(`${documentId}#/components/schemas/Problem`)!
    return problem(body) ? [] : (problem.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)
  }
}

const validState = () => examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
const exportOptions = { fps: 30, ratio: "16:9", scale: 1, format: "mp4" }

describe("IndreamApi responses against the official document's schemas", () => {
  it("every operation's answers, successes and problems, validate", async () => {
    const check = validatorFor()
    const { dispose, fetch } = makeFixture()
    const operations = new Set<string>()
    const send = async (
      method: string,
      documented: string,
      path: string,
      options: { readonly body?: unknown; readonly raw?: Uint8Array; readonly headers?: Record<string, string>; readonly key?: string } = {}
    ) => {
      const headers: Record<string, string> = { "x-api-key": options.key ?? runtimeKey, ...options.headers }
      if (options.body !== undefined) headers["content-type"] = "application/json"
      const response = await fetch(`https://indream.test${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.raw !== undefined ? { body: options.raw } : {})
      })
      const body: unknown = await response.json()
      expect({ operation: `${method} ${documented} ${response.status}`, errors: check(method, documented, response.status, body) })
        .toEqual({ operation: `${method} ${documented} ${response.status}`, errors: [] })
      operations.add(`${method} ${documented}`)
      return { status: response.status, body }
    }
    try {
      const created = await send("POST", "/v1/projects", "/v1/projects", { body: { title: "T", editorState: validState() } })
      expect(created.status).toBe(201)
      const projectId = String(field(created.body, "data", "projectId"))
      const project = `/v1/projects/${projectId}`
      expect((await send("GET", "/v1/projects", "/v1/projects?pageSize=1")).status).toBe(200)
      expect((await send("GET", "/v1/projects/{projectId}", project)).status).toBe(200)
      expect((await send("PATCH", "/v1/projects/{projectId}", project, { body: { description: null } })).status).toBe(200)
      expect((await send("POST", "/v1/projects/{projectId}/sync", `${project}/sync`, { body: { editorState: validState(), stateVersion: "2" } })).status)
        .toBe(200)
      const uploaded = await send("POST", "/v1/uploads", "/v1/uploads", {
        raw: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
        headers: { "content-type": "image/png", "x-file-name": "a.png", "x-project-id": projectId }
      })
      expect(uploaded.status).toBe(201)
      const assetId = String(field(uploaded.body, "data", "assetId"))
      expect((await send("GET", "/v1/projects/{projectId}/assets", `${project}/assets`)).status).toBe(200)
      expect((await send("POST", "/v1/projects/{projectId}/assets", `${project}/assets`, { body: { assetId } })).status).toBe(201)
      expect((await send("DELETE", "/v1/assets/{assetId}", `/v1/assets/${assetId}`)).status).toBe(409)
      expect((await send("DELETE", "/v1/projects/{projectId}/assets/{assetId}", `${project}/assets/${assetId}`)).status).toBe(200)
      expect((await send("GET", "/v1/assets/{assetId}", `/v1/assets/${assetId}`)).status).toBe(200)
      expect((await send("DELETE", "/v1/assets/{assetId}", `/v1/assets/${assetId}`)).status).toBe(200)
      expect((await send("GET", "/v1/assets/{assetId}", `/v1/assets/${assetId}`)).status).toBe(404)
      const task = await send("POST", "/v1/exports", "/v1/exports", { body: { ...exportOptions, editorState: validState() } })
      expect(task.status).toBe(201)
      expect((await send("POST", "/v1/projects/{projectId}/exports", `${project}/exports`, { body: exportOptions })).status).toBe(201)
      expect((await send("GET", "/v1/exports", "/v1/exports")).status).toBe(200)
      expect((await send("GET", "/v1/exports/{taskId}", `/v1/exports/${String(field(task.body, "data", "taskId"))}`)).status).toBe(200)
      expect((await send("GET", "/v1/exports/{taskId}", "/v1/exports/none")).status).toBe(404)
      expect((await send("GET", "/v1/editor/capabilities", "/v1/editor/capabilities")).status).toBe(200)
      expect((await send("POST", "/v1/editor/validate", "/v1/editor/validate", { body: { editorState: { tracks: [] } } })).status).toBe(200)
      expect((await send("GET", "/v1/illustrations", "/v1/illustrations?q=rock")).status).toBe(200)
      expect((await send("DELETE", "/v1/projects/{projectId}", project)).status).toBe(200)

      // Problems.
      expect((await send("GET", "/v1/projects", "/v1/projects?pageSize=51")).status).toBe(400)
      expect((await send("GET", "/v1/projects/{projectId}", "/v1/projects/not-a-uuid")).status).toBe(400)
      expect((await send("GET", "/v1/projects", "/v1/projects", { key: "nobody" })).status).toBe(401)
      expect((await send("GET", "/v1/projects", "/v1/projects", { key: basicKey })).status).toBe(403)
      expect((await send("GET", "/v1/editor/capabilities", "/v1/editor/capabilities", { key: "nobody" })).status).toBe(401)
      expect((await send("POST", "/v1/projects", "/v1/projects", { body: { editorState: { tracks: [] } } })).status).toBe(422)
      expect((await send("GET", "/v1/projects/{projectId}", project)).status).toBe(404)
      expect((await send("POST", "/v1/exports", "/v1/exports", { body: { ...exportOptions, fps: 24, editorState: validState() } })).status)
        .toBe(400)
      expect(operations.size).toBe(19)
    } finally {
      await dispose()
    }
  })
})
