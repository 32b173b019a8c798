/**
 * Request decoders compiled once per schema, for the one shape most requests carry: a struct of
 * required strings, each plain or refined (a path's `{ id }`, string headers). `ParseResult`
 * decodes such a struct through an `Either`, a closure and a memoised parser per property and per
 * request, ~2 % of a GET's CPU time (issue 28); here it is one loop. It gives what
 * `Schema.decodeUnknownEither` gives, and only that: the same checks (a string, then each
 * refinement's filter, innermost first, with the options `ParseResult` hands it), the same output
 * (a new object with the declared keys in the declared order, excess ones left out, as
 * `onExcessProperty: "ignore"` does). Any other schema is left to `Schema` whole, and any input it
 * does not accept is handed to `Schema`'s decoder, so a failure keeps its exact issues and message.
 * `test/CompiledDecoding.test.ts` compares both on every request schema of every dialect.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** The input is not one this decoder accepts: `Schema` decides (and explains). */
const Refused: unique symbol = Symbol.for("@projectkit/server/compiled/decoding/Refused")

/** Whether a string passes `ast` (a string, or refinements of one), if `ast` is such a schema. */
const stringCheck = (ast: AST.AST): ((value: string) => boolean) | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return () => true
    case "Refinement": {
      const from = stringCheck(ast.from)
      if (from === undefined) return undefined
      // As ParseResult decodes a refinement: its source first, then its filter.
      return (value) => from(value) && Option.isNone(ast.filter(value, AST.defaultParseOption, ast))
    }
    default:
      return undefined
  }
}

/** A decoder for a struct of required string properties, or undefined for any other schema. */
const compileStruct = (ast: AST.AST): ((input: unknown) => object | typeof Refused) | undefined => {
  if (ast._tag !== "TypeLiteral" || ast.indexSignatures.length > 0 || ast.propertySignatures.length === 0) return undefined
  const properties: Array<readonly [string, (value: string) => boolean]> = []
  for (const signature of ast.propertySignatures) {
    if (signature.isOptional || typeof signature.name !== "string") return undefined
    const check = stringCheck(signature.type)
    if (check === undefined) return undefined
    properties.push([signature.name, check])
  }
  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return Refused
    const output: Record<string, string> = {}
    for (const [name, check] of properties) {
      if (!Object.prototype.hasOwnProperty.call(input, name)) return Refused
      const value: unknown = (input as Record<string, unknown>)[name]
      if (typeof value !== "string" || !check(value)) return Refused
      output[name] = value
    }
    return output
  }
}

/**
 * `Schema.decodeUnknownEither(schema)`, compiled where `schema` is a struct of required strings:
 * the same answer for every input.
 */
export const decoder = <A, I>(
  schema: Schema.Schema<A, I, never>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const full = Schema.decodeUnknownEither(schema)
  const fast = compileStruct(schema.ast)
  if (fast === undefined) return full
  return (input) => {
    const decoded = fast(input)
    return decoded === Refused ? full(input) : Either.right(decoded as A)
  }
}

/** Whether `decoder(schema)` compiles `schema` rather than leave it to `Schema` (for tests). */
export const isCompiled = (schema: Schema.Schema.Any): boolean => compileStruct(schema.ast) !== undefined
