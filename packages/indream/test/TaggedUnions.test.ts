/**
 * The v1 schema with its tagged `oneOf`s as dispatches on their tag (the validator's fast check)
 * against the v1 schema as published: the unions it rewrites, the same answer on every official
 * example and on states broken anywhere, and a union it must leave alone.
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import * as AjvFormats from "ajv-formats"
import * as fc from "fast-check"
import { editorStateSchemaV1 } from "../src/internal/editorStateSchema.js"
import * as TaggedUnions from "../src/internal/taggedUnions.js"
import { examples } from "./support/indreamDocuments.js"

const compile = (schema: object) => {
  const ajv = new Ajv({ allErrors: false, strict: false })
  AjvFormats.default.default(ajv)
  return ajv.compile(schema)
}

const dispatched = TaggedUnions.dispatchTaggedUnions(editorStateSchemaV1)
const fast = compile(dispatched)
const official = compile(editorStateSchemaV1)

type Json = { [key: string]: unknown }
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

/** Every place a value sits in `value`: its container and key. */
const places = (value: unknown, found: Array<{ container: Json | Array<unknown>; key: string | number }> = []) => {
  if (Array.isArray(value)) {
    value.forEach((each, index) => {
      found.push({ container: value, key: index })
      places(each, found)
    })
  } else if (isObject(value)) {
    for (const [key, each] of Object.entries(value)) {
      found.push({ container: value, key })
      places(each, found)
    }
  }
  return found
}

/** The `type` and `chartType` values the schema names: replacements that switch an item's kind. */
const kinds = ["image", "video", "gif", "lottie", "audio", "text", "text-template", "captions", "solid", "illustration", "effect", "filter", "chart", "bar", "line", "pie", "scatter", "none", "color", "uploaded", "pending-upload", "error"]

describe("TaggedUnions", () => {
  it("rewrites the kinds of items, assets, charts, backgrounds, upload states and template nodes, and nothing else", () => {
    const unions = (node: unknown, path = "", found: Array<string> = []): Array<string> => {
      if (Array.isArray(node)) node.forEach((each, index) => unions(each, `${path}/${index}`, found))
      else if (isObject(node)) {
        for (const [key, each] of Object.entries(node)) {
          if (key === "oneOf") found.push(path)
          unions(each, `${path}/${key}`, found)
        }
      }
      return found
    }
    expect(unions(editorStateSchemaV1)).toHaveLength(12)
    // What is left: the unions whose branches no property tells apart (null or an object, …).
    expect(unions(dispatched)).toEqual([
      "/definitions/primitive",
      "/definitions/textItem/allOf/1/properties/background",
      "/definitions/captionsItem/allOf/1/properties/background",
      "/definitions/brandRuntime",
      "/definitions/assetUploadState/allOf/0/allOf/3/then/properties/error",
      "/definitions/textTemplateTextNode/properties/background"
    ])
    const items = (dispatched.properties as Json).items as Json
    expect(items.additionalProperties).toMatchObject({
      allOf: [{ required: ["type"], properties: { type: { enum: expect.arrayContaining(["solid", "chart"]) } } }]
    })
    const chartKinds = ((dispatched.definitions as Json).chartItem as { allOf: Array<unknown> }).allOf[1]
    expect(chartKinds).toMatchObject({ allOf: [{ required: ["chartType"] }] })
    // The published schema itself is untouched.
    expect(JSON.stringify(editorStateSchemaV1)).not.toContain("\"if\"")
  })

  it("answers as the published schema on every official example", () => {
    for (const { file, state } of [...examples("valid"), ...examples("invalid")]) {
      expect({ file, valid: fast(state) }).toEqual({ file, valid: official(state) })
    }
    expect(examples("valid").every(({ state }) => fast(state))).toBe(true)
  })

  it("answers as the published schema on official examples broken in one place", () => {
    const states = examples("valid").map(({ state }) => state)
    fc.assert(
      fc.property(
        fc.nat(states.length - 1),
        fc.nat(),
        fc.oneof(fc.constantFrom(...kinds), fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
        (which, at, replacement) => {
          const state = structuredClone(states[which]) as unknown
          const all = places(state)
          const { container, key } = all[at % all.length]!
          if (replacement === undefined) {
            if (Array.isArray(container)) container.splice(key as number, 1)
            else delete container[key as string]
          } else if (Array.isArray(container)) {
            container[key as number] = replacement
          } else {
            container[key as string] = replacement
          }
          expect(fast(state)).toBe(official(state))
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("leaves a union alone when a branch does not bound the tag", () => {
    const root = {
      oneOf: [
        { type: "object", required: ["type"], properties: { type: { const: "a" } } },
        // `type` is "b" in one member of the anyOf, anything in the other.
        { type: "object", anyOf: [{ properties: { type: { const: "b" } } }, {}] }
      ]
    }
    expect(TaggedUnions.dispatchTaggedUnions(root)).toEqual(root)
    const tagged = { oneOf: [{ properties: { type: { const: "a" } } }, { allOf: [{ $ref: "#/definitions/b" }] }], definitions: { b: { properties: { type: { enum: ["b", "c"] } } } } }
    const rewritten = compile(TaggedUnions.dispatchTaggedUnions(tagged))
    const original = compile(tagged)
    for (const value of [{ type: "a" }, { type: "b" }, { type: "c" }, { type: "d" }, {}, "a", null]) {
      // Never more permissive than the original; here equal except where the tag is missing.
      if (rewritten(value)) expect(original(value)).toBe(true)
    }
    expect([{ type: "a" }, { type: "c" }].map((value) => rewritten(value))).toEqual([true, true])
    expect([{ type: "d" }, {}].map((value) => rewritten(value))).toEqual([false, false])
  })
})
