/**
 * Organizations on the test server for the Indream dialect, called over raw HTTP (`x-api-key`),
 * and Indream's official documents (openapi.yaml, the example editor states), read as the
 * package's tests read them.
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { createOrganization, request, TestServer } from "../support/TestServer.js"

export { examples, indreamDirectory, officialOpenApi } from "../support/IndreamDocuments.js"

/** `effect` again every 25 ms until `check` accepts what it answers (for 5 s at most). */
export const eventually = <A, R>(effect: Effect.Effect<A, never, R>, check: (a: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(check, () => "not yet" as const),
    Effect.retry(Schedule.spaced("25 millis").pipe(Schedule.upTo("5 seconds"))),
    Effect.orDie
  )

export interface IndreamOrg {
  readonly id: string
  readonly apiKey: string
  readonly webhookSecret: string
}

/** A new organization on the test server, with its Indream key. */
export const makeIndreamOrg = (name: string) =>
  Effect.map(createOrganization(name), (org): IndreamOrg => ({
    id: org.id,
    apiKey: org.credentials.indream.apiKey,
    webhookSecret: org.webhookSecret
  }))

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/** The value at `path` in an answer's body (undefined where there is none). */
export const at = (answer: Answer, ...path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>(
    (value, key) => (typeof value === "object" && value !== null ? (value as Record<string | number, unknown>)[key] : undefined),
    answer.body
  )

/** The text at `path` in an answer's body; fails the test when it is not text. */
export const textAt = (answer: Answer, ...path: ReadonlyArray<string | number>): string => {
  const value = at(answer, ...path)
  if (typeof value !== "string") throw new Error(`expected text at ${path.join(".")} in ${JSON.stringify(answer.body)}`)
  return value
}

/** A raw request under `/indream` with the organization's key; a JSON body unless told otherwise. */
export const call = (
  org: IndreamOrg | undefined,
  method: string,
  path: string,
  init: { readonly json?: unknown; readonly body?: Uint8Array | string; readonly headers?: Record<string, string> } = {}
): Effect.Effect<Answer, never, TestServer> =>
  request(`/indream${path}`, {
    method,
    headers: {
      ...(org === undefined ? {} : { "x-api-key": org.apiKey }),
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.body !== undefined ? { body: init.body } : {})
  })

/** Grants or withdraws the organization's runtime access through the control plane. */
export const setRuntimeAccess = (org: IndreamOrg, enabled: boolean) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const updated = yield* request(`/__projectkit/orgs/${org.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ indreamRuntimeAccess: enabled })
    })
    if (updated.status !== 200) return yield* Effect.dieMessage(`could not change runtime access: ${updated.status}`)
  })
