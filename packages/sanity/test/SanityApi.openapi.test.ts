/**
 * The OpenAPI document of the Sanity contract, compared with the committed one (as
 * `@effect/platform-node`'s own HttpApi test does): a change to the contract is always a visible
 * diff in `__snapshots__/sanity.openapi.json`, to be made on purpose and explained.
 */
import * as OpenApi from "@effect/platform/OpenApi"
import { describe, expect, it } from "@effect/vitest"
import * as SanityApi from "../src/SanityApi.js"

describe("SanityApi", () => {
  it("its OpenAPI document is the committed one", async () => {
    const json = `${JSON.stringify(OpenApi.fromApi(SanityApi.SanityApi), null, 2)}\n`
    await expect(json).toMatchFileSnapshot("./__snapshots__/sanity.openapi.json")
  })
})
