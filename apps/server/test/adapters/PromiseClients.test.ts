/**
 * Every adapter's Promise client against the reference server, held to the Promise client contract
 * (`@projectkit/core/PromiseClientSuite`); their own calls are tested in `<Provider>Promise.test.ts`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { suite } from "@projectkit/core/PromiseClientSuite"
import { createIndreamClient, IndreamClient } from "@projectkit/indream"
import { createSanityClient, SanityClient } from "@projectkit/sanity"
import { createSyncClient, SyncClient } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import { useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const url = (prefix: string) => `${server().url}/${prefix}`

/** The Effect service a Promise face mirrors, and the neutral projects the adapter builds from it. */
const mirrored = <S extends object>(make: Effect.Effect<S, never, HttpClient.HttpClient>, projects: (service: S) => object) => () =>
  Effect.runPromise(Effect.map(Effect.provide(make, FetchHttpClient.layer), (service) => ({ own: service, projects: projects(service) })))

suite("createSyncClient → reference server", {
  provider: "sync",
  client: () => createSyncClient({ baseUrl: url("sync"), apiKey: server().credentials.sync.apiKey }),
  refused: () => createSyncClient({ baseUrl: url("sync"), apiKey: "sk-wrong" }),
  own: { key: "sync", service: mirrored(SyncClient.make({ apiKey: "k" }), SyncClient.makeProjects) }
})

suite("createIndreamClient → reference server", {
  provider: "indream",
  client: () => createIndreamClient({ baseUrl: url("indream"), apiKey: server().credentials.indream.apiKey }),
  refused: () => createIndreamClient({ baseUrl: url("indream"), apiKey: "wrong-key" }),
  own: { key: "indream", service: mirrored(IndreamClient.make({ apiKey: "k" }), IndreamClient.makeProjects) }
})

suite("createSanityClient → reference server", {
  provider: "sanity",
  client: () => createSanityClient({ baseUrl: url("sanity"), token: server().credentials.sanity.token }),
  refused: () => createSanityClient({ baseUrl: url("sanity"), token: "wrong-token" }),
  own: { key: "sanity", service: mirrored(SanityClient.make({ token: "t" }), SanityClient.makeProjects) }
})
