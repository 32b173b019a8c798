/**
 * What a provider contract's OpenAPI document must say that `OpenApi.fromApi` cannot work out from
 * the `HttpApi` alone, so that the document tells third parties (and fuzzers) what the reference
 * server accepts and refuses:
 * - request bodies are open: the server decodes with `onExcessProperty: "ignore"`, so a property it
 *   does not know is ignored, never refused. `fromApi` writes `additionalProperties: false` on every
 *   struct; it is dropped from every schema a request body reaches (response schemas keep it: the
 *   server sends nothing else);
 * - a request that does not decode is answered in the provider's own 400 body, never the platform's
 *   `HttpApiDecodeError` (`{_tag, issues}`, which no client of the provider would recognise): every
 *   `HttpApiDecodeError` in the document becomes the provider's 400 schema;
 * - a body over the server's limit gets 413, in the provider's body: declared on every operation
 *   that takes a body and does not declare a 413 already;
 * - a body in a media type the operation does not declare gets 415, in the provider's body: declared
 *   on every operation that takes a body, when the provider names that body (`unsupportedMediaType`);
 * - a path parameter longer than 100 characters (as sent, percent-encoded) matches no route: a 404.
 *   Path parameters say so (and that they are not empty: an empty one makes another path, which is
 *   another route's or none);
 * - the rules every string and body obey on every route (`serverRules`), in the document's
 *   description.
 *
 * A contract applies it once: `HttpApi.make(…)….pipe(ContractDocument.annotate(refusals))`. The
 * reference server's own constants are checked against `serverRules` by its tests.
 */
import type * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import * as OpenApiJsonSchema from "@effect/platform/OpenApiJsonSchema"
import type * as Schema from "effect/Schema"

/** The rules the reference server holds on every route of every dialect, whatever the contract. */
export const serverRules = {
  /** A path parameter longer than this (percent-encoded, as sent) matches no route: 404. */
  maxPathParameterLength: 100,
  /** How deeply a JSON body may nest arrays and objects (`[[1]]` is 2 deep); deeper is 400. */
  maxJsonDepth: 100,
  /** The longest a refused value is echoed in an error message. */
  maxEchoedCharacters: 120,
  /** The server's default body limit (`--max-body-bytes`); larger bodies get 413. */
  defaultMaxBodyBytes: 16 * 1024 * 1024
} as const

/** The rules of `serverRules`, as the documents state them. */
export const rulesDescription = [
  "Rules of the projectkit reference server, on every route:",
  "- text (path, query parameters, JSON strings and property names) must not contain U+0000 nor a lone " +
  "UTF-16 surrogate: such a request is refused with 400, whatever the field, and nothing is stored;",
  `- a JSON body may nest arrays and objects at most ${serverRules.maxJsonDepth} levels deep; deeper is refused with 400;`,
  `- a body larger than the server's limit (--max-body-bytes, ${serverRules.defaultMaxBodyBytes} bytes by default) is refused with 413;`,
  "- a request body must be sent in a media type its operation declares (JSON bodies: application/json, " +
  "parameters such as charset allowed; raw uploads: any); any other Content-Type is refused with 415 and nothing is read;",
  "- properties a request body's schema does not name are ignored;",
  `- a path parameter is 1 to ${serverRules.maxPathParameterLength} characters as sent (percent-encoded); ` +
  "a longer one matches no route: 404;",
  "- at most one Authorization header: a request with several is refused with 400;",
  `- error messages echo a refused value cut to ${serverRules.maxEchoedCharacters} characters;`,
  "- every error, refusals by the framework included, is written in this API's own error body."
].join("\n")

/** The provider's bodies for the refusals no endpoint declares itself. */
export interface Refusals {
  /** The provider's 400: a request that does not decode, or breaks a rule of `serverRules`. */
  readonly badRequest: Schema.Schema.Any
  /** The provider's 413: a body over the server's limit. */
  readonly payloadTooLarge: Schema.Schema.Any
  /** The provider's 415: a body in a media type its operation does not declare. */
  readonly unsupportedMediaType?: Schema.Schema.Any | undefined
}

/** `api` with its document made truthful (see the module's header); its routes are unchanged. */
export const annotate = (refusals: Refusals) =>
<Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  api: HttpApi.HttpApi<Id, Groups, E, R>
): HttpApi.HttpApi<Id, Groups, E, R> => api.annotate(OpenApi.Transform, transform(refusals))

// The document is plain JSON: these walks read it as such.
type Json = Record<string, any>

const componentPrefix = "#/components/schemas/"
const decodeErrorRef = `${componentPrefix}HttpApiDecodeError`

const componentName = (ref: string) => ref.slice(componentPrefix.length).replace(/~1/g, "/").replace(/~0/g, "~")

/** Every object reachable from `value`, following component references once each. */
const visit = (value: unknown, components: Json, seen: Set<string>, f: (schema: Json) => void): void => {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, components, seen, f)
    return
  }
  if (typeof value !== "object" || value === null) return
  const schema = value as Json
  if (typeof schema.$ref === "string" && schema.$ref.startsWith(componentPrefix)) {
    const name = componentName(schema.$ref)
    if (!seen.has(name)) {
      seen.add(name)
      visit(components[name], components, seen, f)
    }
    return
  }
  f(schema)
  for (const key in schema) visit(schema[key], components, seen, f)
}

/** Whether anything in `value` refers to the component `name`. */
const refersTo = (value: unknown, ref: string): boolean => JSON.stringify(value).includes(JSON.stringify(ref))

const transform = (refusals: Refusals) => (original: Json): Json => {
  const spec = structuredClone(original) as Json
  const components: Json = spec.components.schemas
  const badRequest: Json = OpenApiJsonSchema.makeWithDefs(refusals.badRequest, { defs: components })
  const payloadTooLarge = OpenApiJsonSchema.makeWithDefs(refusals.payloadTooLarge, { defs: components })
  const unsupportedMediaType = refusals.unsupportedMediaType === undefined
    ? undefined
    : OpenApiJsonSchema.makeWithDefs(refusals.unsupportedMediaType, { defs: components })
  const badRequestDescription: string | undefined = typeof badRequest.$ref === "string"
    ? components[componentName(badRequest.$ref)]?.description
    : badRequest.description

  for (const pathItem of Object.values(spec.paths as Json)) {
    for (const operation of Object.values(pathItem as Json) as Array<Json>) {
      // Request bodies: open (see the header).
      for (const media of Object.values(operation.requestBody?.content ?? {}) as Array<Json>) {
        visit(media.schema, components, new Set(), (schema) => {
          if (schema.type === "object" && schema.additionalProperties === false) delete schema.additionalProperties
        })
      }
      // The platform's decode error is never sent: the provider's 400 is.
      const answer400 = operation.responses?.["400"]
      if (answer400 !== undefined) {
        for (const media of Object.values(answer400.content ?? {}) as Array<Json>) {
          const schema = media.schema as Json
          if (schema.$ref === decodeErrorRef) {
            media.schema = badRequest
          } else if (Array.isArray(schema.anyOf)) {
            const members = schema.anyOf.filter((member: Json) => member.$ref !== decodeErrorRef)
            if (!members.some((member: Json) => JSON.stringify(member) === JSON.stringify(badRequest))) {
              members.push(badRequest)
            }
            media.schema = members.length === 1 ? members[0] : { ...schema, anyOf: members }
          }
        }
        if (answer400.description === "The request did not match the expected schema") {
          answer400.description = badRequestDescription ?? "The request is not valid"
        }
      }
      if (operation.requestBody !== undefined && operation.responses?.["413"] === undefined) {
        operation.responses["413"] = {
          description: "The body is larger than the server accepts",
          content: { "application/json": { schema: payloadTooLarge } }
        }
      }
      // (An upload of raw bytes, `application/octet-stream`, takes them in any media type.)
      if (
        operation.requestBody !== undefined && unsupportedMediaType !== undefined && operation.responses?.["415"] === undefined &&
        operation.requestBody.content?.["application/octet-stream"] === undefined
      ) {
        operation.responses["415"] = {
          description: "The body's Content-Type is not a media type this operation declares",
          content: { "application/json": { schema: unsupportedMediaType } }
        }
      }
      // What the routers match (see `serverRules.maxPathParameterLength`).
      for (const parameter of (operation.parameters ?? []) as Array<Json>) {
        if (parameter.in !== "path") continue
        const schema = parameter.schema as Json
        if (schema.type === "string" && schema.pattern === undefined) {
          // Effect's own words for a length refinement (e.g. "minLength(1)"), superseded by the router's.
          if (typeof schema.title === "string" && /^(?:min|max)Length\(\d+\)$/.test(schema.title)) {
            delete schema.title
            delete schema.description
            delete parameter.description
          }
          schema.minLength = Math.max(schema.minLength ?? 1, 1)
          schema.maxLength = Math.min(schema.maxLength ?? serverRules.maxPathParameterLength, serverRules.maxPathParameterLength)
        }
        parameter.description = [
          parameter.description,
          `1 to ${serverRules.maxPathParameterLength} characters as sent (percent-encoded); a longer one matches no route (404)`
        ].filter((text) => text !== undefined && text !== "").join("; ")
      }
    }
  }

  // The decode error's schemas, now unused.
  for (const name of ["HttpApiDecodeError", "Issue", "PropertyKey"]) {
    const rest = { ...spec, components: { ...spec.components, schemas: { ...components } } }
    delete rest.components.schemas[name]
    if (!refersTo(rest, `${componentPrefix}${name}`)) delete components[name]
  }
  spec.info.description = [spec.info.description, rulesDescription].filter((text) => text !== undefined).join("\n\n")
  return spec
}
