/**
 * Requests generated from a dialect's own contract, valid and deliberately broken, and what their
 * answers must be. The generation is fast-check's (`effect/FastCheck`, with `effect/Arbitrary` for
 * every schema of an endpoint); the request is then built as it goes on the wire, and judged valid
 * or not by decoding that wire form with the endpoint's own schemas and the rules every route holds
 * (`ContractDocument.serverRules`), so a mutation that happens to leave a request valid counts as
 * valid.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import type * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import { ContractDocument } from "@projectkit/http"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Http from "node:http"
import type * as Dialect from "../../src/Dialect.js"
import type * as Fallback from "../../src/Fallback.js"
import * as Untrusted from "../../src/internal/untrusted.js"

// ---------------------------------------------------------------------------------------------
// The operations of a contract
// ---------------------------------------------------------------------------------------------

type AnySchema = Schema.Schema<any, any, never>

/** One endpoint of a dialect, with every schema the fuzz needs. */
export interface Operation {
  /** `group.endpoint`, for messages. */
  readonly id: string
  readonly method: string
  /** The path under the dialect's prefix, with `:param`s. */
  readonly path: string
  readonly params: ReadonlyArray<string>
  readonly pathSchema: AnySchema | undefined
  readonly urlParamsSchema: AnySchema | undefined
  readonly headersSchema: AnySchema | undefined
  /**
   * The JSON payload, or the raw (`Uint8Array`) one. A multipart form is not generated: such an
   * endpoint is sent raw bytes, which it must refuse (`multipart`).
   */
  readonly payload: { readonly schema: AnySchema; readonly raw: boolean; readonly multipart?: boolean } | undefined
  /**
   * How a caller authenticates: a header of its own (`x-api-key`), a bearer token, or an optional
   * bearer token (a route with no security, such as Sanity's job event stream, which checks a
   * token only when one is sent), or none at all (a route with no security in a dialect whose key
   * is a header of its own, such as sync.so's error catalog: any key sent is ignored).
   */
  readonly credential:
    | { readonly _tag: "Header"; readonly name: string }
    | { readonly _tag: "Bearer" }
    | { readonly _tag: "OptionalBearer" }
    | { readonly _tag: "Open"; readonly name: string }
  /** The schema of the body answered with each declared status (`undefined`: no body). */
  readonly answers: ReadonlyMap<number, AnySchema | undefined>
}

const schemaOf = (ast: AST.AST): AnySchema => Schema.make(ast) as AnySchema

/** Every endpoint of `dialect`'s contract. */
export const operations = (dialect: Dialect.Dialect): ReadonlyArray<Operation> => {
  const found: Array<Operation> = []
  HttpApi.reflect(dialect.contract, {
    onGroup: () => {},
    onEndpoint: ({ endpoint, errors, group, middleware, payloads, successes }) => {
      const answers = new Map<number, AnySchema | undefined>()
      for (const [status, { ast }] of [...successes, ...errors]) {
        answers.set(status, Option.getOrUndefined(Option.map(ast, schemaOf)))
      }
      const security = [...middleware].flatMap((tag) =>
        Object.values((tag as HttpApiMiddleware.TagClassSecurityAny).security ?? {}) as Array<HttpApiSecurity.HttpApiSecurity>
      )[0]
      const [contentType, payload] = [...payloads][0] ?? []
      found.push({
        id: `${group.identifier}.${endpoint.name}`,
        method: endpoint.method,
        path: endpoint.path,
        params: [...endpoint.path.matchAll(/:(\w+)/g)].map((match) => match[1]!),
        pathSchema: Option.getOrUndefined(endpoint.pathSchema) as AnySchema | undefined,
        urlParamsSchema: Option.getOrUndefined(endpoint.urlParamsSchema) as AnySchema | undefined,
        headersSchema: Option.getOrUndefined(endpoint.headersSchema) as AnySchema | undefined,
        payload: payload === undefined || endpoint.method === "GET" || endpoint.method === "DELETE"
          ? undefined
          : contentType === "multipart/form-data"
          ? { schema: Schema.Uint8ArrayFromSelf as AnySchema, raw: true, multipart: true }
          : { schema: schemaOf(payload.ast), raw: contentType !== "application/json" },
        credential: security === undefined
          ? { _tag: "OptionalBearer" }
          : security._tag === "ApiKey"
          ? { _tag: "Header", name: security.key }
          : { _tag: "Bearer" },
        answers
      })
    }
  })
  // A route with no security in a dialect of header keys is open: the key is neither needed nor read.
  const headerKey = found.flatMap((op) => (op.credential._tag === "Header" ? [op.credential.name] : []))[0]
  return headerKey === undefined
    ? found
    : found.map((op) => (op.credential._tag === "OptionalBearer" ? { ...op, credential: { _tag: "Open", name: headerKey } } : op))
}

// ---------------------------------------------------------------------------------------------
// Plans: what to send, before it is resolved against what the server has answered so far
// ---------------------------------------------------------------------------------------------

/** How a request is broken, if it is. */
export type Mutation =
  | { readonly _tag: "WrongType"; readonly at: number; readonly value: unknown }
  | { readonly _tag: "Missing"; readonly at: number }
  | { readonly _tag: "Extra"; readonly key: string; readonly value: unknown }
  | { readonly _tag: "Nul"; readonly where: Where; readonly at: number }
  | { readonly _tag: "Surrogate"; readonly where: Where; readonly at: number; readonly unit: string }
  | { readonly _tag: "Deep"; readonly depth: number; readonly at: number }
  | { readonly _tag: "Huge"; readonly length: number; readonly at: number }
  | { readonly _tag: "NotJson"; readonly cut: number }
  | { readonly _tag: "ContentType"; readonly value: string }
  | { readonly _tag: "Query"; readonly key: string; readonly value: string }
  | { readonly _tag: "PathLength"; readonly length: number; readonly at: number }
  | { readonly _tag: "BadPercent"; readonly where: "path" | "query"; readonly at: number }
  | { readonly _tag: "BrokenForm"; readonly kind: BrokenForm }

/** How a multipart body is broken (sent to the form routes): each must be refused, never a 5xx. */
export type BrokenForm = typeof brokenForms[number]

export const brokenForms = ["noBoundary", "emptyBoundary", "cutInFile", "cutInHeaders", "hugeHeaders", "badHeaders", "noDelimiter"] as const

/** Media types no route's document declares for its body. */
export const undeclaredMediaTypes = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/xml",
  "application/json-patch",
  "multipart/form-data; boundary=x"
] as const

type Where = "body" | "query" | "path"

/** Whose credential a request carries. */
export type Credential = "own" | "other" | "none" | "unknown" | "twice"

export interface Plan {
  readonly operation: number
  readonly path: Record<string, string> | undefined
  readonly query: Record<string, string | ReadonlyArray<string>> | undefined
  readonly body: unknown
  readonly headers: Record<string, string> | undefined
  readonly credential: Credential
  /** For each path parameter, a pick among the ids the server answered so far (or the generated one). */
  readonly picks: ReadonlyArray<number>
  /** The same, for a header naming a project (Sanity's project host). */
  readonly aim: number
  readonly mutation: Mutation | undefined
}

/** `schema`'s values, generated and then encoded as they go on the wire. */
const wire = (schema: AnySchema): fc.Arbitrary<unknown> => {
  const encode = Schema.encodeSync(schema)
  return Arbitrary.make(schema).map((value) => encode(value))
}

const optionalWire = (schema: AnySchema | undefined) => schema === undefined ? fc.constant(undefined) : wire(schema)

const where = fc.constantFrom<Where>("body", "query", "path")

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    _tag: fc.constant("WrongType" as const),
    at: fc.nat(),
    value: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.string(), fc.double())
  }),
  fc.record({ _tag: fc.constant("Missing" as const), at: fc.nat() }),
  fc.record({ _tag: fc.constant("Extra" as const), key: fc.string({ minLength: 1 }), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ _tag: fc.constant("Nul" as const), where, at: fc.nat() }),
  fc.record({ _tag: fc.constant("Surrogate" as const), where, at: fc.nat(), unit: fc.constantFrom("\ud800", "\udfff") }),
  fc.record({
    _tag: fc.constant("Deep" as const),
    depth: fc.constantFrom(Untrusted.maxJsonDepth + 1, 5_000, 100_000),
    at: fc.nat()
  }),
  fc.record({ _tag: fc.constant("Huge" as const), length: fc.constantFrom(70_000, 300_000), at: fc.nat() }),
  fc.record({ _tag: fc.constant("NotJson" as const), cut: fc.nat() }),
  fc.record({
    _tag: fc.constant("ContentType" as const),
    value: fc.constantFrom(...undeclaredMediaTypes)
  }),
  fc.record({
    _tag: fc.constant("Query" as const),
    key: fc.constantFrom("limit", "cursor", "sortBy", "offset", "state", "status", "types", "ids", "order", "x"),
    value: fc.constantFrom("0", "-1", "101", "1.5", "abc", "", "[", "[\"A\"", "1e3", "null")
  }),
  fc.record({
    _tag: fc.constant("PathLength" as const),
    length: fc.constantFrom(0, ContractDocument.serverRules.maxPathParameterLength + 1, 400),
    at: fc.nat()
  }),
  fc.record({ _tag: fc.constant("BadPercent" as const), where: fc.constantFrom("path" as const, "query" as const), at: fc.nat() }),
  fc.record({
    _tag: fc.constant("BrokenForm" as const),
    kind: fc.constantFrom(...brokenForms)
  })
)

const credential = fc.constantFrom<Credential>("own", "own", "own", "own", "own", "own", "other", "none", "unknown", "twice")

/** Plans for `operations`: about half of them broken by one mutation. */
export const plans = (ops: ReadonlyArray<Operation>): fc.Arbitrary<Plan> =>
  fc.integer({ min: 0, max: ops.length - 1 }).chain((index) => plansOf(ops, index))

/** Plans for the operation `ops[index]`. */
export const plansOf = (ops: ReadonlyArray<Operation>, index: number): fc.Arbitrary<Plan> => {
    const op = ops[index]!
    return fc.record({
      operation: fc.constant(index),
      path: optionalWire(op.pathSchema) as fc.Arbitrary<Record<string, string> | undefined>,
      query: optionalWire(op.urlParamsSchema) as fc.Arbitrary<Record<string, string | ReadonlyArray<string>> | undefined>,
      body: op.payload === undefined ? fc.constant(undefined) : wire(op.payload.schema),
      headers: optionalWire(op.headersSchema) as fc.Arbitrary<Record<string, string> | undefined>,
      credential,
      picks: fc.array(fc.nat(), { minLength: op.params.length, maxLength: op.params.length }),
      aim: fc.nat(),
      mutation: fc.option(mutation, { freq: 1, nil: undefined })
    })
}

// ---------------------------------------------------------------------------------------------
// What the server answered: ids to aim later requests at
// ---------------------------------------------------------------------------------------------

/** Ids (and names) the server has answered, by the member that held them. */
export class Known {
  private readonly byKey = new Map<string, Array<string>>()
  private readonly cursors = new Map<string, Array<string>>()

  /** Remembers the `nextCursor` (Indream: `meta.nextPageCursor`) a list answered, for the same list (`listing`: operation and filters). */
  learnCursor(listing: string, answer: unknown): void {
    if (typeof answer !== "object" || answer === null) return
    const meta = "meta" in answer && typeof answer.meta === "object" && answer.meta !== null ? answer.meta : undefined
    const cursor = "nextCursor" in answer
      ? answer.nextCursor
      : meta !== undefined && "nextPageCursor" in meta
      ? meta.nextPageCursor
      : undefined
    if (typeof cursor !== "string") return
    const list = this.cursors.get(listing) ?? []
    if (!list.includes(cursor)) list.push(cursor)
    this.cursors.set(listing, list.slice(-20))
  }

  /** The cursors `listing` answered. */
  cursorsOf(listing: string): ReadonlyArray<string> {
    return this.cursors.get(listing) ?? []
  }

  /** Remembers every id-like member of an answer. */
  learn(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.learn(item)
      return
    }
    if (typeof value !== "object" || value === null) return
    for (const [key, member] of Object.entries(value)) {
      if ((typeof member === "string" || typeof member === "number") && /(?:^id|Id|^name|Name)$/.test(key)) {
        const list = this.byKey.get(key) ?? []
        const text = String(member)
        if (!list.includes(text)) list.push(text)
        if (list.length > 50) list.shift()
        this.byKey.set(key, list)
      } else {
        this.learn(member)
      }
    }
  }

  private readonly byParam = new Map<string, Array<string>>()

  /** Remembers the path parameters of a request that was answered with success: they name something. */
  learnPath(path: Readonly<Record<string, string>>): void {
    for (const [param, value] of Object.entries(path)) {
      const list = this.byParam.get(param) ?? []
      if (!list.includes(value)) list.push(value)
      this.byParam.set(param, list.slice(-20))
    }
  }

  /** Forgets what a successful delete named: it names nothing any more. */
  forget(path: Readonly<Record<string, string>>): void {
    const gone = new Set(Object.values(path).filter((value) => !/^v(?:1|X|\d{4}-\d{2}-\d{2})$/.test(value)))
    for (const lists of [this.byParam, this.byKey]) {
      for (const [key, list] of lists) lists.set(key, list.filter((value) => !gone.has(value)))
    }
  }

  /** The values of `param` that were part of a successful request. */
  provenFor(param: string): ReadonlyArray<string> {
    return this.byParam.get(param) ?? []
  }

  /** The ids a path parameter `param` may name. */
  candidates(param: string): ReadonlyArray<string> {
    const keys = [param]
    if (param === "id" || param.endsWith("Id")) keys.push("id")
    if (param === "name" || param === "datasetName" || param === "tagIdentifier") keys.push("name", "datasetName", "targetDataset")
    if (param === "taskId") keys.push("taskId")
    return keys.flatMap((key) => this.byKey.get(key) ?? [])
  }
}

// ---------------------------------------------------------------------------------------------
// Requests as they go on the wire
// ---------------------------------------------------------------------------------------------

export interface Credentials {
  readonly own: string
  readonly other: string
}

export interface WireRequest {
  readonly method: string
  /** Path and query, percent-encoded. */
  readonly url: string
  /** Raw headers: name, value, name, value… */
  readonly headers: ReadonlyArray<string>
  readonly body: Buffer | undefined
  /**
   * Whether the request is valid by the documents (the contract's schemas and `serverRules`), or
   * something they do not speak of (a body sent in a media type the endpoint does not declare).
   */
  readonly verdict: "valid" | "invalid" | "unspecified"
  /** Why it is not valid, for messages. */
  readonly because: string | undefined
  /** The list this request reads (operation and filters, cursor aside), for its `nextCursor`. */
  readonly listing: string
  /** The path parameters sent, decoded. */
  readonly path: Readonly<Record<string, string>>
  /**
   * Whether the URL is still the operation's: an empty path parameter makes another path (`/projects/`
   * is the list, with its trailing slash), whose answer is another operation's or a 404.
   */
  readonly sameRoute: boolean
}

/** `text` percent-encoded, a lone surrogate as the (invalid) UTF-8 bytes a careless encoder would send. */
const percentEncode = (text: string): string => {
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const pairs = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length &&
      text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff
    if (pairs) {
      out += encodeURIComponent(text.slice(i, i + 2))
      i++
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${
        (0x80 | (code & 0x3f)).toString(16).toUpperCase()
      }`
    } else {
      out += encodeURIComponent(text[i]!)
    }
  }
  return out
}

/** Every place a value sits in a JSON value: `[container, key]` pairs, the root first as `[holder, "root"]`. */
const places = (holder: { root: unknown }): Array<[Record<string | number, unknown>, string | number]> => {
  const found: Array<[Record<string | number, unknown>, string | number]> = [[holder as Record<string, unknown>, "root"]]
  const walk = (value: unknown) => {
    if (typeof value !== "object" || value === null) return
    for (const key of Object.keys(value)) {
      const container = value as Record<string, unknown>
      found.push([container, Array.isArray(value) ? Number(key) : key])
      walk(container[key])
    }
  }
  walk(holder.root)
  return found
}

/** The strings among `places`. */
const stringPlaces = (holder: { root: unknown }) =>
  places(holder).filter(([container, key]) => typeof container[key] === "string")

const insertAt = (text: string, at: number, insert: string) => {
  const i = text.length === 0 ? 0 : at % (text.length + 1)
  return text.slice(0, i) + insert + text.slice(i)
}

const part = `--fuzz\r\nContent-Disposition: form-data; name="input"; filename="input.jsonl"\r\n\r\n`

/** A multipart body broken as `kind` says, with its content type. */
const brokenForm = (kind: BrokenForm): { readonly contentType: string; readonly body: Buffer } => {
  const withBoundary = "multipart/form-data; boundary=fuzz"
  switch (kind) {
    case "noBoundary":
      return { contentType: "multipart/form-data", body: Buffer.from(`${part}{}\r\n--fuzz--\r\n`) }
    case "emptyBoundary":
      return { contentType: "multipart/form-data; boundary=", body: Buffer.from(`${part}{}\r\n--fuzz--\r\n`) }
    case "cutInFile":
      return { contentType: withBoundary, body: Buffer.from(`${part}{"request_id"`) }
    case "cutInHeaders":
      return { contentType: withBoundary, body: Buffer.from(`--fuzz\r\nContent-Disposition: form-data; na`) }
    case "hugeHeaders":
      return { contentType: withBoundary, body: Buffer.from(`--fuzz\r\nX-Padding: ${"p".repeat(20_000)}\r\n\r\nx\r\n--fuzz--\r\n`) }
    case "badHeaders":
      return { contentType: withBoundary, body: Buffer.from(`--fuzz\r\nContent-Disposition form-data\r\n\r\nx\r\n--fuzz--\r\n`) }
    case "noDelimiter":
      return { contentType: withBoundary, body: Buffer.from("no delimiter at all") }
  }
}

/** Where a `Deep` mutation's nesting goes in the body's text. */
const deepMarker = "\u0001deep\u0001"

/** How deeply `value` nests arrays and objects. */
const depthOf = (value: unknown): number => {
  let max = 0
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!
    if (typeof item !== "object" || item === null) {
      max = Math.max(max, depth)
      continue
    }
    const members = Object.values(item)
    if (members.length === 0) max = Math.max(max, depth + 1)
    for (const member of members) pending.push([member, depth + 1])
  }
  return max
}

/**
 * What `value` (as sent) breaks of the rules a document states only in `jsonSchema` annotations
 * (the rules the server checks in its handlers, see `SanityApi`'s `checked`): patterns, enums, and
 * those of named properties. A small subset of JSON Schema, the one those annotations use.
 */
const breaksAnnotated = (ast: AST.AST, value: unknown): string | undefined => {
  const stated = ast.annotations[AST.JSONSchemaAnnotationId] as JsonRule | undefined
  const own = stated === undefined ? undefined : breaksRule(stated, value)
  if (own !== undefined) return own
  switch (ast._tag) {
    case "Refinement":
    case "Transformation":
      return breaksAnnotated(ast.from, value)
    case "Suspend":
      return breaksAnnotated(ast.f(), value)
    case "Union": {
      const broken = ast.types.map((member) => breaksAnnotated(member, value))
      return broken.some((problem) => problem === undefined) ? undefined : broken[0]
    }
    case "TypeLiteral": {
      if (typeof value !== "object" || value === null) return undefined
      for (const property of ast.propertySignatures) {
        const member = (value as Record<PropertyKey, unknown>)[property.name]
        if (member === undefined) continue
        const problem = breaksAnnotated(property.type, member)
        if (problem !== undefined) return `${String(property.name)}: ${problem}`
      }
      return undefined
    }
    case "TupleType": {
      if (!Array.isArray(value)) return undefined
      const rest = ast.rest[0]?.type
      for (let i = 0; i < value.length; i++) {
        const type = ast.elements[i]?.type ?? rest
        const problem = type === undefined ? undefined : breaksAnnotated(type, value[i])
        if (problem !== undefined) return `${i}: ${problem}`
      }
      return undefined
    }
  }
  return undefined
}

interface JsonRule {
  readonly pattern?: string
  readonly enum?: ReadonlyArray<unknown>
  readonly type?: string
  readonly anyOf?: ReadonlyArray<JsonRule>
  readonly properties?: Readonly<Record<string, JsonRule>>
}

const breaksRule = (rule: JsonRule, value: unknown): string | undefined => {
  if (rule.type === "null" && value !== null) return "is not null"
  if (rule.type === "string" && typeof value !== "string") return "is not a string"
  if (rule.pattern !== undefined && typeof value === "string" && !new RegExp(rule.pattern).test(value)) {
    return `does not match ${rule.pattern}`
  }
  if (rule.enum !== undefined && !rule.enum.includes(value)) return `is not one of ${rule.enum.join(", ")}`
  if (rule.anyOf !== undefined) {
    const broken = rule.anyOf.map((member) => breaksRule(member, value))
    if (!broken.some((problem) => problem === undefined)) return broken[0]
  }
  if (rule.properties !== undefined && typeof value === "object" && value !== null) {
    for (const [name, member] of Object.entries(rule.properties)) {
      if (!(name in value)) continue
      const problem = breaksRule(member, (value as Record<string, unknown>)[name])
      if (problem !== undefined) return `${name}: ${problem}`
    }
  }
  return undefined
}

/** Why `value` (as sent) is not valid by `schema` and the rules its document states, if it is not. */
const decodes = (schema: AnySchema, value: unknown): string | undefined => {
  const result = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })(value)
  if (Either.isLeft(result)) return ParseResult.TreeFormatter.formatErrorSync(result.left).slice(0, 300)
  // (Bytes are no JSON value: their annotations describe the body, checked where it is built.)
  return value instanceof Uint8Array ? undefined : breaksAnnotated(schema.ast, value)
}

/**
 * The request `plan` stands for, on `prefix`, its path parameters aimed at `known` ids where the
 * plan picks them, with `credentials`; and whether it is valid by the documents.
 */
export const toWire = (op: Operation, plan: Plan, context: {
  /** The dialect's base path. */
  readonly prefix: string
  readonly known: Known
  readonly credentials: Credentials
  /** The server's body limit. */
  readonly maxBodyBytes: number
  /** The routes the dialect lets take larger bodies (`Dialect.largerBodies`), with their limit. */
  readonly largerBodies?: Fallback.LargerBodies | undefined
}): WireRequest => {
  const { credentials, known, prefix } = context
  const broken: Array<string> = []
  let unspecified: string | undefined
  const mutation = plan.mutation
  const bodyAt = mutation !== undefined && "where" in mutation ? mutation.where : undefined

  // Path: generated values, or ids the server answered (two picks in three, when there are some).
  const path: Record<string, string> = { ...plan.path }
  // Path: a value that already named something (one time in three), an id the server answered
  // (one in three), or the generated one.
  op.params.forEach((param, i) => {
    const pick = plan.picks[i] ?? 0
    const proven = known.provenFor(param)
    const candidates = known.candidates(param)
    if (proven.length > 0 && pick % 3 === 1) path[param] = proven[pick % proven.length]!
    else if (candidates.length > 0 && pick % 3 !== 0) path[param] = candidates[pick % candidates.length]!
  })
  const params = op.params
  const target = params.length === 0 ? undefined : params[(mutation !== undefined && "at" in mutation ? mutation.at : 0) % params.length]!
  let rawPathValue: string | undefined
  if (target !== undefined && mutation !== undefined) {
    if (mutation._tag === "Nul" && mutation.where === "path") path[target] = insertAt(path[target] ?? "", mutation.at, "\u0000")
    if (mutation._tag === "Surrogate" && mutation.where === "path") path[target] = insertAt(path[target] ?? "", mutation.at, mutation.unit)
    if (mutation._tag === "PathLength") path[target] = "p".repeat(mutation.length)
    if (mutation._tag === "BadPercent" && mutation.where === "path") rawPathValue = "%zz"
  }
  if (op.pathSchema !== undefined) {
    const problem = decodes(op.pathSchema, path)
    if (problem !== undefined) broken.push(`path: ${problem}`)
  }
  let url = prefix + op.path.replace(/:(\w+)/g, (_match, name: string) => {
    if (name === target && rawPathValue !== undefined) return rawPathValue
    return percentEncode(path[name] ?? "")
  })
  let sameRoute = true
  for (const name of params) {
    const value = name === target && rawPathValue !== undefined ? rawPathValue : percentEncode(path[name] ?? "")
    if (value.length === 0) sameRoute = false
    if (rawPathValue !== undefined && name === target) broken.push("path: not percent-encoded UTF-8")
    if (value.length > ContractDocument.serverRules.maxPathParameterLength) {
      broken.push(`path: ${name} is ${value.length} characters as sent`)
      // The server's rule: such a path matches no route (404), whatever the operation declares.
      sameRoute = false
    }
    const decoded = path[name] ?? ""
    const wrong = Untrusted.problem(decoded)
    if (wrong !== undefined) broken.push(`path: ${name} ${wrong}`)
  }

  // Query: generated parameters; a mutation may add or change one, or break one's text.
  const query: Record<string, string | Array<string>> = {}
  for (const [key, value] of Object.entries(plan.query ?? {})) {
    if (value !== undefined) query[key] = typeof value === "string" ? value : [...value]
  }
  if (mutation?._tag === "Query") query[mutation.key] = mutation.value
  // A cursor is valid only as a `nextCursor` this list answered (the documents say so): one in two
  // requests that send one send such a cursor, when there is one.
  // The parameter is `cursor`, or Indream's `pageCursor`.
  const fields = op.urlParamsSchema === undefined ? {} : (op.urlParamsSchema as unknown as Schema.Struct<Schema.Struct.Fields>).fields
  const cursorKey = "pageCursor" in fields ? "pageCursor" : "cursor"
  const { [cursorKey]: _cursor, ...filters } = query
  const listing = `${op.id} ${plan.credential} ${JSON.stringify(Object.entries(filters).sort(([a], [b]) => a.localeCompare(b)))}`
  const answered = known.cursorsOf(listing)
  if (query[cursorKey] !== undefined && answered.length > 0 && plan.aim % 2 === 0) query[cursorKey] = answered[plan.aim % answered.length]!
  const paginated = cursorKey in fields
  if (paginated && query[cursorKey] !== undefined && !answered.includes(String(query[cursorKey]))) {
    broken.push("query: a cursor this list never answered")
  }
  const queryKeys = Object.keys(query)
  let rawQuery: string | undefined
  if (mutation !== undefined && bodyAt === "query" && (mutation._tag === "Nul" || mutation._tag === "Surrogate")) {
    const key = queryKeys.length === 0 ? "q" : queryKeys[mutation.at % queryKeys.length]!
    const current = query[key]
    const text = typeof current === "string" ? current : current?.[0] ?? ""
    query[key] = insertAt(text, mutation.at, mutation._tag === "Nul" ? "\u0000" : mutation.unit)
  }
  if (mutation?._tag === "BadPercent" && mutation.where === "query") rawQuery = "limit=%E0%A4"
  if (op.urlParamsSchema !== undefined) {
    const problem = decodes(op.urlParamsSchema, query)
    if (problem !== undefined) broken.push(`query: ${problem}`)
  }
  for (const [key, value] of Object.entries(query)) {
    for (const text of typeof value === "string" ? [value] : value) {
      const wrong = Untrusted.problem(text) ?? Untrusted.problem(key)
      if (wrong !== undefined) broken.push(`query: ${key} ${wrong}`)
    }
  }
  if (rawQuery !== undefined) broken.push("query: not percent-encoded UTF-8")
  const pairs = Object.entries(query).flatMap(([key, value]) =>
    (typeof value === "string" ? [value] : value).map((text) => `${percentEncode(key)}=${percentEncode(text)}`)
  )
  if (rawQuery !== undefined) pairs.push(rawQuery)
  if (pairs.length > 0) url += `?${pairs.join("&")}`

  // Body: the generated payload, mutated in place.
  const headers: Array<string> = []
  let body: Buffer | undefined
  if (op.payload !== undefined && op.payload.raw) {
    body = Buffer.from(plan.body as Uint8Array)
    let contentType = "application/octet-stream"
    if (mutation?._tag === "Huge") body = Buffer.alloc(mutation.length, 1)
    if (mutation?._tag === "Missing") body = Buffer.alloc(0)
    if (mutation?._tag === "ContentType") contentType = mutation.value
    if (op.payload.multipart === true && mutation?._tag === "BrokenForm") {
      const form = brokenForm(mutation.kind)
      contentType = form.contentType
      body = form.body
      broken.push(`body: multipart/form-data broken (${mutation.kind})`)
    }
    headers.push("content-type", contentType)
    // The document's `minLength: 1`.
    if (body.length === 0) broken.push("body: empty")
    if (op.payload.multipart === true && mutation?._tag !== "BrokenForm") broken.push(`body: not multipart/form-data (${contentType})`)
    const problem = decodes(op.payload.schema, new Uint8Array(body))
    if (problem !== undefined) broken.push(`body: ${problem}`)
  } else if (op.payload !== undefined) {
    const holder = { root: structuredClone(plan.body) }
    const all = places(holder)
    const strings = stringPlaces(holder)
    switch (mutation?._tag) {
      case "WrongType": {
        const [container, key] = all[mutation.at % all.length]!
        container[key] = mutation.value
        break
      }
      case "Missing": {
        const members = all.filter(([container]) => !Array.isArray(container) && container !== (holder as object))
        const chosen = members.length === 0 ? undefined : members[mutation.at % members.length]
        if (chosen !== undefined) delete chosen[0][chosen[1]]
        else holder.root = undefined
        break
      }
      case "Extra": {
        if (typeof holder.root === "object" && holder.root !== null && !Array.isArray(holder.root)) {
          ;(holder.root as Record<string, unknown>)[mutation.key] = mutation.value
        }
        break
      }
      case "Nul":
      case "Surrogate": {
        if (mutation.where !== "body") break
        const unit = mutation._tag === "Nul" ? "\u0000" : mutation.unit
        const chosen = strings[mutation.at % Math.max(1, strings.length)]
        if (chosen !== undefined) chosen[0][chosen[1]] = insertAt(chosen[0][chosen[1]] as string, mutation.at, unit)
        else if (typeof holder.root === "object" && holder.root !== null) {
          ;(holder.root as Record<string, unknown>)[`k${unit}`] = 1
        } else holder.root = unit
        break
      }
      case "Deep": {
        // Spliced into the text below: a value this deep would overflow `JSON.stringify` itself.
        const [container, key] = all[mutation.at % all.length]!
        container[key] = deepMarker
        break
      }
      case "Huge": {
        const chosen = strings[mutation.at % Math.max(1, strings.length)]
        const huge = "h".repeat(mutation.length)
        if (chosen !== undefined) chosen[0][chosen[1]] = huge
        else if (typeof holder.root === "object" && holder.root !== null) (holder.root as Record<string, unknown>).huge = huge
        break
      }
    }
    let text = holder.root === undefined ? "" : JSON.stringify(holder.root)
    if (mutation?._tag === "Deep") {
      text = text.replace(JSON.stringify(deepMarker), "[".repeat(mutation.depth) + "1" + "]".repeat(mutation.depth))
      broken.push("body: nested too deeply")
    }
    let contentType = "application/json"
    if (mutation?._tag === "NotJson" && text.length > 0) text = text.slice(0, mutation.cut % text.length) + "\u007f"
    if (mutation?._tag === "ContentType") contentType = mutation.value
    body = Buffer.from(text, "utf8")
    headers.push("content-type", contentType)
    // Judged as the server reads it: the text's own depth and strings, then the schema.
    if (mutation?._tag === "NotJson" && text.length > 0) broken.push("body: not JSON")
    // The documents declare JSON bodies as application/json only: any other media type is a 415.
    if (contentType !== "application/json") broken.push(`body: sent as ${contentType}`)
    if (depthOf(holder.root) > Untrusted.maxJsonDepth) broken.push("body: nested too deeply")
    const texts = [
      ...stringPlaces(holder).map(([container, key]) => container[key] as string),
      ...places(holder).flatMap(([, key]) => typeof key === "string" ? [key] : [])
    ]
    const wrong = texts.map(Untrusted.problem).find((problem) => problem !== undefined)
    if (wrong !== undefined) broken.push(`body: ${wrong}`)
    if (broken.every((reason) => !reason.startsWith("body"))) {
      // (The text is valid JSON here, nested within the limit.)
      const problem = decodes(op.payload.schema, text === "" ? null : JSON.parse(text))
      if (problem !== undefined) broken.push(`body: ${problem}`)
    }
  }

  // Headers: the generated ones (the project host's `Host` is left to the client), then the credential.
  const generated: Record<string, string | undefined> = { ...plan.headers }
  // Sanity's project host names its project by header or by Host (which is the test server's own
  // here): the header is always sent, naming a project the server answered two times in three.
  if (op.headersSchema !== undefined && "x-sanity-project-id" in (op.headersSchema as unknown as Schema.Struct<Schema.Struct.Fields>).fields) {
    const projects = known.candidates("projectId")
    const value = projects.length > 0 && plan.aim % 3 !== 0 ? projects[plan.aim % projects.length]! : generated["x-sanity-project-id"] ?? ""
    generated["x-sanity-project-id"] = value
    if (value.trim() === "") broken.push("headers: no project named")
  }
  for (const [name, value] of Object.entries(generated)) {
    // (An `Authorization` header a route declares is the credential's, sent below.)
    if (name.toLowerCase() === "host" || name.toLowerCase() === "authorization" || value === undefined) continue
    headers.push(name, value)
  }
  const credential = (secret: string) =>
    op.credential._tag === "Header" || op.credential._tag === "Open"
      ? [op.credential.name, secret]
      : ["authorization", `Bearer ${secret}`]
  switch (plan.credential) {
    case "own":
      headers.push(...credential(credentials.own))
      break
    case "other":
      headers.push(...credential(credentials.other))
      break
    case "unknown":
      headers.push(...credential("not-a-credential"))
      if (op.credential._tag !== "Open") broken.push("credential: unknown")
      break
    case "none":
      if (op.credential._tag !== "OptionalBearer" && op.credential._tag !== "Open") broken.push("credential: none")
      break
    case "twice":
      headers.push("authorization", `Bearer ${credentials.own}`, "authorization", `Bearer ${credentials.other}`)
      if (op.credential._tag === "Header" || op.credential._tag === "Open") headers.push(...credential(credentials.own))
      broken.push("credential: two Authorization headers")
      break
  }
  if (body !== undefined) headers.push("content-length", String(body.length))
  let contentType: string | undefined
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === "content-type") contentType = headers[i + 1]
  }
  const bodyLimit = Math.max(
    context.maxBodyBytes,
    context.largerBodies?.({ method: op.method, url, contentType: contentType ?? "" }) ?? 0
  )
  if (body !== undefined && body.length > bodyLimit) broken.push(`body: ${body.length} bytes`)
  return {
    method: op.method,
    url,
    headers,
    body,
    verdict: !sameRoute ? "unspecified" : broken.length > 0 ? "invalid" : unspecified !== undefined ? "unspecified" : "valid",
    because: broken[0] ?? unspecified,
    listing,
    path,
    sameRoute
  }
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

export interface Answer {
  readonly status: number
  readonly contentType: string
  /** The body, parsed when JSON; undefined when empty or a stream (not read). */
  readonly body: unknown
  readonly text: string
}

const agent = new Http.Agent({ keepAlive: true, maxSockets: 2 })

/** Sends `request` to `baseUrl` over `node:http` (raw headers, so two `Authorization` headers stay two). */
export const send = (baseUrl: string, request: WireRequest): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const base = new URL(baseUrl)
    const outgoing = Http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.url,
        // Raw headers are sent as they are: the Host an HTTP/1.1 server requires is added here.
        headers: ["host", base.host, ...request.headers],
        agent
      },
      (incoming) => {
        const contentType = String(incoming.headers["content-type"] ?? "")
        // An event stream lasts as long as its job: its headers are the answer.
        if (contentType.startsWith("text/event-stream")) {
          incoming.destroy()
          resolve({ status: incoming.statusCode ?? 0, contentType, body: undefined, text: "" })
          return
        }
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("error", reject)
        incoming.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          let body: unknown = undefined
          if (text !== "") {
            try {
              body = JSON.parse(text)
            } catch {
              body = text
            }
          }
          resolve({ status: incoming.statusCode ?? 0, contentType, body, text })
        })
      }
    )
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`no answer in 30 s: ${request.method} ${request.url}`)))
    outgoing.on("error", reject)
    outgoing.end(request.body)
  })

// ---------------------------------------------------------------------------------------------
// Judging an answer
// ---------------------------------------------------------------------------------------------

/**
 * What is wrong with `answer` to a request of `op`, if anything: a status the endpoint does not
 * declare (the refusals every endpoint may answer aside), or a body its status's schema refuses.
 */
export const undeclared = (op: Operation, refusals: ContractDocument.Refusals, answer: Answer): string | undefined => {
  const declared = op.answers.has(answer.status)
  const mediaRefusal = answer.status === 415 && !declared && op.payload !== undefined ? refusals.unsupportedMediaType : undefined
  const schema: AnySchema | undefined = answer.status === 400
    ? refusals.badRequest as AnySchema
    : answer.status === 413 && !declared
    ? refusals.payloadTooLarge as AnySchema
    : mediaRefusal !== undefined
    ? mediaRefusal as AnySchema
    : op.answers.get(answer.status)
  if (!declared && answer.status !== 400 && answer.status !== 413 && mediaRefusal === undefined) {
    return `status ${answer.status} is not declared`
  }
  if (answer.contentType.startsWith("text/event-stream")) return undefined
  if (schema === undefined || answer.status === 204) {
    return answer.text === "" ? undefined : `status ${answer.status} declares no body, got ${answer.text.slice(0, 200)}`
  }
  const problem = Schema.decodeUnknownEither(schema)(answer.body)
  return Either.isLeft(problem)
    ? `the body does not decode with the schema of ${answer.status}: ${ParseResult.TreeFormatter.formatErrorSync(problem.left).slice(0, 1500)}`
    : undefined
}
