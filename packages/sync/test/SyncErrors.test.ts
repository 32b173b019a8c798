/**
 * sync.so's error table, both ways: every wire class read back as the core error a client sees,
 * every core error answered by the wire class (and body) the server sends, and the framework
 * failures' body.
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable } from "@projectkit/http"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { SyncApi, SyncErrorCatalog, SyncErrors } from "../src/index.js"

const { table } = SyncErrors
const subject = { resource: "project", id: "p1", projectId: "elsewhere" }

/** What goes on the wire for `error`: its status (from its class) and its body. */
const sent = (error: SyncErrors.SyncWireError) => {
  const schema = table.classes.find((klass) => error instanceof klass) as unknown as Schema.Schema<unknown, unknown>
  return { status: HttpApiSchema.getStatusErrorAST(schema.ast), body: Schema.encodeSync(schema)(error) }
}

describe("SyncErrors", () => {
  it("declares every class once, with its status and the identifier it always had", () => {
    const declared = table.classes.map((klass) => {
      const schema = klass as unknown as Schema.Schema.Any
      return [HttpApiSchema.getStatusErrorAST(schema.ast), (klass as unknown as { identifier: string }).identifier]
    })
    expect(declared).toEqual([
      [400, "@projectkit/sync/BadRequest"],
      [401, "@projectkit/sync/Unauthorized"],
      [402, "@projectkit/sync/PaymentRequired"],
      [403, "@projectkit/sync/Forbidden"],
      [404, "@projectkit/sync/NotFound"],
      [409, "@projectkit/sync/Conflict"],
      [422, "@projectkit/sync/UnprocessableEntity"],
      [413, "@projectkit/sync/PayloadTooLarge"],
      [429, "@projectkit/sync/TooManyRequests"],
      [500, "@projectkit/sync/InternalServerError"]
    ])
    // The contract's names are the table's classes.
    expect(SyncApi.NotFound).toBe(SyncErrors.NotFound)
    expect(SyncApi.UnprocessableEntity).toBe(SyncErrors.UnprocessableEntity)
  })

  describe("toCore (the client)", () => {
    it("413: a Validation of reason TooLarge", () => {
      expect(table.toCore(new SyncErrors.PayloadTooLarge({ statusCode: 413, message: "too big" }), subject))
        .toEqual(new ProjectsError.Validation({ issues: [{ path: [], message: "too big" }], reason: "TooLarge" }))
    })

    it("400: a Validation with one issue per message, a list of messages or one", () => {
      expect(table.toCore(new SyncErrors.BadRequest({ statusCode: 400, message: ["name: blank", "mode: unknown"] }), subject))
        .toEqual(new ProjectsError.Validation({ issues: [{ path: [], message: "name: blank" }, { path: [], message: "mode: unknown" }] }))
      expect(table.toCore(new SyncErrors.BadRequest({ statusCode: 400, message: "bad" }), subject))
        .toEqual(new ProjectsError.Validation({ issues: [{ path: [], message: "bad" }] }))
    })

    it("401: Unauthorized, invalid credentials, with the provider's message", () => {
      expect(table.toCore(new SyncErrors.Unauthorized({ statusCode: 401, message: "Invalid API key" }), subject))
        .toEqual(new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: "Invalid API key" }))
    })

    it("404: NotFound naming the call's subject", () => {
      expect(table.toCore(new SyncErrors.NotFound({ statusCode: 404, message: "Project p1 not found" }), subject))
        .toEqual(new ProjectsError.NotFound({ resource: "project", id: "p1" }))
      expect(table.toCore(new SyncErrors.NotFound({ statusCode: 404, message: "x" }), { resource: "model" }))
        .toEqual(new ProjectsError.NotFound({ resource: "model", id: "" }))
    })

    it("422: InvalidReference naming the projectId the request filed its work under", () => {
      expect(table.toCore(new SyncErrors.UnprocessableEntity({ statusCode: 422, message: "x" }), subject))
        .toEqual(new ProjectsError.InvalidReference({ field: "projectId", id: "elsewhere" }))
    })

    it("403: Forbidden; 409: Conflict, each with the provider's message", () => {
      expect(table.toCore(new SyncErrors.Forbidden({ statusCode: 403, message: "not yours", errorCode: "asset_forbidden" }), subject))
        .toEqual(new ProjectsError.Forbidden({ reason: "Other", description: "not yours" }))
      expect(table.toCore(new SyncErrors.Conflict({ statusCode: 409, message: "still at work" }), subject))
        .toEqual(new ProjectsError.Conflict({ description: "still at work" }))
    })

    it("402, 429, 500: a ProviderFailure keeping the body", () => {
      for (
        const error of [
          new SyncErrors.PaymentRequired({ statusCode: 402, message: "no credit" }),
          new SyncErrors.TooManyRequests({ statusCode: 429, message: "slow down" }),
          new SyncErrors.InternalServerError({ statusCode: 500, message: "boom" })
        ]
      ) {
        expect(table.toCore(error, subject))
          .toEqual(new ProjectsError.ProviderFailure({ provider: "sync", status: error.statusCode, body: error }))
      }
    })
  })

  describe("fromCore (the server)", () => {
    /** A coded body: the catalog's suggestion for `code`, and `field` when one is at fault. */
    const coded = (status: number, message: string, code: SyncErrorCatalog.ErrorCode, field?: string) => ({
      message,
      statusCode: status,
      errorCode: code,
      suggestion: SyncErrorCatalog.describe(code).suggestion,
      ...(field === undefined ? {} : { field })
    })

    it("NotFound: 404 `<resource> <id> not found`, or the provider's own message, coded by resource", () => {
      expect(sent(table.fromCore(new ProjectsError.NotFound({ resource: "Project", id: "p1" }))))
        .toEqual({ status: 404, body: coded(404, "Project p1 not found", "project_not_found") })
      expect(sent(table.fromCore(new ProjectsError.NotFound({ resource: "Asset", id: "a", description: "gone" }))))
        .toEqual({ status: 404, body: coded(404, "gone", "asset_not_found") })
      expect(sent(table.fromCore(new ProjectsError.NotFound({ resource: "Generation", id: "g" }))).body)
        .toMatchObject({ errorCode: "generation_not_found" })
    })

    it("Unauthorized: 401 saying what was wrong with the x-api-key", () => {
      expect(sent(table.fromCore(new ProjectsError.Unauthorized({ reason: "MissingCredentials" }))))
        .toEqual({ status: 401, body: coded(401, "Missing API key: send it in the x-api-key header", "missing_api_key") })
      expect(sent(table.fromCore(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }))))
        .toEqual({ status: 401, body: coded(401, "Invalid API key", "invalid_api_key") })
    })

    it("Forbidden: 403 asset_forbidden (assets-api/delete)", () => {
      expect(sent(table.fromCore(new ProjectsError.Forbidden({ reason: "Other", description: "not yours" }))))
        .toEqual({ status: 403, body: coded(403, "not yours", "asset_forbidden") })
    })

    it("RateLimited: 429", () => {
      expect(sent(table.fromCore(new ProjectsError.RateLimited({ retryAfter: Duration.seconds(1) }))))
        .toEqual({ status: 429, body: coded(429, "Too many requests", "rate_limit_exceeded") })
    })

    it("InvalidReference: the 422 of work filed under another organization's project, naming the field", () => {
      const wire: SyncErrors.UnprocessableEntity = table.fromCore(
        new ProjectsError.InvalidReference({ field: "projectId", id: "p9" })
      )
      expect(sent(wire)).toEqual({
        status: 422,
        body: coded(422, "projectId p9 does not reference a project in your organization", "project_reference_invalid", "projectId")
      })
    })

    it("Validation and Unsupported: 400 with the message (and the field at fault); Conflict: 409", () => {
      const validation: SyncErrors.BadRequest = table.fromCore(ProjectsError.Validation.single(["cursor"], "is not valid"))
      expect(sent(validation)).toEqual({ status: 400, body: coded(400, "cursor: is not valid", "invalid_request", "cursor") })
      const conflict: SyncErrors.Conflict = table.fromCore(new ProjectsError.Conflict({ description: "still PROCESSING" }))
      expect(sent(conflict))
        .toEqual({ status: 409, body: coded(409, "still PROCESSING", "generation_not_deletable_while_processing") })
      expect(sent(table.fromCore(new ProjectsError.Unsupported({ provider: "sync", feature: "descriptions" }))))
        .toEqual({ status: 400, body: coded(400, "sync does not support descriptions", "invalid_request") })
    })

    it("ProviderFailure (a storage failure): 500 internal_error", () => {
      const failure = new ProjectsError.ProviderFailure({ provider: "sync", status: 500, body: null, description: "Internal server error" })
      expect(sent(table.fromCore(failure))).toEqual({ status: 500, body: coded(500, "Internal server error", "internal_error") })
    })

    it("answers only with the table's own classes", () => {
      const wire = table.fromCore(new ProjectsError.NotFound({ resource: "Project", id: "p1" }))
      expect(ErrorTable.isWire(table, wire)).toBe(true)
      expect(ErrorTable.isWire(table, { statusCode: 404, message: "Project p1 not found" })).toBe(false)
    })
  })

  it("body: a framework failure in the same coded body", () => {
    expect(table.body(413, "The request body is too large")).toEqual({
      message: "The request body is too large",
      statusCode: 413,
      errorCode: "payload_too_large",
      suggestion: SyncErrorCatalog.describe("payload_too_large").suggestion
    })
    expect(table.body(404, "No such route")).toMatchObject({ statusCode: 404, message: "No such route", errorCode: "not_found" })
    expect(table.body(503, "Storage unavailable")).toMatchObject({ errorCode: "internal_error" })
  })

  it("the catalog has one entry per code, each with its status, message and suggestion", () => {
    const codes = SyncErrorCatalog.catalog.map((entry) => entry.errorCode)
    expect(new Set(codes).size).toBe(codes.length)
    for (const entry of SyncErrorCatalog.catalog) {
      expect(SyncErrorCatalog.isErrorCode(entry.errorCode)).toBe(true)
      expect(entry.message.length).toBeGreaterThan(0)
      expect(entry.suggestion.length).toBeGreaterThan(0)
    }
    // The codes the reference documents by name are all there.
    for (const documented of ["project_not_found", "asset_not_found", "asset_forbidden", "concurrency_limit_reached", "internal_error", "generation_not_deletable_while_processing"]) {
      expect(codes).toContain(documented)
    }
  })
})
