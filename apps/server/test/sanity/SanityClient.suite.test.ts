/**
 * The core `Projects` contract, run against `SanityClient` → the reference server over HTTP.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { suite } from "@projectkit/core/test-suite"
import { SanityClient } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeSanityOrg } from "../support/SanityOrg.js"
import { layer as testServer, TestServer } from "../support/TestServer.js"

const projects = Layer.unwrapEffect(
  Effect.gen(function*() {
    const { baseUrl } = yield* TestServer
    const org = yield* makeSanityOrg("contract suite")
    return SanityClient.layer({ token: org.token, baseUrl: `${baseUrl}/sanity` })
  })
).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(testServer()))

suite("SanityClient → reference server", projects)
