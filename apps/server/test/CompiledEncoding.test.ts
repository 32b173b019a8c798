/**
 * The compiled routes' response encoders (`src/compiled/encoding.ts`) give what
 * `Schema.encodeUnknownEither` gives: on every success and error schema of every endpoint the
 * server serves, for values made by each schema's arbitrary and for those values spoiled one
 * property at a time, both succeed or fail together and succeed with the same bytes.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { IndreamApi } from "@projectkit/indream"
import { SyncApi } from "@projectkit/sync"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import * as Encoding from "../src/compiled/encoding.js"
import * as Server from "../src/Server.js"
import * as ServerApi from "../src/ServerApi.js"

type AnySchema = Schema.Schema<unknown, unknown, never>

/** Every member of every response schema of the server's API: as `CompiledApi.replies` sees them. */
const responseSchemas = (): ReadonlyArray<AnySchema> => {
  const members = new Set<Schema.Schema.Any>()
  const api = ServerApi.make(Server.dialects) as unknown as HttpApi.HttpApi.AnyWithProps
  HttpApi.reflect(api, {
    onGroup: ({ group }) => HttpApiSchema.deunionize(members, group.errorSchema),
    onEndpoint: ({ endpoint }) => {
      HttpApiSchema.deunionize(members, endpoint.successSchema)
      HttpApiSchema.deunionize(members, endpoint.errorSchema as unknown as Schema.Schema.Any)
    }
  })
  HttpApiSchema.deunionize(members, api.errorSchema as unknown as Schema.Schema.Any)
  return Array.from(members, (member) => member as AnySchema).filter((member) => !HttpApiSchema.isVoid(member.ast))
}

/** The same outcome, and on success the same JSON (bytes and key order). */
const outcome = (result: Either.Either<unknown, unknown>) =>
  Either.isRight(result) ? { ok: JSON.stringify(result.right) } : { failed: true }

const spoilers: ReadonlyArray<unknown> = [null, undefined, "", "x", 0, -1.5, true, {}, [], { _tag: "x" }]

/** `value` with one property (or item) replaced by each spoiler in turn. */
const spoiled = (value: unknown): ReadonlyArray<unknown> => {
  if (Array.isArray(value)) return value.length === 0 ? [[null]] : spoilers.map((spoiler) => [spoiler, ...value.slice(1)])
  if (typeof value !== "object" || value === null || DateTime.isDateTime(value)) return spoilers
  return Object.keys(value).flatMap((key) => spoilers.map((spoiler) => ({ ...value, [key]: spoiler })))
}

describe("compiled response encoders", () => {
  const schemas = responseSchemas()

  it("compile the sync.so project and most response schemas", () => {
    expect(Encoding.isCompiled(SyncApi.Project)).toBe(true)
    expect(Encoding.isCompiled(SyncApi.ProjectList)).toBe(true)
    const compiled = schemas.filter((schema) => Encoding.isCompiled(schema))
    expect(schemas.length).toBeGreaterThan(30)
    expect(compiled.length).toBeGreaterThan(schemas.length / 2)
  })

  it("answer as Schema.encodeUnknownEither on every response schema, for valid and spoiled values", () => {
    let valid = 0
    let compared = 0
    for (const schema of schemas) {
      const fast = Encoding.encoder(schema)
      const reference = Schema.encodeUnknownEither(schema)
      let samples: ReadonlyArray<unknown> = []
      try {
        samples = FastCheck.sample(Arbitrary.make(schema), { numRuns: 15, seed: 28 })
      } catch {
        // a schema without an arbitrary (a declaration with none): the spoilers alone
      }
      for (const sample of samples) {
        const expected = outcome(reference(sample))
        expect({ schema: String(schema.ast), result: outcome(fast(sample)) }).toEqual({ schema: String(schema.ast), result: expected })
        if ("ok" in expected) valid++
        compared++
        for (const bad of spoiled(sample)) {
          expect({ schema: String(schema.ast), bad, result: outcome(fast(bad)) })
            .toEqual({ schema: String(schema.ast), bad, result: outcome(reference(bad)) })
          compared++
        }
      }
      for (const bad of spoilers) {
        expect(outcome(fast(bad))).toEqual(outcome(reference(bad)))
        compared++
      }
    }
    expect(valid).toBeGreaterThan(200)
    expect(compared).toBeGreaterThan(2_000)
  })

  it("try a union's members in their order, the first that encodes the value winning", () => {
    const first = Encoding.encoder(Schema.Union(Schema.NumberFromString, Schema.Number) as unknown as AnySchema)
    const second = Encoding.encoder(Schema.Union(Schema.Number, Schema.NumberFromString) as unknown as AnySchema)
    expect(Encoding.isCompiled(Schema.Union(Schema.NumberFromString, Schema.Number))).toBe(true)
    expect(Either.getOrThrow(first(5))).toBe("5")
    expect(Either.getOrThrow(second(5))).toBe(5)
    const optional = Schema.Struct({ a: Schema.optional(Schema.NullOr(Schema.DateTimeUtc)), b: Schema.Int.pipe(Schema.positive()) })
    const encode = Encoding.encoder(optional as unknown as AnySchema)
    expect(Encoding.isCompiled(optional)).toBe(true)
    expect(Either.getOrThrow(encode({ b: 2, c: 3 }))).toEqual({ b: 2 })
    expect(Object.keys(Either.getOrThrow(encode({ b: 2, a: null })) as object)).toEqual(["a", "b"])
    expect(Either.isLeft(encode({ b: 0 }))).toBe(true)
    expect(Either.isLeft(encode({ b: 1.5 }))).toBe(true)
  })

  it("give a project's dates as Schema does, and refuse what Schema refuses with its message", () => {
    const project = {
      id: "p1",
      name: "One",
      visibility: "ORGANIZATION",
      mode: "CREATOR",
      createdAt: DateTime.unsafeMake(Date.UTC(2025, 0, 2, 3, 4, 5, 6)),
      updatedAt: DateTime.unsafeMake(0),
      extra: "left out"
    }
    const encoded = Encoding.encoder(SyncApi.Project as unknown as AnySchema)(project)
    expect(Either.getOrThrow(encoded)).toEqual(Either.getOrThrow(Schema.encodeUnknownEither(SyncApi.Project)(project as never)))
    expect(JSON.stringify(Either.getOrThrow(encoded))).toBe(
      `{"id":"p1","name":"One","visibility":"ORGANIZATION","mode":"CREATOR","createdAt":"2025-01-02T03:04:05.006Z","updatedAt":"1970-01-01T00:00:00.000Z"}`
    )
    // The last instant formatted is remembered: equal, different and repeated instants in turn.
    const instants = [0, 0, 1, 86_400_000, 1, 1, 0, Date.UTC(2030, 5, 6, 7, 8, 9, 10)]
    const list = {
      items: instants.map((millis, i) => ({ ...project, id: `p${i}`, createdAt: DateTime.unsafeMake(millis), updatedAt: DateTime.unsafeMake(instants[i + 1] ?? 5) }))
    }
    const listEncoder = Encoding.encoder(SyncApi.ProjectList as unknown as AnySchema)
    for (let round = 0; round < 2; round++) {
      expect(JSON.stringify(Either.getOrThrow(listEncoder(list)))).toBe(JSON.stringify(Either.getOrThrow(Schema.encodeUnknownEither(SyncApi.ProjectList)(list as never))))
    }
    const wrong = { ...project, createdAt: "2025-01-02" }
    const refused = Encoding.encoder(SyncApi.Project as unknown as AnySchema)(wrong)
    const expected = Schema.encodeUnknownEither(SyncApi.Project)(wrong as never)
    expect(Either.isLeft(refused) && Either.isLeft(expected) && refused.left.message === expected.left.message).toBe(true)
  })

  it("encode a record of strings (Indream's editorState) key for key as Schema does, declared keys first", () => {
    expect(Encoding.isCompiled(IndreamApi.ProjectDetail)).toBe(true)
    // Keys as JSON.parse makes them: integer-like keys first, "__proto__" an own key, escapes, nesting.
    const editorState = JSON.parse(
      `{"tracks":[{"id":"t","items":["a"]}],"2":true,"1":{"nested":[1,{"x":null}]},"__proto__":{"polluted":1},"\\u00e9t\\u00e9":"é","":0}`
    ) as Record<string, unknown>
    const detail = {
      projectId: "p1",
      title: "One",
      description: null,
      createdAt: DateTime.unsafeMake(0),
      updatedAt: DateTime.unsafeMake(1),
      editorState,
      stateVersion: "v1"
    }
    const bytes = (schema: AnySchema, value: unknown) => ({
      fast: outcome(Encoding.encoder(schema)(value)),
      reference: outcome(Schema.encodeUnknownEither(schema)(value))
    })
    const same = (schema: AnySchema, value: unknown) => {
      const { fast, reference } = bytes(schema, value)
      expect(fast).toEqual(reference)
      return fast
    }
    // Assignment, as ParseResult writes a record's keys, makes "__proto__" the output's prototype:
    // gone from the JSON on both paths (the v1 schema refuses such a key at the top of a state).
    const { __proto__: _dropped, ...written } = Object.fromEntries(Object.entries(editorState))
    expect(same(IndreamApi.ProjectDetail as unknown as AnySchema, detail)).toEqual({
      ok: JSON.stringify({ ...detail, createdAt: "1970-01-01T00:00:00.000Z", updatedAt: "1970-01-01T00:00:00.001Z", editorState: written })
    })
    // Declared properties and a record together: the declared key keeps its own encoding, and a
    // value the record refuses fails the whole, as it does for Schema.
    const both = Schema.Struct({ n: Schema.NumberFromString }, Schema.Record({ key: Schema.String, value: Schema.Union(Schema.Number, Schema.DateTimeUtc) }))
    expect(Encoding.isCompiled(both)).toBe(true)
    const mixed = { z: 1, n: 5, a: DateTime.unsafeMake(6) }
    expect(same(both as unknown as AnySchema, mixed)).toEqual({ ok: `{"n":"5","z":1,"a":"1970-01-01T00:00:00.006Z"}` })
    expect(same(both as unknown as AnySchema, { ...mixed, b: "no" })).toEqual({ failed: true })
    // Keys other than plain strings stay with Schema.
    expect(Encoding.isCompiled(Schema.Record({ key: Schema.String.pipe(Schema.minLength(2)), value: Schema.Number }))).toBe(false)
    expect(Encoding.isCompiled(Schema.Record({ key: Schema.SymbolFromSelf, value: Schema.Number }))).toBe(false)
  })
})
