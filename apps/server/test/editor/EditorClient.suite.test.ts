/**
 * The core `Projects` contract, run against `EditorClient` → the reference server over HTTP.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { suite } from "@projectkit/core/test-suite"
import { EditorClient } from "@projectkit/editor"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeEditorOrg } from "../support/EditorOrg.js"
import { layer as testServer, TestServer } from "../support/TestServer.js"

const projects = Layer.unwrapEffect(
  Effect.gen(function*() {
    const { baseUrl } = yield* TestServer
    const org = yield* makeEditorOrg("contract suite")
    return EditorClient.layer({ apiKey: org.apiKey, baseUrl: `${baseUrl}/editor` })
  })
).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(testServer()))

suite("EditorClient → reference server", projects)
