/**
 * The sync.so contract as an OpenAPI document, compared with the committed snapshot (as
 * `@effect/platform-node`'s own HttpApi test does): any change to the contract — a route, a
 * schema, an error, a status — is a visible diff in review, never a silent one.
 */
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import { SyncApi } from "../src/index.js"

describe("SyncApi", () => {
  it("its OpenAPI document is the committed one", async () => {
    const json = JSON.stringify(OpenApi.fromApi(SyncApi.SyncApi), null, 2)
    await expect(json).toMatchFileSnapshot("./__snapshots__/sync.openapi.json")
  })
})
