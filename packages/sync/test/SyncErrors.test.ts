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
import { SyncApi, SyncErrors } from "../src/index.js"

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
      [404, "@projectkit/sync/NotFound"],
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
    it("NotFound: 404 `<resource> <id> not found`, or the provider's own message", () => {
      expect(sent(table.fromCore(new ProjectsError.NotFound({ resource: "Project", id: "p1" }))))
        .toEqual({ status: 404, body: { statusCode: 404, message: "Project p1 not found" } })
      expect(sent(table.fromCore(new ProjectsError.NotFound({ resource: "Asset", id: "a", description: "gone" }))))
        .toEqual({ status: 404, body: { statusCode: 404, message: "gone" } })
    })

    it("Unauthorized: 401 saying what was wrong with the x-api-key", () => {
      expect(sent(table.fromCore(new ProjectsError.Unauthorized({ reason: "MissingCredentials" }))))
        .toEqual({ status: 401, body: { statusCode: 401, message: "Missing API key: send it in the x-api-key header" } })
      expect(sent(table.fromCore(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }))))
        .toEqual({ status: 401, body: { statusCode: 401, message: "Invalid API key" } })
    })

    it("Forbidden: the 401 every endpoint declares (sync.so has no 403)", () => {
      expect(sent(table.fromCore(new ProjectsError.Forbidden({ reason: "Other", description: "not yours" }))))
        .toEqual({ status: 401, body: { statusCode: 401, message: "not yours" } })
    })

    it("RateLimited: 429", () => {
      expect(sent(table.fromCore(new ProjectsError.RateLimited({ retryAfter: Duration.seconds(1) }))))
        .toEqual({ status: 429, body: { statusCode: 429, message: "Too many requests" } })
    })

    it("InvalidReference: the 422 of work filed under another organization's project", () => {
      const wire: SyncErrors.UnprocessableEntity = table.fromCore(
        new ProjectsError.InvalidReference({ field: "projectId", id: "p9" })
      )
      expect(sent(wire)).toEqual({
        status: 422,
        body: { statusCode: 422, message: "projectId p9 does not reference a project in your organization" }
      })
    })

    it("Validation, Conflict, Unsupported: 400 with the message", () => {
      const validation: SyncErrors.BadRequest = table.fromCore(ProjectsError.Validation.single(["cursor"], "is not valid"))
      expect(sent(validation)).toEqual({ status: 400, body: { statusCode: 400, message: "cursor: is not valid" } })
      expect(sent(table.fromCore(new ProjectsError.Conflict({ description: "taken" }))))
        .toEqual({ status: 400, body: { statusCode: 400, message: "taken" } })
      expect(sent(table.fromCore(new ProjectsError.Unsupported({ provider: "sync", feature: "descriptions" }))))
        .toEqual({ status: 400, body: { statusCode: 400, message: "sync does not support descriptions" } })
    })

    it("ProviderFailure (a storage failure): 500", () => {
      const failure = new ProjectsError.ProviderFailure({ provider: "sync", status: 500, body: null, description: "Internal server error" })
      expect(sent(table.fromCore(failure))).toEqual({ status: 500, body: { statusCode: 500, message: "Internal server error" } })
    })

    it("answers only with the table's own classes", () => {
      const wire = table.fromCore(new ProjectsError.NotFound({ resource: "Project", id: "p1" }))
      expect(ErrorTable.isWire(table, wire)).toBe(true)
      expect(ErrorTable.isWire(table, { statusCode: 404, message: "Project p1 not found" })).toBe(false)
    })
  })

  it("body: a framework failure in the same {statusCode, message}", () => {
    expect(table.body(413, "The request body is too large")).toEqual({ statusCode: 413, message: "The request body is too large" })
    expect(table.body(404, "No such route")).toEqual({ statusCode: 404, message: "No such route" })
  })
})
