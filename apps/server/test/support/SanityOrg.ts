/**
 * Organizations on the test server for the Sanity dialect, each member with a bearer token of
 * their own (and a role) and a `SanityClient` holding it.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { SanityClient } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import { createOrganization, request, TestServer } from "./TestServer.js"

export type SanityRole = "administrator" | "developer" | "editor" | "viewer"

export interface SanityOrg {
  readonly id: string
  readonly token: string
  readonly client: SanityClient.SanityClientService
}

/** A `SanityClient` with `token` against the test server. */
export const sanityClient = (token: string, apiVersion?: string) =>
  Effect.flatMap(TestServer, ({ baseUrl }) =>
    SanityClient.make({ token, baseUrl: `${baseUrl}/sanity`, apiVersion }).pipe(Effect.provide(FetchHttpClient.layer)))

/** A new organization on the test server; its first user administers its Sanity projects. */
export const makeSanityOrg = (name: string) =>
  Effect.gen(function*() {
    const org = yield* createOrganization(name)
    const token = org.credentials.sanity.token
    return { id: org.id, token, client: yield* sanityClient(token) } satisfies SanityOrg
  })

/** Another user of `org`, with `role` in its Sanity projects. */
export const addSanityMember = (org: SanityOrg, role: SanityRole) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const created = yield* request(`/__projectkit/orgs/${org.id}/members?sanityRole=${role}`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` }
    })
    if (created.status !== 201) return yield* Effect.dieMessage(`could not add a member: ${created.status}`)
    const member = created.body as { userId: string; sanityRole: string; credentials: { sanity: { token: string } } }
    const token = member.credentials.sanity.token
    return { id: org.id, token, userId: member.userId, role: member.sanityRole, client: yield* sanityClient(token) }
  })

/** Turns features of `org`'s Sanity plan on or off through the control plane (`sanityFeature.<name>` switches); answers its settings. */
export const setSanityFeatures = (org: { readonly id: string }, features: Readonly<Record<string, boolean>>) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const body = Object.fromEntries(Object.entries(features).map(([feature, on]) => [`sanityFeature.${feature}`, on]))
    const updated = yield* request(`/__projectkit/orgs/${org.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    if (updated.status !== 200) return yield* Effect.dieMessage(`could not change the plan: ${updated.status} ${JSON.stringify(updated.body)}`)
    return updated.body as Readonly<Record<string, unknown>>
  })
