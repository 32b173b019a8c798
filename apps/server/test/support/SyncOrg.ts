/**
 * Organizations on the test server, each with a `SyncClient` holding its own key.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { SyncClient } from "@projectkit/sync"
import type * as Retry from "@projectkit/core/Retry"
import * as Effect from "effect/Effect"
import { createOrganization, request, TestServer } from "./TestServer.js"

export interface SyncOrg {
  readonly id: string
  readonly apiKey: string
  readonly webhookSecret: string
  readonly client: SyncClient.SyncClientService
}

const clientFor = (apiKey: string, retryPolicy?: Retry.RetryPolicy) =>
  Effect.flatMap(TestServer, ({ baseUrl }) =>
    SyncClient.make({ apiKey, baseUrl: `${baseUrl}/sync`, retryPolicy }).pipe(Effect.provide(FetchHttpClient.layer)))

/** Another user of `org`, with a key and a client of their own. */
export const addSyncMember = (org: SyncOrg) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const created = yield* request(`/__projectkit/orgs/${org.id}/members`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` }
    })
    if (created.status !== 201) return yield* Effect.dieMessage(`could not add a member: ${created.status}`)
    const { apiKey } = (created.body as { credentials: { sync: { apiKey: string } } }).credentials.sync
    return { ...org, apiKey, client: yield* clientFor(apiKey) } satisfies SyncOrg
  })

/** A new organization on the test server, and a client for it. */
export const makeSyncOrg = (name: string, retryPolicy?: Retry.RetryPolicy) =>
  Effect.gen(function*() {
    const org = yield* createOrganization(name)
    const client = yield* clientFor(org.credentials.sync.apiKey, retryPolicy)
    return { id: org.id, apiKey: org.credentials.sync.apiKey, webhookSecret: org.webhookSecret, client } satisfies SyncOrg
  })
