/**
 * Sanity's error table, both ways, for every wire class and every core error: what a client
 * reports for each body Sanity sends, and the body the reference server sends for each core error.
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { describe, expect, it } from "@effect/vitest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as SanityApi from "../src/SanityApi.js"
import * as SanityErrors from "../src/SanityErrors.js"

const { table } = SanityErrors
const subject = { resource: "dataset", id: "production" }
const encode = (error: SanityErrors.SanityWireError) =>
  Schema.encodeSync(error.constructor as unknown as Schema.Schema<SanityErrors.SanityWireError, unknown>)(error)

describe("SanityErrors", () => {
  it("every class keeps its identifier, status and description", () => {
    const declared = table.classes.map((klass) => {
      const schema = klass as unknown as Schema.Schema.All
      return [(klass as unknown as { identifier: string }).identifier, WireError.status(schema)]
    })
    expect(declared).toEqual([
      ["@projectkit/sanity/BadRequest", 400],
      ["@projectkit/sanity/Unauthorized", 401],
      ["@projectkit/sanity/Forbidden", 403],
      ["@projectkit/sanity/NotFound", 404],
      ["@projectkit/sanity/Conflict", 409],
      ["@projectkit/sanity/TooManyRequests", 429],
      ["@projectkit/sanity/InternalServerError", 500]
    ])
    expect(HttpApiSchema.getStatusErrorAST(SanityErrors.Forbidden.ast)).toBe(403)
    // SanityApi re-exports them, so `SanityApi.NotFound` and friends keep working.
    expect(SanityApi.NotFound).toBe(SanityErrors.NotFound)
    expect(SanityApi.reasonPhrase).toBe(SanityErrors.reasonPhrase)
  })

  describe("wire → core (the client)", () => {
    const wire = <S extends 400 | 401 | 403 | 404 | 409 | 429 | 500>(status: S, message: string) => ({
      statusCode: status,
      error: SanityErrors.reasonPhrase(status),
      message
    })

    it("400 is Validation with Sanity's message", () => {
      const core = table.toCore(new SanityErrors.BadRequest(wire(400, "Invalid dataset name")), subject)
      expect(core).toEqual(ProjectsError.Validation.single([], "Invalid dataset name"))
    })

    it("401 is Unauthorized (invalid credentials) with Sanity's message", () => {
      const core = table.toCore(
        new SanityErrors.Unauthorized({ ...wire(401, "Session not found"), errorCode: "SIO-401-ANF" }),
        subject
      )
      expect(core).toEqual(new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: "Session not found" }))
    })

    it("403 is Forbidden (insufficient role), the grant Sanity names kept as the description", () => {
      const message = "User is missing one of the follow grants sanity.project.datasets/create to perform this operation"
      const core = table.toCore(new SanityErrors.Forbidden(wire(403, message)), subject)
      expect(core).toEqual(new ProjectsError.Forbidden({ reason: "InsufficientRole", description: message }))
      expect(core.message).toBe(message)
    })

    it("404 is NotFound naming what the call was about", () => {
      const core = table.toCore(new SanityErrors.NotFound(wire(404, "Dataset not found")), subject)
      expect(core).toEqual(new ProjectsError.NotFound({ resource: "dataset", id: "production" }))
      expect(table.toCore(new SanityErrors.NotFound(wire(404, "x")), { resource: "project" }))
        .toEqual(new ProjectsError.NotFound({ resource: "project", id: "" }))
    })

    it("409 is Conflict with Sanity's message", () => {
      const core = table.toCore(new SanityErrors.Conflict(wire(409, "Dataset \"x\" already exists")), subject)
      expect(core).toEqual(new ProjectsError.Conflict({ description: "Dataset \"x\" already exists" }))
    })

    it("429 and 500 are ProviderFailures carrying the body", () => {
      for (const error of [new SanityErrors.TooManyRequests(wire(429, "slow")), new SanityErrors.InternalServerError(wire(500, "oops"))]) {
        expect(table.toCore(error, subject)).toEqual(
          new ProjectsError.ProviderFailure({ provider: "sanity", status: error.statusCode, body: error })
        )
      }
    })
  })

  describe("core → wire (the server)", () => {
    const body = (error: ProjectsError.ProjectsError) => encode(table.fromCore(error))

    it("NotFound is a 404 with the provider's message", () => {
      const wire: SanityErrors.NotFound = table.fromCore(
        new ProjectsError.NotFound({ resource: "dataset", id: "x", description: "Dataset \"x\" not found" })
      )
      expect(wire).toBeInstanceOf(SanityErrors.NotFound)
      expect(encode(wire)).toEqual({ statusCode: 404, error: "Not Found", message: "Dataset \"x\" not found" })
    })

    it("Unauthorized is Sanity's one 401, with its error code", () => {
      for (const reason of ["MissingCredentials", "InvalidCredentials"] as const) {
        const wire: SanityErrors.Unauthorized = table.fromCore(new ProjectsError.Unauthorized({ reason }))
        expect(encode(wire)).toEqual({
          statusCode: 401,
          error: "Unauthorized",
          message: "Session not found",
          errorCode: "SIO-401-ANF"
        })
      }
    })

    it("Forbidden is a 403 with its description", () => {
      const wire: SanityErrors.Forbidden = table.fromCore(
        new ProjectsError.Forbidden({ reason: "InsufficientRole", description: "User is missing one of the follow grants x" })
      )
      expect(encode(wire)).toEqual({ statusCode: 403, error: "Forbidden", message: "User is missing one of the follow grants x" })
    })

    it("Validation, InvalidReference and Unsupported are 400s", () => {
      const validation: SanityErrors.BadRequest = table.fromCore(ProjectsError.Validation.single([], "A tag needs a title"))
      expect(encode(validation)).toEqual({ statusCode: 400, error: "Bad Request", message: "A tag needs a title" })
      expect(body(new ProjectsError.InvalidReference({ field: "organizationId", id: "o1", description: "no such organization" })))
        .toEqual({ statusCode: 400, error: "Bad Request", message: "no such organization" })
      expect(body(new ProjectsError.Unsupported({ provider: "sanity", feature: "descriptions" })))
        .toEqual({ statusCode: 400, error: "Bad Request", message: "sanity does not support descriptions" })
    })

    it("Conflict is a 409 with its description", () => {
      const wire: SanityErrors.Conflict = table.fromCore(new ProjectsError.Conflict({ description: "Tag \"live\" already exists" }))
      expect(encode(wire)).toEqual({ statusCode: 409, error: "Conflict", message: "Tag \"live\" already exists" })
    })

    it("RateLimited is a 429", () => {
      const wire: SanityErrors.TooManyRequests = table.fromCore(new ProjectsError.RateLimited({ retryAfter: Duration.seconds(1) }))
      expect(encode(wire)).toEqual({ statusCode: 429, error: "Too Many Requests", message: "Too many requests" })
    })

    it("ProviderFailure is Sanity's 500, saying nothing of the cause", () => {
      const wire: SanityErrors.InternalServerError = table.fromCore(
        new ProjectsError.ProviderFailure({ provider: "sanity", status: 500, body: null, description: "disk full" })
      )
      expect(encode(wire)).toEqual({ statusCode: 500, error: "Internal Server Error", message: "An internal server error occurred" })
    })

    it("every core error is answered by one of the table's classes; a look-alike plain object is not one", () => {
      const samples: ReadonlyArray<[ProjectsError.ProjectsError, number]> = [
        [new ProjectsError.NotFound({ resource: "project", id: "p" }), 404],
        [new ProjectsError.Unauthorized({ reason: "MissingCredentials" }), 401],
        [new ProjectsError.Forbidden({ reason: "Other" }), 403],
        [new ProjectsError.RateLimited({ retryAfter: Duration.zero }), 429],
        [new ProjectsError.InvalidReference({ field: "projectId", id: "p" }), 400],
        [ProjectsError.Validation.single([], "x"), 400],
        [new ProjectsError.Conflict({ description: "x" }), 409],
        [new ProjectsError.Unsupported({ provider: "sanity", feature: "x" }), 400],
        [new ProjectsError.ProviderFailure({ provider: "sanity", status: 500, body: null }), 500]
      ]
      expect(new Set(samples.map(([error]) => error._tag)).size).toBe(ProjectsError.ProjectsError.members.length)
      for (const [error, status] of samples) {
        const answer = table.fromCore(error)
        expect(ErrorTable.isWire(table, answer), error._tag).toBe(true)
        expect(answer.statusCode, error._tag).toBe(status)
      }
      expect(ErrorTable.isWire(table, { statusCode: 409, error: "Conflict", message: "x" })).toBe(false)
    })
  })

  it("body: framework failures in Sanity's shape, with Boom's reason phrases", () => {
    expect(table.body(400, "The request body is not valid JSON")).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "The request body is not valid JSON"
    })
    expect(table.body(404, "No such route")).toEqual({ statusCode: 404, error: "Not Found", message: "No such route" })
    expect(table.body(413, "too large")).toEqual({ statusCode: 413, error: "Request Entity Too Large", message: "too large" })
    expect(table.body(500, "Internal server error")).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal server error"
    })
    // Issue 29: the storage out of reach, and a body in an undeclared media type, in Boom's words.
    expect(table.body(503, "down")).toMatchObject({ error: "Service Unavailable" })
    expect(table.body(415, "not JSON")).toMatchObject({ error: "Unsupported Media Type" })
    expect(table.body(502, "bad gateway")).toMatchObject({ error: "Internal Server Error" })
    expect(table.body(418, "teapot")).toMatchObject({ error: "Bad Request" })
  })
})
