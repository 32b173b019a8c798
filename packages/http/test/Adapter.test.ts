import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Adapter from "../src/Adapter.js"
import * as ErrorTable from "../src/ErrorTable.js"
import * as WireError from "../src/WireError.js"

class Missing extends WireError.Class<Missing>("test/Missing")(404, { statusCode: Schema.Literal(404), message: Schema.String }) {}
class Refused extends WireError.Class<Refused>("test/Refused")(403, { statusCode: Schema.Literal(403), message: Schema.String }) {}

type ByTag = ErrorTable.ByTag<Missing | Refused> & { readonly NotFound: Missing }
const table = ErrorTable.make<Missing | Refused, ProjectsError.NotFound | ProjectsError.Forbidden, ByTag>({
  provider: "test",
  classes: [Missing, Refused],
  toCore: (error, subject) =>
    error instanceof Missing
      ? new ProjectsError.NotFound({ resource: subject.resource, id: subject.id ?? "" })
      : new ProjectsError.Forbidden({ reason: "Other", description: error.message }),
  fromCore: <E extends ProjectsError.ProjectsError>(error: E) =>
    (error._tag === "NotFound"
      ? new Missing({ statusCode: 404, message: `${error.resource} ${error.id} not found` })
      : new Refused({ statusCode: 403, message: error.message })) as ByTag[E["_tag"]],
  body: (status, message) => ({ statusCode: status, message })
})
const call = Adapter.call(table)

describe("Adapter", () => {
  it.effect("call: a wire error becomes the core error naming the subject", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(call({ resource: "project", id: "p1" }, Effect.fail(new Missing({ statusCode: 404, message: "x" }))))
      expect(error).toEqual(new ProjectsError.NotFound({ resource: "project", id: "p1" }))
      const refused = yield* Effect.flip(call({ resource: "project" }, Effect.fail(new Refused({ statusCode: 403, message: "no" }))))
      expect(refused._tag).toBe("Forbidden")
    }))

  it.effect("call: no response at all is a ProviderFailure with status 0; anything else unknown is a defect", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.get("http://127.0.0.1:9/")
      const error = yield* Effect.flip(
        call({ resource: "project" }, Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport" })))
      )
      expect(error).toMatchObject({ _tag: "ProviderFailure", provider: "test", status: 0 })
      const exit = yield* Effect.exit(call({ resource: "project" }, Effect.fail("surprise")))
      expect(Exit.isFailure(exit) && Exit.causeOption(exit).pipe((c) => c._tag === "Some")).toBe(true)
      expect(Exit.isFailure(exit) ? exit.cause._tag : "").toBe("Die")
    }))

  it("fromCore: the wire error answering a core error", () => {
    const wire: Missing = table.fromCore(new ProjectsError.NotFound({ resource: "project", id: "p1" }))
    expect(wire).toEqual(new Missing({ statusCode: 404, message: "project p1 not found" }))
    expect(ErrorTable.isWire(table, wire)).toBe(true)
    expect(ErrorTable.isWire(table, { statusCode: 404, message: "project p1 not found" })).toBe(false)
  })

  it.effect("call: a success passes through", () =>
    Effect.map(call({ resource: "project" }, Effect.succeed(42)), (value) => expect(value).toBe(42)))

  it.effect("pages: every item of every page, fetched as pulled, stopping at the last page", () =>
    Effect.gen(function*() {
      const fetched: Array<string | undefined> = []
      const all = ["a", "b", "c", "d", "e"]
      const stream = Adapter.pages((cursor) =>
        Effect.sync(() => {
          fetched.push(cursor)
          const start = cursor === undefined ? 0 : Number(cursor)
          const next = start + 2
          return { items: all.slice(start, next), nextCursor: next < all.length ? String(next) : null }
        })
      )
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(stream, 2)))).toEqual(["a", "b"])
      expect(fetched).toEqual([undefined])
      fetched.length = 0
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(stream))).toEqual(all)
      expect(fetched).toEqual([undefined, "2", "4"])
    }))

  it("defined: leaves out undefined entries and keeps null, false, 0 and ''", () => {
    expect(Adapter.defined({ a: undefined, b: null, c: false, d: 0, e: "" })).toEqual({ b: null, c: false, d: 0, e: "" })
    expect(Object.keys(Adapter.defined({ a: undefined }))).toEqual([])
  })

  it("secret: the text of a plain or redacted credential", () => {
    expect(Adapter.secret("k")).toBe("k")
    expect(Adapter.secret(Redacted.make("k"))).toBe("k")
  })
})
