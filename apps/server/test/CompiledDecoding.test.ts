/**
 * The compiled routes' request decoders (`src/compiled/decoding.ts`) give what
 * `Schema.decodeUnknownEither` gives: on every path, payload, headers and URL-parameter schema of
 * every endpoint the server serves, for inputs made by each schema's arbitraries (valid ones, and
 * any strings for refined ones) and for those inputs spoiled one property at a time, both succeed
 * with the same object (keys in the same order) or both fail with the same message.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import * as Decoding from "../src/compiled/decoding.js"
import * as Server from "../src/Server.js"
import * as ServerApi from "../src/ServerApi.js"

type AnySchema = Schema.Schema<unknown, unknown, never>

/** Every request schema of the server's API: what `CompiledApi.compileRoute` decodes. */
const requestSchemas = (): ReadonlyArray<AnySchema> => {
  const schemas = new Set<AnySchema>()
  const api = ServerApi.make(Server.dialects) as unknown as HttpApi.HttpApi.AnyWithProps
  HttpApi.reflect(api, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint }) => {
      for (const schema of [endpoint.pathSchema, endpoint.payloadSchema, endpoint.headersSchema, endpoint.urlParamsSchema]) {
        if (Option.isSome(schema)) schemas.add(schema.value as unknown as AnySchema)
      }
    }
  })
  return Array.from(schemas)
}

/** The same outcome: on success the same object with its keys in order, on failure the same message. */
const outcome = (result: Either.Either<unknown, ParseResult.ParseError>) =>
  Either.isRight(result)
    ? { ok: JSON.stringify(result.right), keys: Object.keys(result.right as object) }
    : { failed: ParseResult.TreeFormatter.formatErrorSync(result.left) }

const spoilers: ReadonlyArray<unknown> = [null, undefined, "", "x", " ", "a".repeat(300), 0, true, {}, []]

/** `input` with each property replaced by each spoiler, removed, and with one property more. */
const spoiled = (input: unknown): ReadonlyArray<unknown> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return spoilers
  const record = input as Record<string, unknown>
  return [
    ...Object.keys(record).flatMap((key) => [
      ...spoilers.map((spoiler) => ({ ...record, [key]: spoiler })),
      Object.fromEntries(Object.entries(record).filter(([other]) => other !== key))
    ]),
    { extra: "left out", ...record },
    Object.assign(Object.create({ inherited: "x" }) as object, record)
  ]
}

const samples = (schema: AnySchema): ReadonlyArray<unknown> => {
  try {
    return [
      ...FastCheck.sample(Arbitrary.make(schema), { numRuns: 10, seed: 28 }),
      // The encoded side, refinements dropped: strings a refinement refuses too.
      ...FastCheck.sample(Arbitrary.make(Schema.encodedSchema(schema)), { numRuns: 10, seed: 28 })
    ]
  } catch {
    // a schema without an arbitrary: the spoilers alone
    return []
  }
}

describe("compiled request decoders", () => {
  const schemas = requestSchemas()

  it("compile the path of every dialect's project routes", () => {
    const compiled = schemas.filter((schema) => Decoding.isCompiled(schema))
    expect(schemas.length).toBeGreaterThan(20)
    expect(compiled.length).toBeGreaterThan(3)
    expect(Decoding.isCompiled(Schema.Struct({ id: Schema.String.pipe(Schema.minLength(1)) }))).toBe(true)
    expect(Decoding.isCompiled(Schema.Struct({ id: Schema.optional(Schema.String) }))).toBe(false)
    expect(Decoding.isCompiled(Schema.Struct({ n: Schema.NumberFromString }))).toBe(false)
  })

  it("answer as Schema.decodeUnknownEither on every request schema, for valid and spoiled inputs", () => {
    let valid = 0
    let compared = 0
    for (const schema of schemas.filter((schema) => Decoding.isCompiled(schema))) {
      const fast = Decoding.decoder(schema)
      const reference = Schema.decodeUnknownEither(schema)
      for (const sample of samples(schema)) {
        for (const input of [sample, ...spoiled(sample)]) {
          const expected = outcome(reference(input))
          expect({ schema: String(schema.ast), input, result: outcome(fast(input)) })
            .toEqual({ schema: String(schema.ast), input, result: expected })
          if ("ok" in expected) valid++
          compared++
        }
      }
      for (const bad of spoilers) {
        expect(outcome(fast(bad))).toEqual(outcome(reference(bad)))
        compared++
      }
    }
    expect(valid).toBeGreaterThan(50)
    expect(compared).toBeGreaterThan(500)
  })

  it("check refinements innermost first and leave out what the struct does not declare", () => {
    const schema = Schema.Struct({
      id: Schema.String.pipe(Schema.minLength(2), Schema.pattern(/^p/)),
      name: Schema.String
    })
    const decode = Decoding.decoder(schema)
    expect(Either.getOrThrow(decode({ name: "n", id: "p1", other: 1 }))).toEqual({ id: "p1", name: "n" })
    expect(Object.keys(Either.getOrThrow(decode({ name: "n", id: "p1" })))).toEqual(["id", "name"])
    for (const bad of [{ id: "p", name: "n" }, { id: "x1", name: "n" }, { id: "p1" }, { id: "p1", name: 1 }]) {
      expect(outcome(decode(bad))).toEqual(outcome(Schema.decodeUnknownEither(schema)(bad)))
      expect(Either.isLeft(decode(bad))).toBe(true)
    }
  })
})
