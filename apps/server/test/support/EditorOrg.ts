/**
 * Organizations on the test server, each with an `EditorClient` holding its own bearer key.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as Retry from "@projectkit/core/Retry"
import { EditorClient } from "@projectkit/editor"
import * as Effect from "effect/Effect"
import { createOrganization, request, TestServer } from "./TestServer.js"

export interface EditorOrg {
  readonly id: string
  readonly apiKey: string
  readonly webhookSecret: string
  readonly client: EditorClient.EditorClientService
}

export const editorClientFor = (apiKey: string, retryPolicy?: Retry.RetryPolicy) =>
  Effect.flatMap(TestServer, ({ baseUrl }) =>
    EditorClient.make({ apiKey, baseUrl: `${baseUrl}/editor`, retryPolicy }).pipe(Effect.provide(FetchHttpClient.layer)))

/** A new organization on the test server, and a client for it. */
export const makeEditorOrg = (name: string, retryPolicy?: Retry.RetryPolicy) =>
  Effect.gen(function*() {
    const org = yield* createOrganization(name)
    const client = yield* editorClientFor(org.credentials.editor.apiKey, retryPolicy)
    return { id: org.id, apiKey: org.credentials.editor.apiKey, webhookSecret: org.webhookSecret, client } satisfies EditorOrg
  })

/** Grants or withdraws the organization's runtime OpenAPI access through the control plane. */
export const setRuntimeAccess = (org: EditorOrg, enabled: boolean) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const updated = yield* request(`/__projectkit/orgs/${org.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ editorRuntimeAccess: enabled })
    })
    if (updated.status !== 200) return yield* Effect.dieMessage(`could not change runtime access: ${updated.status}`)
  })

/** A raw request with an organization's key, for what the typed client cannot send. */
export const rawEditor = (
  org: EditorOrg,
  path: string,
  init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {}
) =>
  request(`/editor${path}`, {
    ...(init.method === undefined ? {} : { method: init.method }),
    ...(init.body === undefined ? {} : { body: init.body }),
    headers: { authorization: `Bearer ${org.apiKey}`, "content-type": "application/json", ...init.headers }
  })
