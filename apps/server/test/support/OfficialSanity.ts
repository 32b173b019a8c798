/**
 * Sanity's official client, `@sanity/client`, configured as a user would for the test server, and
 * what its tests need to read its promises and refusals inside Effect.
 *
 * Which client: the `OfficialClient` of the context makes them — the workspace's 7.28 in this
 * process (`inProcess`), or 8.15 in a Node 22 child process (OfficialClientProcess.ts) — so that
 * one scenario runs against both.
 */
import { ClientError, createClient } from "@sanity/client"
import type { ClientConfig, SanityClient } from "@sanity/client"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import { TestServer } from "./TestServer.js"

/** Makes `@sanity/client` instances of one version (typed as the workspace's: the same public methods). */
export interface OfficialClientMaker {
  readonly version: string
  readonly make: (config: ClientConfig) => Effect.Effect<SanityClient>
}

export class OfficialClient extends Context.Tag("@projectkit/server/test/OfficialClient")<OfficialClient, OfficialClientMaker>() {}

/** The version of the workspace's `@sanity/client`. */
export const workspaceVersion = (JSON.parse(
  Fs.readFileSync(createRequire(import.meta.url).resolve("@sanity/client/package.json"), "utf8")
) as { version: string }).version

/** The workspace's `@sanity/client`, in this process. */
export const inProcess = Layer.succeed(OfficialClient, {
  version: workspaceVersion,
  make: (config) => Effect.sync(() => createClient(config))
})

/**
 * A `ClientError` another process's client gave, with what the test reads of one: the status, the
 * body Sanity sent, the client's message.
 */
export class RemoteClientError extends Error {
  constructor(
    readonly statusCode: number,
    readonly response: { readonly body: unknown },
    message: string
  ) {
    super(message)
    this.name = "RemoteClientError"
  }
}

/** What a method of another process's client threw before it sent anything (a name it refuses, say). */
export class ThrownBeforeSending extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ThrownBeforeSending"
  }
}

/** `@sanity/client` as a user configures it for this server. */
export const official = (token: string, projectId: string, apiVersion = "2021-06-07") =>
  Effect.flatMap(Effect.all([TestServer, OfficialClient]), ([{ baseUrl }, client]) =>
    client.make({
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
      error instanceof ClientError || error instanceof RemoteClientError
        ? Effect.succeed({ statusCode: error.statusCode, body: error.response.body as unknown, message: error.message })
        : Effect.dieMessage(`expected a ClientError, got ${error instanceof Error ? error.message : String(error)}`)
  )

/**
 * The message of what `method` threw before sending anything (the client checks some arguments
 * itself): thrown at once in this process, or reported so by the child process.
 */
export const thrownBeforeSending = (method: () => Promise<unknown>) =>
  Effect.flatMap(
    Effect.promise(async (): Promise<{ readonly before: string } | { readonly after: unknown }> => {
      let sent: Promise<unknown>
      try {
        sent = method()
      } catch (error) {
        return { before: error instanceof Error ? error.message : String(error) }
      }
      return sent.then(
        (value) => ({ after: value }),
        (error: unknown) => error instanceof ThrownBeforeSending ? { before: error.message } : { after: error }
      )
    }),
    (outcome) =>
      "before" in outcome
        ? Effect.succeed(outcome.before)
        : Effect.dieMessage(`expected the client to throw before sending, it answered ${
          outcome.after instanceof Error ? outcome.after.message : JSON.stringify(outcome.after)
        }`)
  )

/** The last value of one of the client's Observables (what its Promise twin answers). */
export const lastValue = <A>(observable: { readonly forEach: (next: (value: A) => void) => Promise<void> }): Promise<A> => {
  let last: A | undefined
  return observable.forEach((value) => {
    last = value
  }).then(() => last as A)
}
