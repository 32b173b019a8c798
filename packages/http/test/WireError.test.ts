import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as WireError from "../src/WireError.js"

// Two providers whose 404 bodies overlap: every `Loose` body is also a `Boom` body minus `error`.
class Loose extends WireError.Class<Loose>("test/Loose")(404, { statusCode: Schema.Literal(404), message: Schema.String }) {}
class Boom extends WireError.Class<Boom>("test/Boom")(404, {
  statusCode: Schema.Literal(404),
  error: Schema.String,
  message: Schema.String
}, { description: "Boom style" }) {}

describe("WireError", () => {
  it("encodes its own instances as the provider's body", () => {
    expect(Schema.encodeSync(Boom)(new Boom({ statusCode: 404, error: "Not Found", message: "gone" }))).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "gone"
    })
  })

  it("never encodes another class's instance, or a plain object, though its shape fits", () => {
    const boom = new Boom({ statusCode: 404, error: "Not Found", message: "gone" })
    expect(Either.isLeft(Schema.encodeEither(Loose)(boom as unknown as Loose))).toBe(true)
    expect(Either.isLeft(Schema.encodeEither(Loose)({ statusCode: 404, message: "gone" } as Loose))).toBe(true)
    // A plain Schema.Class would have dropped `error` here: the confusion this module exists for.
    class Plain extends Schema.Class<Plain>("test/Plain")({ statusCode: Schema.Literal(404), message: Schema.String }) {}
    expect(Schema.encodeSync(Plain)(boom as unknown as Plain)).toEqual({ statusCode: 404, message: "gone" })
  })

  it("in a union, picks the member of the instance whatever the order", () => {
    const boom = new Boom({ statusCode: 404, error: "Not Found", message: "gone" })
    const loose = new Loose({ statusCode: 404, message: "gone" })
    for (const union of [Schema.Union(Loose, Boom), Schema.Union(Boom, Loose)]) {
      expect(Schema.encodeSync(union)(boom)).toEqual({ statusCode: 404, error: "Not Found", message: "gone" })
      expect(Schema.encodeSync(union)(loose)).toEqual({ statusCode: 404, message: "gone" })
    }
  })

  it("decodes the wire body into an instance, and carries its status and description", () => {
    const decoded = Schema.decodeUnknownSync(Boom)({ statusCode: 404, error: "Not Found", message: "gone" })
    expect(decoded).toBeInstanceOf(Boom)
    expect(WireError.status(Boom)).toBe(404)
    expect(HttpApiSchema.getStatusErrorAST(Loose.ast)).toBe(404)
    expect(Schema.is(Boom)(decoded)).toBe(true)
    expect(Schema.is(Loose)(decoded)).toBe(false)
  })
})
