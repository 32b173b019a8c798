/**
 * Indream's error table: each core error leaves as the documented problem (status, `type`,
 * `title`, `errorCode`), every body validates against the official document's `Problem` schema,
 * the client reads each back as the core error it came from, and every `errorCode` the document
 * names is one projectkit sends.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { WireError } from "@projectkit/http"
import { Ajv } from "ajv"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { IndreamErrors } from "../src/index.js"
import { indreamDirectory, officialOpenApi } from "./support/indreamDocuments.js"

const { ErrorCode, RateLimitRule, table } = IndreamErrors

const encode = (error: IndreamErrors.IndreamWireError): unknown =>
  Schema.encodeSync(error.constructor as unknown as Schema.Schema<IndreamErrors.IndreamWireError, unknown>)(error)

const statusOf = (error: IndreamErrors.IndreamWireError) =>
  WireError.status(error.constructor as unknown as Schema.Schema.All)

/** Every core error, one of each kind that answers differently. */
const coreErrors: ReadonlyArray<readonly [string, ProjectsError.ProjectsError, { readonly status: number; readonly errorCode: string }]> = [
  ["project not found", new ProjectsError.NotFound({ resource: "project", id: "p1" }), { status: 404, errorCode: ErrorCode.ProjectNotFound }],
  ["asset not found", new ProjectsError.NotFound({ resource: "asset", id: "a1" }), { status: 404, errorCode: ErrorCode.AssetNotFound }],
  ["export not found", new ProjectsError.NotFound({ resource: "export", id: "t1" }), { status: 404, errorCode: ErrorCode.ExportNotFound }],
  ["no key", new ProjectsError.Unauthorized({ reason: "MissingCredentials" }), { status: 401, errorCode: ErrorCode.ApiKeyMissing }],
  ["unknown key", new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }), { status: 401, errorCode: ErrorCode.ApiKeyInvalid }],
  ["no runtime access", new ProjectsError.Forbidden({ reason: "AccessDisabled" }), { status: 403, errorCode: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN" }],
  [
    "sync over its rate",
    new ProjectsError.RateLimited({ retryAfter: Duration.seconds(3), rule: RateLimitRule.projectSync }),
    { status: 429, errorCode: "OPEN_API_PROJECT_SYNC_RATE_LIMITED" }
  ],
  [
    "too many active exports",
    new ProjectsError.RateLimited({ retryAfter: Duration.zero, rule: RateLimitRule.exportConcurrency }),
    { status: 422, errorCode: "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED" }
  ],
  ["any other limit", new ProjectsError.RateLimited({ retryAfter: Duration.seconds(1) }), { status: 429, errorCode: ErrorCode.RequestLimitExceeded }],
  [
    "another tenant's project",
    new ProjectsError.InvalidReference({ field: "x-project-id", id: "p2" }),
    { status: 422, errorCode: ErrorCode.ProjectReferenceInvalid }
  ],
  [
    "a body too large",
    new ProjectsError.Validation({ issues: [{ path: [], message: "too large" }], reason: "TooLarge" }),
    { status: 413, errorCode: ErrorCode.PayloadTooLarge }
  ],
  [
    "an invalid editorState",
    ProjectsError.Validation.single(["editorState", "tracks"], "must NOT have fewer than 1 items"),
    { status: 422, errorCode: "EDITOR_SCHEMA_INVALID" }
  ],
  ["a bad parameter", ProjectsError.Validation.single(["pageSize"], "must be at most 50"), { status: 400, errorCode: ErrorCode.RequestInvalid }],
  ["a conflict", new ProjectsError.Conflict({ description: "taken" }), { status: 409, errorCode: ErrorCode.Conflict }],
  ["unsupported", new ProjectsError.Unsupported({ provider: "indream", feature: "search" }), { status: 422, errorCode: ErrorCode.Unprocessable }],
  [
    "a failure of the server",
    new ProjectsError.ProviderFailure({ provider: "indream", status: 500, body: null }),
    { status: 500, errorCode: ErrorCode.InternalError }
  ]
]

const officialProblem = () => {
  const document = officialOpenApi()
  const components = document.components as { readonly schemas: { readonly Problem: object } }
  return new Ajv({ strict: false }).compile(components.schemas.Problem)
}

describe("IndreamErrors", () => {
  const validProblem = officialProblem()

  for (const [name, core, expected] of coreErrors) {
    it(`${name}: ${expected.status} ${expected.errorCode}, a problem the official document accepts`, () => {
      const wire = table.fromCore(core)
      const body = encode(wire)
      expect(statusOf(wire)).toBe(expected.status)
      expect(body).toEqual({
        ...IndreamErrors.problemKind(expected.status),
        status: expected.status,
        detail: expect.any(String),
        errorCode: expected.errorCode
      })
      expect(validProblem(body)).toBe(true)
    })
  }

  it("403 is written as the document's example", () => {
    expect(encode(table.fromCore(new ProjectsError.Forbidden({ reason: "AccessDisabled" })))).toEqual({
      type: "FORBIDDEN",
      title: "Forbidden",
      status: 403,
      detail: "The current account is not eligible for this Open API route",
      errorCode: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN"
    })
  })

  it("the client reads each problem back as the core error it came from", () => {
    for (const [name, core] of coreErrors) {
      const back = table.toCore(table.fromCore(core), { resource: "project", id: "p1", projectId: "p1" })
      const expectedTag = core._tag === "Unsupported" ? "Validation" : core._tag
      expect({ name, tag: back._tag }).toEqual({ name, tag: expectedTag })
    }
    const notFound = table.toCore(table.fromCore(new ProjectsError.NotFound({ resource: "asset", id: "a1" })), { resource: "project", id: "a1" })
    expect(notFound).toMatchObject({ _tag: "NotFound", resource: "asset", id: "a1" })
    const concurrency = table.toCore(
      table.fromCore(new ProjectsError.RateLimited({ retryAfter: Duration.zero, rule: RateLimitRule.exportConcurrency })),
      { resource: "export" }
    )
    expect(concurrency).toMatchObject({ _tag: "RateLimited", rule: RateLimitRule.exportConcurrency })
    const missing = table.toCore(table.fromCore(new ProjectsError.Unauthorized({ reason: "MissingCredentials" })), { resource: "project" })
    expect(missing).toMatchObject({ _tag: "Unauthorized", reason: "MissingCredentials" })
  })

  it("reads a problem without errorCode, and in another server's words", () => {
    const decoded = Schema.decodeUnknownSync(IndreamErrors.Conflict)({ type: "X", title: "Y", status: 409, detail: "in use" })
    expect(table.toCore(decoded, { resource: "asset", id: "a1" })).toMatchObject({ _tag: "Conflict", description: "in use" })
  })

  it("the documented builders: ASSET_REFERENCED and a reused Idempotency-Key, both 409", () => {
    for (const [wire, errorCode] of [
      [IndreamErrors.assetReferenced("a1", "project p1"), "ASSET_REFERENCED"],
      [IndreamErrors.idempotencyKeyReused(), ErrorCode.IdempotencyKeyReused]
    ] as const) {
      expect(statusOf(wire)).toBe(409)
      expect(encode(wire)).toMatchObject({ type: "CONFLICT", status: 409, errorCode })
      expect(validProblem(encode(wire))).toBe(true)
    }
  })

  it("failures below the contract get a problem too, with a code for their status", () => {
    for (const status of [400, 401, 404, 405, 413, 415, 422, 429, 500, 503]) {
      const body = table.body(status, "what went wrong")
      expect(validProblem(body)).toBe(true)
      expect(body).toMatchObject({ status, detail: "what went wrong", errorCode: IndreamErrors.codeForStatus(status) })
    }
  })

  it("every errorCode the official document names is one projectkit sends", () => {
    const text = Fs.readFileSync(Path.join(indreamDirectory(), "openapi.yaml"), "utf8")
    const named = new Set(text.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}\b|\bASSET_REFERENCED\b/g) ?? [])
    expect([...named].sort()).toEqual([
      "ASSET_REFERENCED",
      "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED",
      "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
      "OPEN_API_RUNTIME_ACCESS_FORBIDDEN"
    ])
    const sent: ReadonlyArray<string> = Object.values(ErrorCode)
    for (const code of named) expect(sent).toContain(code)
  })

  it("retryAfterSeconds is whole seconds, at least 1, never earlier than asked", () => {
    expect(IndreamErrors.retryAfterSeconds(Duration.millis(1))).toBe(1)
    expect(IndreamErrors.retryAfterSeconds(Duration.millis(2001))).toBe(3)
    expect(IndreamErrors.retryAfterSeconds(Duration.zero)).toBe(1)
  })
})
