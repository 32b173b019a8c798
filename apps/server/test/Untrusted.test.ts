/**
 * Text the server never accepts, refused at the door with a 400 in the dialect's own format, on
 * every dialect, both routers and both backends (issue 14: U+0000 answered 500 on PostgreSQL, lone
 * surrogates were acknowledged then read back altered, deep JSON overflowed the stack); and what
 * was refused changed nothing stored.
 */
import { IndreamErrors } from "@projectkit/indream"
import * as fc from "fast-check"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Untrusted from "../src/internal/untrusted.js"
import * as Net from "node:net"
import { createOrganization, request, TestServer, layer as testServer } from "./support/TestServer.js"

/** Sends `text` as it is on a new connection and answers everything the server wrote back. */
const raw = (port: number, text: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = Net.connect(port, "127.0.0.1", () => socket.end(text))
    let answer = ""
    socket.on("data", (chunk) => answer += chunk.toString("utf8"))
    socket.on("end", () => resolve(answer))
    socket.on("error", reject)
  })

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

describe("Untrusted", () => {
  describe("checkUrl", () => {
    it("lets plain and well-encoded URLs through", () => {
      expect(Untrusted.checkUrl("/sync/v2/projects?limit=5")).toBeUndefined()
      expect(Untrusted.checkUrl("/sync/v2/projects?searchQuery=%F0%9F%98%80%20x")).toBeUndefined()
    })
    it("refuses U+0000 in the path or a query parameter, and bytes that are not UTF-8", () => {
      expect(Untrusted.checkUrl("/sync/v2/projects/a%00b")?.message).toBe("The path must not contain U+0000")
      expect(Untrusted.checkUrl("/x?searchQuery=%00")?.message).toBe(`The query parameter "searchQuery" must not contain U+0000`)
      expect(Untrusted.checkUrl("/x/%ED%A0%80")?.message).toBe("The path is not valid percent-encoded UTF-8")
    })
  })

  describe("parseJson", () => {
    it("parses ordinary documents, pairs of surrogates (emoji) included", () => {
      expect(Untrusted.parseJson(`{"name":"x\\ud83d\\ude00y"}`)).toEqual(Either.right({ name: "x😀y" }))
      expect(Untrusted.parseJson(deep(Untrusted.maxJsonDepth))).toSatisfy(Either.isRight)
      // Brackets inside strings do not count, escaped quotes do not end a string.
      expect(Untrusted.parseJson(JSON.stringify({ a: "[".repeat(500) + `\\"{` }))).toSatisfy(Either.isRight)
    })
    it("refuses U+0000 and lone surrogates wherever they are, naming where", () => {
      expect(Untrusted.parseJson(`{"a":[{"b":"x\\u0000"}]}`)).toEqual(Either.left({ message: "a.0.b: must not contain U+0000" }))
      expect(Untrusted.parseJson(`{"a":"\\udc00"}`)).toEqual(
        Either.left({ message: "a: must be valid Unicode (it contains a lone surrogate)" })
      )
      expect(Untrusted.parseJson(`{"a\\ud800":1}`)).toEqual(
        Either.left({ message: "A property name in the body must be valid Unicode (it contains a lone surrogate)" })
      )
      // An escaped backslash before "u0000" is text, not an escape.
      expect(Untrusted.parseJson(`{"a":"\\\\u0000"}`)).toEqual(Either.right({ a: "\\u0000" }))
    })
    it("refuses documents nested deeper than the limit before parsing them, and tells non-JSON apart", () => {
      expect(Untrusted.parseJson(deep(Untrusted.maxJsonDepth + 1))).toEqual(
        Either.left({ message: `The request body nests deeper than ${Untrusted.maxJsonDepth} levels` })
      )
      expect(Untrusted.parseJson(deep(100_000))).toSatisfy(Either.isLeft)
      expect(Untrusted.parseJson("{nope")).toEqual(Either.left("NotJson"))
      // A string ending in an escaped backslash ends there: the brackets after it count.
      expect(Untrusted.parseJson(`["x\\\\",${deep(Untrusted.maxJsonDepth)}]`)).toEqual(
        Either.left({ message: `The request body nests deeper than ${Untrusted.maxJsonDepth} levels` })
      )
      expect(Untrusted.parseJson(`["x\\\\",${deep(Untrusted.maxJsonDepth - 1)}]`)).toSatisfy(Either.isRight)
    })
    it("refuses a document exactly when it nests deeper than the limit, whatever its strings hold", () => {
      const depthOf = (value: unknown): number =>
        typeof value === "object" && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0
      const text = fc.string({ unit: fc.constantFrom("[", "]", "{", "}", "\"", "\\", "a", "\u00e9") })
      const value = fc.letrec((tie) => ({
        node: fc.oneof({ depthSize: "small" }, text, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(text, tie("node"), { maxKeys: 3 }))
      })).node
      fc.assert(
        fc.property(value, fc.nat(Untrusted.maxJsonDepth + 2), (inner, wrap) => {
          const document = { value: inner }
          let wrapped: unknown = document
          for (let i = 0; i < wrap; i++) wrapped = [wrapped]
          const refused = Either.isLeft(Untrusted.parseJson(JSON.stringify(wrapped)))
          expect(refused).toBe(depthOf(wrapped) > Untrusted.maxJsonDepth)
        }),
        { numRuns: 300 }
      )
    })
  })

  describe("JsonSource", () => {
    const sourceOf = (text: string) => {
      const parsed = Untrusted.parseJsonWithSource(text)
      if (Either.isLeft(parsed)) throw new Error(`refused: ${JSON.stringify(parsed.left)}`)
      return parsed.right.source
    }
    it("gives the text of a top-level member's object or array value, as sent", () => {
      const text = ` { "a" : 1, "state":{ "x" : [1, {"y":"}"}] } ,"list" :[ 2 ,3 ], "s": "{not}" }`
      expect(sourceOf(text).memberText("state")).toBe(`{ "x" : [1, {"y":"}"}] }`)
      expect(sourceOf(text).memberText("list")).toBe(`[ 2 ,3 ]`)
      // Scalars, strings that look like objects, nested keys and absent names: none.
      for (const name of ["a", "s", "x", "y", "nope"]) expect(sourceOf(text).memberText(name)).toBeUndefined()
    })
    it("follows JSON.parse: a repeated name is its last occurrence, escaped names are read, a root array has no members", () => {
      expect(sourceOf(`{"a":{"first":1},"a":{"last":2}}`).memberText("a")).toBe(`{"last":2}`)
      expect(sourceOf(`{"a":{"first":1},"a":3}`).memberText("a")).toBeUndefined()
      expect(sourceOf(`{"\\u0061":[1],"b\\"c":{"d":1}}`).memberText("a")).toBe("[1]")
      expect(sourceOf(`{"\\u0061":[1],"b\\"c":{"d":1}}`).memberText(`b"c`)).toBe(`{"d":1}`)
      expect(sourceOf(`[{"a":{"b":1}}]`).memberText("a")).toBeUndefined()
      expect(sourceOf(`["a", {"b": 1}]`).memberText("a")).toBeUndefined()
    })
    it("gives, for any object, member texts that parse to the members' values, however the document is spaced", () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(undefined, 1, 2, "\t"), (document, space) => {
          const text = JSON.stringify(document, null, space)
          const source = sourceOf(text)
          // What JSON.parse reads is what the member texts must give (-0 is written as 0).
          for (const [name, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
            const member = source.memberText(name)
            if (typeof value === "object" && value !== null) expect(JSON.parse(member!)).toEqual(value)
            else expect(member).toBeUndefined()
          }
        }),
        { numRuns: 300 }
      )
    })
  })
})

const json = (headers: Record<string, string>, body: string) => ({
  method: "POST",
  headers: { ...headers, "content-type": "application/json" },
  body
})

for (const router of ["compiled", "platform"] as const) {
  layer(testServer(router === "platform" ? { compiledRoutes: false } : {}))(`refused at the door (${router} routes)`, (it) => {
    it.effect("every dialect answers 400 in its own format, and nothing is stored", () =>
      Effect.gen(function*() {
        const org = yield* createOrganization(`untrusted-${router}`)
        const sync = { "x-api-key": org.credentials.sync.apiKey }
        const indream = { "x-api-key": org.credentials.indream.apiKey }
        const sanity = { authorization: `Bearer ${org.credentials.sanity.token}` }

        // sync.so's coded 400 (its field, when one is at fault, aside).
        const syncRefusal = (message: string) =>
          expect.objectContaining({ statusCode: 400, message, errorCode: "invalid_request", suggestion: expect.any(String) })
        const cases: Array<readonly [string, RequestInit, unknown]> = [
          ["/sync/v2/projects/a%00b", { headers: sync }, syncRefusal("The path must not contain U+0000")],
          ["/sync/v2/projects?searchQuery=%00", { headers: sync }, syncRefusal(`The query parameter "searchQuery" must not contain U+0000`)],
          ["/sync/v2/projects", json(sync, `{"name":"a\\u0000b"}`), syncRefusal("name: must not contain U+0000")],
          ["/sync/v2/projects", json(sync, `{"name":"x\\ud800y"}`), syncRefusal("name: must be valid Unicode (it contains a lone surrogate)")],
          ["/sync/v2/projects", json(sync, deep(100_000)), syncRefusal("The request body nests deeper than 100 levels")],
          ["/indream/v1/projects", json(indream, `{"title":"t","editorState":${deep(4_100)}}`),
            IndreamErrors.table.body(400, "The request body nests deeper than 100 levels")],
          ["/indream/v1/projects/a%00b", { headers: indream }, IndreamErrors.table.body(400, "The path must not contain U+0000")],
          ["/sanity/v2021-06-07/projects", json(sanity, `{"displayName":"x","metadata":{"deep":${deep(4_100)}}}`), {
            statusCode: 400,
            error: "Bad Request",
            message: "The request body nests deeper than 100 levels"
          }],
          ["/sanity/v2021-06-07/projects", json(sanity, `{"displayName":"a\\u0000"}`), {
            statusCode: 400,
            error: "Bad Request",
            message: "displayName: must not contain U+0000"
          }]
        ]
        for (const [path, init, body] of cases) {
          const answer = yield* request(path, init)
          expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 400, body })
        }
        // Two Authorization headers (fetch would join them into one): which one counts is ambiguous,
        // so neither does.
        const { baseUrl } = yield* TestServer
        const twice = yield* Effect.promise(() =>
          raw(
            Number(new URL(baseUrl).port),
            `GET /sanity/v2021-06-07/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${org.credentials.sanity.token}\r\n` +
              "Authorization: Bearer other\r\nConnection: close\r\n\r\n"
          )
        )
        expect(twice).toMatch(/^HTTP\/1\.1 400 /)
        expect(twice).toContain(`"message":"Send one Authorization header, not several"`)
        // A refused value is echoed cut, not whole (a 15 MB name made a 15 MB error body).
        const huge = yield* request("/sync/v2/projects", json(sync, JSON.stringify({ name: "ok", visibility: "x".repeat(200_000) })))
        expect(huge.status).toBe(400)
        expect(JSON.stringify(huge.body).length).toBeLessThan(1_000)
        expect((huge.body as { message: string }).message).toContain("(200000 characters)")
        // Refused means nothing was stored, and every list still reads.
        expect((yield* request("/sync/v2/projects", { headers: sync })).body).toEqual({ items: [] })
        expect((yield* request("/indream/v1/projects", { headers: indream })).body).toMatchObject({ data: [] })
        expect((yield* request("/sanity/v2021-06-07/projects", { headers: sanity })).status).toBe(200)
        // What is valid still goes through: an emoji is a surrogate pair, not a lone surrogate.
        const created = yield* request("/sync/v2/projects", json(sync, `{"name":"x\\ud83d\\ude00y"}`))
        expect(created).toMatchObject({ status: 201, body: { name: "x😀y" } })
        const read = yield* request(`/sync/v2/projects/${(created.body as { id: string }).id}`, { headers: sync })
        expect(read.body).toMatchObject({ name: "x😀y" })
      }))
  })
}
