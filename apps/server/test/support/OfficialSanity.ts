/**
 * Sanity's official client, `@sanity/client`, configured as a user would for the test server, and
 * what its tests need to read its promises and refusals inside Effect.
 */
import { ClientError, createClient } from "@sanity/client"
import * as Effect from "effect/Effect"
import { TestServer } from "./TestServer.js"

/** `@sanity/client` as a user configures it for this server. */
export const official = (token: string, projectId: string, apiVersion = "2021-06-07") =>
  Effect.map(TestServer, ({ baseUrl }) =>
    createClient({
      projectId,
      apiHost: `${baseUrl}/sanity`,
      useProjectHostname: false,
      apiVersion,
      token,
      useCdn: false
    }))

/** The promise's value. */
export const call = <A>(promise: () => Promise<A>) => Effect.promise(promise)

/** The promise's rejection, which must be the client's own `ClientError`. */
export const refusal = (promise: () => Promise<unknown>) =>
  Effect.flatMap(
    Effect.promise(() => promise().then(() => undefined, (error: unknown) => error)),
    (error) =>
      error instanceof ClientError
        ? Effect.succeed({ statusCode: error.statusCode, body: error.response.body as unknown, message: error.message })
        : Effect.dieMessage(`expected a ClientError, got ${error instanceof Error ? error.message : String(error)}`)
  )

/** The last value of one of the client's Observables (what its Promise twin answers). */
export const lastValue = <A>(observable: { readonly forEach: (next: (value: A) => void) => Promise<void> }): Promise<A> => {
  let last: A | undefined
  return observable.forEach((value) => {
    last = value
  }).then(() => last as A)
}

