/**
 * The core `Projects` contract, run against `SyncClient` → the reference server over HTTP.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { suite } from "@projectkit/core/test-suite"
import { SyncClient } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeSyncOrg } from "../support/SyncOrg.js"
import { layer as testServer, TestServer } from "../support/TestServer.js"

const projects = Layer.unwrapEffect(
  Effect.gen(function*() {
    const { baseUrl } = yield* TestServer
    const org = yield* makeSyncOrg("contract suite")
    return SyncClient.layer({ apiKey: org.apiKey, baseUrl: `${baseUrl}/sync` })
  })
).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(testServer()))

suite("SyncClient → reference server", projects)
