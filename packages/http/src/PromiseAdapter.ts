/**
 * What every adapter's Promise client (`createSyncClient`, `createIndreamClient`,
 * `createSanityClient`) shares: the options users expect of such a client, read into the adapter's
 * Layer over an `HttpClient`, and the client itself — the neutral `projects` beside the Promise face
 * of the adapter's own service (`client.sync`, `client.indream`, `client.sanity`), all on one
 * `ManagedRuntime`. The Effect implementation does the work; nothing here speaks HTTP itself.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as Projects from "@projectkit/core/Projects"
import * as PromiseClient from "@projectkit/core/PromiseClient"
import * as Retry from "@projectkit/core/Retry"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** The options every adapter's Promise client takes, besides its credentials. */
export interface ClientOptions {
  /** The API's root; the real service unless given (the reference server's is e.g. `http://localhost:4000/sync`). */
  readonly baseUrl?: string | undefined
  /** The `fetch` to send requests with; the global one unless given. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * How long each attempt waits for a response, in milliseconds; none unless given. An attempt
   * that times out fails as a transport failure (`ProviderFailure` with status 0), which is
   * retried only for idempotent requests.
   */
  readonly timeoutMs?: number | undefined
  /**
   * Retries by the core policy (exponential backoff with full jitter, honouring `Retry-After`;
   * a 429 always, 502/503/504 and transport failures for idempotent requests only): `true` or
   * absent for the default, `false` for none, or `{ attempts }`.
   */
  readonly retry?: boolean | RetryOptions | undefined
}

export interface RetryOptions {
  /** The most requests one call sends, the first included: 1 is no retry. Default 5. */
  readonly attempts?: number | undefined
}

/** The core `RetryPolicy` that `retry` asks for. */
export const retryPolicy = (retry: ClientOptions["retry"]): Retry.RetryPolicy => {
  if (retry === false) return Retry.noRetries
  if (retry === undefined || retry === true || retry.attempts === undefined) return Retry.defaultPolicy
  const { attempts } = retry
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer of at least 1, got ${attempts}`)
  }
  return { ...Retry.defaultPolicy, maxAttempts: attempts - 1 }
}

/**
 * The `HttpClient` the adapter's Layer is built over: `fetch` (the one given, or the global), each
 * attempt bounded by `timeoutMs`. The adapter's transport wraps it, so retries re-run it whole.
 */
export const httpClient = (options: ClientOptions): Layer.Layer<HttpClient.HttpClient> => {
  const fetchLayer = options.fetch === undefined
    ? FetchHttpClient.layer
    : Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, options.fetch))
  const { timeoutMs } = options
  if (timeoutMs === undefined) return fetchLayer
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`)
  return Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (response, request) =>
        Effect.timeoutFail(response, {
          duration: timeoutMs,
          onTimeout: () =>
            new HttpClientError.RequestError({ request, reason: "Transport", description: `no response within ${timeoutMs} ms` })
        })))
  ).pipe(Layer.provide(fetchLayer))
}

/** An adapter's Promise client: the neutral `projects`, and its own service under its name. */
export type Client<Name extends string, Service> =
  & PromiseClient.BaseClient
  & { readonly [K in Name]: PromiseClient.Promised<Service> }

/** What an adapter tells `make` about itself. */
export interface Adapter<Id, Service, Name extends string> {
  /** Where its own service goes on the client: `client.sync`, `client.sanity`, … */
  readonly name: Name
  readonly tag: Context.Tag<Id, Service>
  readonly shape: PromiseClient.Shape<Service>
  /** Its Layer (its own service and `Projects`), with the retry policy the options asked for. */
  readonly layer: (retryPolicy: Retry.RetryPolicy) => Layer.Layer<Id | Projects.Projects, never, HttpClient.HttpClient>
}

/**
 * An adapter's Promise client, and the runner it runs on (for what a provider adds beside its
 * service, such as Indream's Autosaver). The runtime, `HttpClient` included, is built on the
 * first call and released by `close()`.
 */
export const make = <Id, Service, const Name extends string>(
  adapter: Adapter<Id, Service, Name>,
  options: ClientOptions
): {
  readonly client: Client<Name, Service>
  readonly runner: PromiseClient.Runner<Id | Projects.Projects | HttpClient.HttpClient>
} => {
  const runner = PromiseClient.runner(Layer.provideMerge(adapter.layer(retryPolicy(options.retry)), httpClient(options)))
  const client = {
    projects: PromiseClient.projectsClient(runner),
    [adapter.name]: PromiseClient.promised(runner, adapter.tag, adapter.shape),
    close: runner.close,
    [PromiseClient.asyncDispose]: runner.close
  } as Client<Name, Service>
  return { client, runner }
}
