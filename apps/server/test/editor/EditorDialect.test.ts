/**
 * The editor dialect as one unit: what the server mounts, and that its error table renders the
 * failures no handler describes exactly as the server's fallback does today.
 */
import { describe, expect, it } from "@effect/vitest"
import { EditorApi, EditorErrors } from "@projectkit/editor"
import { dialect } from "../../src/dialects/editor/EditorDialect.js"
import * as Fallback from "../../src/Fallback.js"
import * as Server from "../../src/Server.js"

describe("EditorDialect", () => {
  it("mounts the editor contract under /editor with its table and tables", () => {
    expect(dialect).toMatchObject({ name: "editor", prefix: "/editor" })
    expect(dialect.contract).toBe(EditorApi.EditorApi)
    expect(dialect.errors).toBe(EditorErrors.table)
    expect(Object.keys(dialect.migrations)).toEqual(["0004_editor"])
  })

  it("is what the server's fallback renders framework failures under /editor with", () => {
    const render = Fallback.renderer(Server.dialectErrors)
    expect(render("/editor/v1/nope", { status: 404, message: "No such route" })).toEqual({
      code: "OPEN_API_NOT_FOUND",
      message: "No such route"
    })
    for (const status of [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503]) {
      expect(render("/editor/v1/projects", { status, message: "message" })).toEqual(dialect.errors.body(status, "message"))
    }
  })
})
