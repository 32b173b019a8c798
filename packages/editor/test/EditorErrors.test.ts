/**
 * The editor's error table both ways, every class: what a client reports for each wire error, and
 * what the server sends for each core error (the bodies the reference server has always sent).
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { describe, expect, it } from "@effect/vitest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable } from "@projectkit/http"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { EditorErrors } from "../src/index.js"

const { table } = EditorErrors
const encode = (error: EditorErrors.EditorWireError) => Schema.encodeUnknownSync(Schema.Union(...EditorErrors.classes))(error)

describe("EditorErrors", () => {
  it("every class keeps its identifier and status, and is in the table", () => {
    expect(table.classes).toEqual(EditorErrors.classes)
    expect(EditorErrors.classes.map((klass) => [klass.identifier, HttpApiSchema.getStatusErrorAST(klass.ast)])).toEqual([
      ["@projectkit/editor/ValidationFailed", 400],
      ["@projectkit/editor/Unauthorized", 401],
      ["@projectkit/editor/RuntimeAccessForbidden", 403],
      ["@projectkit/editor/NotFound", 404],
      ["@projectkit/editor/PayloadTooLarge", 413],
      ["@projectkit/editor/UnknownAssetReference", 422],
      ["@projectkit/editor/SyncRateLimited", 429],
      ["@projectkit/editor/InternalError", 500]
    ])
  })

  describe("toCore: a wire error as the client reports it", () => {
    const project = { resource: "project", id: "p1" }

    it("400 is Validation with the provider's message", () => {
      const error = table.toCore(new EditorErrors.ValidationFailed({ code: "OPEN_API_VALIDATION_FAILED", message: "bad" }), project)
      expect(error).toEqual(ProjectsError.Validation.single([], "bad"))
    })

    it("401 is Unauthorized, 403 is Forbidden (AccessDisabled)", () => {
      expect(table.toCore(new EditorErrors.Unauthorized({ code: "OPEN_API_UNAUTHORIZED", message: "Invalid API key" }), project))
        .toEqual(new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: "Invalid API key" }))
      expect(
        table.toCore(new EditorErrors.RuntimeAccessForbidden({ code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN", message: "no" }), project)
      ).toEqual(new ProjectsError.Forbidden({ reason: "AccessDisabled", description: "no" }))
    })

    it("404 names the resource of its code, else the one asked about", () => {
      const notFound = (code: EditorErrors.NotFound["code"]) => new EditorErrors.NotFound({ code, message: "gone" })
      expect(table.toCore(notFound("OPEN_API_PROJECT_NOT_FOUND"), project)).toEqual(
        new ProjectsError.NotFound({ resource: "project", id: "p1" })
      )
      expect(table.toCore(notFound("OPEN_API_EXPORT_NOT_FOUND"), { resource: "export", id: "t1" })).toEqual(
        new ProjectsError.NotFound({ resource: "export", id: "t1" })
      )
      expect(table.toCore(notFound("OPEN_API_ASSET_NOT_FOUND"), project)).toEqual(
        new ProjectsError.NotFound({ resource: "asset", id: "p1" })
      )
      expect(table.toCore(notFound("OPEN_API_NOT_FOUND"), { resource: "export" })).toEqual(
        new ProjectsError.NotFound({ resource: "export", id: "" })
      )
    })

    it("413 is Validation TooLarge at editorState", () => {
      const error = table.toCore(new EditorErrors.PayloadTooLarge({ code: "OPEN_API_PAYLOAD_TOO_LARGE", message: "big" }), project)
      expect(error).toEqual(
        new ProjectsError.Validation({ issues: [{ path: ["editorState"], message: "big" }], reason: "TooLarge" })
      )
      expect(error.message).toBe("editorState: big")
    })

    it("422 is InvalidReference naming every unknown asset, with the provider's message", () => {
      const wire = new EditorErrors.UnknownAssetReference({
        code: "OPEN_API_ASSET_REFERENCE_INVALID",
        message: "editorState refers to assets that project p1 does not have: a1, a2",
        assetIds: ["a1", "a2"]
      })
      const error = table.toCore(wire, project)
      expect(error).toEqual(
        new ProjectsError.InvalidReference({ field: "editorState.assetId", id: "a1", ids: ["a1", "a2"], description: wire.message })
      )
      expect(table.toCore(new EditorErrors.UnknownAssetReference({ code: "OPEN_API_ASSET_REFERENCE_INVALID", message: "m" }), project))
        .toEqual(new ProjectsError.InvalidReference({ field: "editorState.assetId", id: "m", description: "m" }))
    })

    it("429 is RateLimited (its Retry-After is read by the transport, not from this body)", () => {
      const error = table.toCore(new EditorErrors.SyncRateLimited({ code: "OPEN_API_PROJECT_SYNC_RATE_LIMITED", message: "slow" }), project)
      expect(error).toEqual(new ProjectsError.RateLimited({ retryAfter: Duration.zero, description: "slow" }))
    })

    it("500 is ProviderFailure carrying the body", () => {
      const wire = new EditorErrors.InternalError({ code: "OPEN_API_INTERNAL_ERROR", message: "boom" })
      expect(table.toCore(wire, project)).toEqual(new ProjectsError.ProviderFailure({ provider: "editor", status: 500, body: wire }))
    })
  })

  describe("fromCore: a core error as the server answers it", () => {
    it("NotFound: the resource's code and sentence; the provider's own message when given", () => {
      const project: EditorErrors.NotFound = table.fromCore(new ProjectsError.NotFound({ resource: "project", id: "p1" }))
      expect(encode(project)).toEqual({ code: "OPEN_API_PROJECT_NOT_FOUND", message: "Project p1 not found" })
      expect(encode(table.fromCore(new ProjectsError.NotFound({ resource: "export", id: "t1" })))).toEqual({
        code: "OPEN_API_EXPORT_NOT_FOUND",
        message: "Export task t1 not found"
      })
      expect(encode(table.fromCore(new ProjectsError.NotFound({ resource: "asset", id: "a1" })))).toEqual({
        code: "OPEN_API_ASSET_NOT_FOUND",
        message: "Asset a1 not found"
      })
      expect(encode(table.fromCore(new ProjectsError.NotFound({ resource: "route", id: "/x", description: "No such route" }))))
        .toEqual({ code: "OPEN_API_NOT_FOUND", message: "No such route" })
    })

    it("Unauthorized: missing or invalid key", () => {
      const missing: EditorErrors.Unauthorized = table.fromCore(new ProjectsError.Unauthorized({ reason: "MissingCredentials" }))
      expect(encode(missing)).toEqual({
        code: "OPEN_API_UNAUTHORIZED",
        message: "Missing API key: send it as Authorization: Bearer <key>"
      })
      expect(encode(table.fromCore(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" })))).toEqual({
        code: "OPEN_API_UNAUTHORIZED",
        message: "Invalid API key"
      })
    })

    it("Forbidden: the runtime-access 403", () => {
      const wire: EditorErrors.RuntimeAccessForbidden = table.fromCore(new ProjectsError.Forbidden({ reason: "AccessDisabled" }))
      expect(encode(wire)).toEqual({
        code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN",
        message: "This account does not have runtime OpenAPI access, which project routes require"
      })
    })

    it("RateLimited: the sync 429, its wait in whole seconds, at least one", () => {
      const wire: EditorErrors.SyncRateLimited = table.fromCore(new ProjectsError.RateLimited({ retryAfter: Duration.millis(59_001) }))
      expect(encode(wire)).toEqual({
        code: "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
        message: "Too many syncs of this project; retry after 60 s, with jitter"
      })
      expect(EditorErrors.retryAfterSeconds(Duration.zero)).toBe(1)
      expect(EditorErrors.retryAfterSeconds(Duration.seconds(3))).toBe(3)
    })

    it("InvalidReference: the 422 with every unknown asset id", () => {
      const wire: EditorErrors.UnknownAssetReference = table.fromCore(
        new ProjectsError.InvalidReference({ field: "editorState.assetId", id: "a", ids: ["a", "b"], description: "refers to a, b" })
      )
      expect(encode(wire)).toEqual({ code: "OPEN_API_ASSET_REFERENCE_INVALID", message: "refers to a, b", assetIds: ["a", "b"] })
      expect(encode(table.fromCore(new ProjectsError.InvalidReference({ field: "editorState.assetId", id: "a" })))).toEqual({
        code: "OPEN_API_ASSET_REFERENCE_INVALID",
        message: "editorState refers to assets that do not exist: a",
        assetIds: ["a"]
      })
    })

    it("Validation: 400, or 413 when too large", () => {
      expect(encode(table.fromCore(ProjectsError.Validation.single(["cursor"], "invalid cursor: malformed")))).toEqual({
        code: "OPEN_API_VALIDATION_FAILED",
        message: "cursor: invalid cursor: malformed"
      })
      const tooLarge = new ProjectsError.Validation({ issues: [{ path: [], message: "editorState is 9 bytes" }], reason: "TooLarge" })
      expect(table.fromCore(tooLarge)).toBeInstanceOf(EditorErrors.PayloadTooLarge)
      expect(encode(table.fromCore(tooLarge))).toEqual({ code: "OPEN_API_PAYLOAD_TOO_LARGE", message: "editorState is 9 bytes" })
    })

    it("Conflict and Unsupported: the 400, as the editor has no closer status", () => {
      const conflict: EditorErrors.ValidationFailed = table.fromCore(new ProjectsError.Conflict({ description: "taken" }))
      expect(encode(conflict)).toEqual({ code: "OPEN_API_VALIDATION_FAILED", message: "taken" })
      expect(encode(table.fromCore(new ProjectsError.Unsupported({ provider: "editor", feature: "x" })))).toEqual({
        code: "OPEN_API_VALIDATION_FAILED",
        message: "editor does not support x"
      })
    })

    it("ProviderFailure: the 500", () => {
      const wire: EditorErrors.InternalError = table.fromCore(
        new ProjectsError.ProviderFailure({ provider: "editor", status: 500, body: null })
      )
      expect(encode(wire)).toEqual({ code: "OPEN_API_INTERNAL_ERROR", message: "Internal server error" })
    })

    it("every answer is one of the table's wire errors, and turns back into the same kind of core error", () => {
      const errors: ReadonlyArray<ProjectsError.ProjectsError> = [
        new ProjectsError.NotFound({ resource: "project", id: "p1" }),
        new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }),
        new ProjectsError.Forbidden({ reason: "AccessDisabled" }),
        new ProjectsError.RateLimited({ retryAfter: Duration.seconds(1) }),
        new ProjectsError.InvalidReference({ field: "editorState.assetId", id: "a" }),
        ProjectsError.Validation.single([], "bad"),
        new ProjectsError.ProviderFailure({ provider: "editor", status: 500, body: null })
      ]
      for (const error of errors) {
        const wire = table.fromCore(error)
        expect(ErrorTable.isWire(table, wire)).toBe(true)
        expect(table.toCore(wire, { resource: "project", id: "p1" })._tag).toBe(error._tag)
      }
    })
  })

  it("body: the editor's {code, message} for failures no endpoint describes", () => {
    expect(table.body(400, "The request body is not valid JSON")).toEqual({
      code: "OPEN_API_VALIDATION_FAILED",
      message: "The request body is not valid JSON"
    })
    expect(table.body(404, "No such route")).toEqual({ code: "OPEN_API_NOT_FOUND", message: "No such route" })
    expect(table.body(413, "too large")).toEqual({ code: "OPEN_API_PAYLOAD_TOO_LARGE", message: "too large" })
    expect(table.body(401, "m")).toMatchObject({ code: "OPEN_API_UNAUTHORIZED" })
    expect(table.body(403, "m")).toMatchObject({ code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN" })
    expect(table.body(429, "m")).toMatchObject({ code: "OPEN_API_RATE_LIMITED" })
    expect(table.body(405, "m")).toMatchObject({ code: "OPEN_API_BAD_REQUEST" })
    expect(table.body(500, "Internal server error")).toEqual({ code: "OPEN_API_INTERNAL_ERROR", message: "Internal server error" })
    expect(table.body(503, "m")).toMatchObject({ code: "OPEN_API_INTERNAL_ERROR" })
  })
})
