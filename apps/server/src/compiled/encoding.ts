/**
 * Response encoders compiled once per schema: a plain function per AST node instead of
 * `ParseResult`'s general machinery (an `Either`, a closure and an error wrapper per node and per
 * value), which measured at 5–8 % of a GET's CPU time. They give what `Schema.encodeUnknownEither`
 * gives, and only that: each node runs the same checks and the same transformation functions
 * (`Declaration.encodeUnknown`, a transformation's `encode`, a refinement's filter through the type
 * side's decoder), builds objects with the same keys in the same order (the property signatures',
 * excess properties left out, as `onExcessProperty: "ignore"` does) and tries a union's members in
 * the order `ParseResult` would. A node it does not handle (index signatures not keyed by plain
 * strings, tuples with elements, unions discriminated by a literal property, `Suspend`, …) leaves
 * the whole schema to `Schema`; a value it refuses, or a transformation answering with an Effect
 * rather than an Either, is handed to `Schema`'s encoder as well, so failures keep their exact
 * messages.
 * `test/CompiledEncoding.test.ts` compares both on every response schema of every dialect.
 */
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** The value is not one the node encodes (`Schema` would fail on it). */
const Invalid: unique symbol = Symbol.for("@projectkit/server/compiled/encoding/Invalid")
/** The node answered with an Effect: only `Schema`'s encoder can run it. */
const Deferred: unique symbol = Symbol.for("@projectkit/server/compiled/encoding/Deferred")

type Step = (value: unknown) => unknown

const isStop = (result: unknown): result is typeof Invalid | typeof Deferred => result === Invalid || result === Deferred

/** What a transformation or declaration answered, as a step's result. */
const settle = (result: unknown): unknown => {
  if (!Either.isEither(result)) return Deferred
  return Either.isRight(result) ? result.right : Invalid
}

/**
 * Whether `ParseResult` would look `ast` up by a literal property when it is a union's member
 * (`ParseResult.getLiterals`, for encoding): such unions pick candidates by that property first.
 */
const hasLiteralProperty = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return surrogate._tag === "Some" && hasLiteralProperty(surrogate.value)
    }
    case "TypeLiteral":
      return ast.propertySignatures.some((signature) => !signature.isOptional && AST.isLiteral(AST.typeAST(signature.type)))
    case "TupleType":
      return ast.elements.some((element) => !element.isOptional && AST.isLiteral(AST.typeAST(element.type)))
    case "Refinement":
      return hasLiteralProperty(ast.from)
    case "Suspend":
      return true
    case "Transformation":
      return hasLiteralProperty(ast.to)
    default:
      return false
  }
}

const typeCheck = (check: (value: unknown) => boolean): Step => (value) => check(value) ? value : Invalid

/** `Schema.DateTimeUtc`'s transformation (shared by every annotated copy of it). */
const dateTimeUtc = (Schema.DateTimeUtc.ast as AST.Transformation).transformation

/**
 * `Schema.DateTimeUtc` encoded as its transformation does (`DateTime.formatIso`), remembering the
 * last instant formatted: a row's `createdAt` and `updatedAt` are often the same instant, and
 * formatting is most of what encoding a row costs. The memory is this encoder's own.
 */
const dateTimeUtcStep = (typeSide: Step, encodedSide: Step): Step => {
  let lastMillis = Number.NaN
  let lastIso = ""
  return (value) => {
    const typed = typeSide(value)
    if (isStop(typed)) return typed
    const millis = (typed as DateTime.Utc).epochMillis
    if (millis !== lastMillis) {
      lastIso = DateTime.formatIso(typed as DateTime.Utc)
      lastMillis = millis
    }
    return encodedSide(lastIso)
  }
}

/** The encoding step of `ast`, or undefined when this module leaves it to `Schema`. */
const compile = (ast: AST.AST): Step | undefined => {
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return typeCheck((value) => value === literal)
    }
    case "UndefinedKeyword":
      return typeCheck(Predicate.isUndefined)
    case "StringKeyword":
      return typeCheck(Predicate.isString)
    case "NumberKeyword":
      return typeCheck(Predicate.isNumber)
    case "BooleanKeyword":
      return typeCheck(Predicate.isBoolean)
    case "UnknownKeyword":
    case "AnyKeyword":
    case "VoidKeyword":
      return (value) => value
    case "Declaration": {
      const encode = ast.encodeUnknown(...ast.typeParameters)
      return (value) => settle(encode(value, AST.defaultParseOption, ast))
    }
    case "Transformation": {
      const transformation = ast.transformation
      if (transformation._tag === "TypeLiteralTransformation") return undefined
      // Encoding runs the type side first, then the transformation backwards, then the encoded side.
      const typeSide = compile(ast.to)
      const encodedSide = compile(ast.from)
      if (typeSide === undefined || encodedSide === undefined) return undefined
      if (transformation._tag === "ComposeTransformation") {
        return (value) => {
          const typed = typeSide(value)
          return isStop(typed) ? typed : encodedSide(typed)
        }
      }
      if (transformation === dateTimeUtc) return dateTimeUtcStep(typeSide, encodedSide)
      const encode = transformation.encode
      return (value) => {
        const typed = typeSide(value)
        if (isStop(typed)) return typed
        const transformed = settle(encode(typed, AST.defaultParseOption, ast, value))
        return isStop(transformed) ? transformed : encodedSide(transformed)
      }
    }
    case "Refinement": {
      // As ParseResult encodes a refinement: the value decoded on the type side (every filter
      // checked), then encoded by what the refinements refine.
      const check = ParseResult.decodeUnknownEither(Schema.make(AST.typeAST(ast)))
      let refined: AST.AST = ast.from
      while (AST.isRefinement(refined)) refined = refined.from
      const rest = compile(refined)
      if (rest === undefined) return undefined
      return (value) => {
        const checked = check(value)
        return Either.isLeft(checked) ? Invalid : rest(checked.right)
      }
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return undefined
      const item = compile(ast.rest[0]!.type)
      if (item === undefined) return undefined
      return (value) => {
        if (!Array.isArray(value)) return Invalid
        const output: Array<unknown> = new Array(value.length)
        for (let i = 0; i < value.length; i++) {
          const encoded = item(value[i])
          if (isStop(encoded)) return encoded
          output[i] = encoded
        }
        return output
      }
    }
    case "TypeLiteral": {
      if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) return typeCheck(Predicate.isNotNullable)
      const properties: Array<{ readonly name: string; readonly optional: boolean; readonly step: Step }> = []
      for (const signature of ast.propertySignatures) {
        const step = compile(signature.type)
        if (step === undefined || typeof signature.name !== "string") return undefined
        properties.push({ name: signature.name, optional: signature.isOptional, step })
      }
      // Index signatures keyed by plain strings only (a `Schema.Record` of `Schema.String`, such as
      // Indream's `editorState`): ParseResult reads their keys with `Object.keys`, and any string
      // key passes. Symbol, template-literal and refined keys stay with Schema.
      const indexed: Array<Step> = []
      for (const signature of ast.indexSignatures) {
        const step = compile(signature.type)
        if (step === undefined || signature.parameter._tag !== "StringKeyword") return undefined
        indexed.push(step)
      }
      const declared = new Set(properties.map(({ name }) => name))
      return (value) => {
        if (!Predicate.isRecord(value)) return Invalid
        const output: Record<string, unknown> = {}
        for (const { name, optional, step } of properties) {
          // A required key is encoded even when absent (its type may take undefined), as ParseResult does.
          if (optional && !Object.prototype.hasOwnProperty.call(value, name)) continue
          const encoded = step(value[name])
          if (isStop(encoded)) return encoded
          output[name] = encoded
        }
        // Then every own key by each index signature, in key order; a declared property's key is
        // encoded by the signature too (its failure counts) but keeps the property's value, and the
        // output is written by assignment, as ParseResult writes it.
        for (const step of indexed) {
          for (const key of Object.keys(value)) {
            const encoded = step(value[key])
            if (isStop(encoded)) return encoded
            if (!declared.has(key)) output[key] = encoded
          }
        }
        return output
      }
    }
    case "Union": {
      // Without literal properties ParseResult tries the members in their order, the first that
      // encodes the value winning; with them it looks candidates up first: left to Schema.
      if (ast.types.some(hasLiteralProperty)) return undefined
      const members: Array<Step> = []
      for (const member of ast.types) {
        const step = compile(member)
        if (step === undefined) return undefined
        members.push(step)
      }
      return (value) => {
        for (const member of members) {
          const encoded = member(value)
          if (encoded === Invalid) continue
          return encoded
        }
        return Invalid
      }
    }
    default:
      return undefined
  }
}

/**
 * `Schema.encodeUnknownEither(schema)`, compiled: the same answer for every value, faster for the
 * values and schemas it handles (see the module's comment).
 */
export const encoder = <A, I>(
  schema: Schema.Schema<A, I, never>
): (value: unknown) => Either.Either<I, ParseResult.ParseError> => {
  // Both made on first use, not at start: most routes' error schemas never encode anything, and
  // Schema's own encoder is then only built for the values this module hands over.
  let full: ((value: unknown) => Either.Either<I, ParseResult.ParseError>) | undefined
  let fast: Step | null | undefined
  const bySchema = (value: unknown) => (full ??= Schema.encodeUnknownEither(schema))(value)
  return (value) => {
    if (fast === undefined) fast = compile(schema.ast) ?? null
    if (fast === null) return bySchema(value)
    const encoded = fast(value)
    return isStop(encoded) ? bySchema(value) : Either.right(encoded as I)
  }
}

/** Whether `encoder(schema)` compiles `schema` rather than leave it to `Schema` (for tests). */
export const isCompiled = (schema: Schema.Schema.Any): boolean => compile(schema.ast) !== undefined
