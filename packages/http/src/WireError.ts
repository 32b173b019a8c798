/**
 * A provider's wire error: a `Schema.Class` whose body is exactly what the provider sends, declared
 * with its HTTP status, that encodes only its own instances.
 *
 * Why only its own instances: a plain `Schema.Class` encodes any value of the right shape, and
 * `HttpApiBuilder` encodes a failure by trying every error schema of an API in turn. Sanity's
 * `{statusCode, error, message}` also has the shape of sync.so's `{statusCode, message}`, so in one
 * API serving both, whichever was declared first would win, and Sanity's `error` field could be
 * dropped on the way out. A wire error class of one provider never encodes another's, so the
 * order in which contracts are mounted together does not matter.
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * `Schema.Class`, with `status` (and an optional description) annotated for `HttpApi`, whose
 * schema encodes nothing but instances of the class itself.
 *
 * ```ts
 * export class NotFound extends WireError.Class<NotFound>("@acme/NotFound")(404, {
 *   statusCode: Schema.Literal(404),
 *   message: Schema.String
 * }) {}
 * ```
 */
export const Class = <Self = never>(identifier: string) =>
<Fields extends Schema.Struct.Fields>(
  status: number,
  fields: Fields,
  annotations?: { readonly description?: string }
) => {
  const Base = Schema.Class<Self>(identifier)(
    fields,
    HttpApiSchema.annotations({ status, ...(annotations?.description === undefined ? {} : { description: annotations.description }) })
  )
  // The class is ours, made just above: its schema getter is wrapped, no shared object is touched.
  const declared = Object.getOwnPropertyDescriptor(Base, "ast")?.get
  if (declared === undefined) throw new Error("Schema.Class no longer defines `ast` as a static getter")
  const strict = new WeakMap<object, AST.AST>()
  Object.defineProperty(Base, "ast", {
    configurable: true,
    get(this: Function) {
      const cached = strict.get(this)
      if (cached !== undefined) return cached
      const base = declared.call(this) as AST.AST
      const ast = base instanceof AST.Transformation && base.to instanceof AST.Declaration
        ? instanceOnly(base, base.to, this)
        : base
      strict.set(this, ast)
      return ast
    }
  })
  return Base
}

/** `transformation` with its declared side refusing, on encode, whatever is not a `klass`. */
const instanceOnly = (transformation: AST.Transformation, declaration: AST.Declaration, klass: Function): AST.AST =>
  new AST.Transformation(
    transformation.from,
    new AST.Declaration(
      declaration.typeParameters,
      declaration.decodeUnknown,
      (...typeParameters) => {
        const encode = declaration.encodeUnknown(...typeParameters)
        return (input, options, ast) =>
          input instanceof klass ? encode(input, options, ast) : ParseResult.fail(new ParseResult.Type(ast, input))
      },
      declaration.annotations
    ),
    transformation.transformation,
    transformation.annotations
  )

/** The HTTP status declared on a wire error class. */
export const status = (schema: Schema.Schema.All): number => HttpApiSchema.getStatusErrorAST(schema.ast)
