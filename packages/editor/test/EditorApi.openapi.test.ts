/**
 * The editor contract's OpenAPI document against a committed snapshot (as `@effect/platform-node`'s
 * own HttpApi test does): any change to the contract — a route, a field, a status, a description —
 * is a visible diff in review, never a silent one.
 */
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import { EditorApi } from "../src/index.js"

describe("EditorApi", () => {
  it("OpenAPI document matches the committed snapshot", async () => {
    const json = JSON.stringify(OpenApi.fromApi(EditorApi.EditorApi), null, 2)
    await expect(json).toMatchFileSnapshot("./__snapshots__/editor.openapi.json")
  })
})
