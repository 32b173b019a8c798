/**
 * Our contract's OpenAPI document against Indream's official one (`openapi.yaml`, read from
 * `../shared/providers/indream/`; missing, the test fails): the same operations (method, path and
 * operationId), the same parameters (name, where, required), the same statuses, the same security.
 * And against a committed snapshot (as `@effect/platform-node`'s own HttpApi test does): any change
 * to the contract is a visible diff in review.
 */
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import { IndreamApi } from "../src/index.js"
import { officialOpenApi } from "./support/indreamDocuments.js"

type Json = { readonly [key: string]: unknown }

const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const field = (value: unknown, key: string): unknown => (isJson(value) ? value[key] : undefined)
const entries = (value: unknown): ReadonlyArray<readonly [string, unknown]> => (isJson(value) ? Object.entries(value) : [])

const methods = ["get", "put", "post", "patch", "delete"] as const

interface Operation {
  readonly key: string
  readonly operationId: unknown
  readonly parameters: ReadonlyArray<string>
  readonly statuses: ReadonlyArray<string>
  readonly hasBody: boolean
  readonly security: ReadonlyArray<string>
}

/** Every operation of `document`, by `METHOD /path`; `$ref` parameters resolved. */
const operations = (document: Json): ReadonlyArray<Operation> => {
  const componentParameters = field(field(document, "components"), "parameters")
  const resolve = (parameter: unknown): unknown => {
    const ref = field(parameter, "$ref")
    return typeof ref === "string" ? field(componentParameters, ref.replace("#/components/parameters/", "")) : parameter
  }
  const globalSecurity = field(document, "security")
  return entries(field(document, "paths")).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = field(item, method)
      if (!isJson(operation)) return []
      const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []).map(resolve).map((parameter) => {
        const where = String(field(parameter, "in"))
        const name = String(field(parameter, "name"))
        // Header names are case-insensitive (the platform declares them lower-case).
        return `${where} ${where === "header" ? name.toLowerCase() : name} ${field(parameter, "required") === true ? "required" : "optional"}`
      })
      const security = operation.security ?? globalSecurity
      return [{
        key: `${method.toUpperCase()} ${path}`,
        operationId: operation.operationId,
        parameters: parameters.sort(),
        statuses: entries(operation.responses).map(([status]) => status).sort(),
        hasBody: operation.requestBody !== undefined,
        security: (Array.isArray(security) ? security : []).flatMap((requirement) => entries(requirement).map(([name]) => name))
      }]
    })
  )
}

/** `name`'s security scheme, as where and what (not by name: the two documents name it differently). */
const scheme = (document: Json, name: string) => {
  const found = field(field(field(document, "components"), "securitySchemes"), name)
  return { type: field(found, "type"), in: field(found, "in"), name: field(found, "name") }
}

const ours = OpenApi.fromApi(IndreamApi.IndreamApi) as unknown as Json

/**
 * What our document may declare beyond the official one, each for a reason the contract's header
 * states: 413 on every operation with a body (the server's body limit) and 400 on the one
 * operation without any input (a request breaking a rule every route holds).
 */
/** The server's own refusals: a body over its limit (413) or in a media type not declared (415). */
const allowedExtraStatuses = (operation: Operation): ReadonlyArray<string> =>
  [...(operation.hasBody ? ["413", "415"] : []), ...(operation.key === "GET /v1/editor/capabilities" ? ["400"] : [])]

describe("IndreamApi against Indream's official openapi.yaml", () => {
  const official = officialOpenApi()
  const theirs = new Map(operations(official).map((operation) => [operation.key, operation]))
  const mine = new Map(operations(ours).map((operation) => [operation.key, operation]))

  it("has the same 19 operations (method and path), each with the document's operationId", () => {
    expect(theirs.size).toBe(19)
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort())
    for (const [key, operation] of theirs) expect({ key, id: mine.get(key)?.operationId }).toEqual({ key, id: operation.operationId })
  })

  it("declares the same parameters: name, where, required", () => {
    for (const [key, operation] of theirs) {
      expect({ key, parameters: mine.get(key)?.parameters }).toEqual({ key, parameters: operation.parameters })
    }
  })

  it("declares every documented status, and beyond them only the server's own refusals", () => {
    for (const [key, operation] of theirs) {
      const declared = mine.get(key)
      const extras = declared === undefined ? [] : allowedExtraStatuses(declared)
      expect({ key, statuses: declared?.statuses.filter((status) => !extras.includes(status)) })
        .toEqual({ key, statuses: operation.statuses })
    }
  })

  it("takes a body exactly where the document does", () => {
    for (const [key, operation] of theirs) expect({ key, body: mine.get(key)?.hasBody }).toEqual({ key, body: operation.hasBody })
  })

  it("secures every operation with the x-api-key header", () => {
    expect(theirs.size).toBeGreaterThan(0)
    for (const [key, operation] of theirs) {
      const official = operation.security.map((name) => scheme(officialOpenApiDocument, name))
      const declared = (mine.get(key)?.security ?? []).map((name) => scheme(ours, name))
      expect({ key, security: declared }).toEqual({ key, security: official })
      expect(official).toEqual([{ type: "apiKey", in: "header", name: "x-api-key" }])
    }
  })

  const officialOpenApiDocument = official
})

describe("IndreamApi", () => {
  it("OpenAPI document matches the committed snapshot", async () => {
    await expect(JSON.stringify(ours, null, 2)).toMatchFileSnapshot("./__snapshots__/indream.openapi.json")
  })
})
