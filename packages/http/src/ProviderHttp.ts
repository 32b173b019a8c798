/**
 * What every adapter's `HttpClient` does the same way: prefix the base URL, send the credentials,
 * retry by the core policy (a 429 whatever the method, as the server provably did not process it;
 * 502/503/504 and transport failures only for idempotent methods), and turn what still fails
 * below the contract — no response, a 429 after the retries, an undecodable body — into core errors.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Retry from "@projectkit/core/Retry"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schedule from "effect/Schedule"

export interface TransportOptions {
  /** Names the provider in errors: "sync", "editor", "sanity". */
  readonly provider: string
  readonly baseUrl: string
  /** Sent with every request: the credentials, mostly. */
  readonly headers: Readonly<Record<string, string>>
  readonly retryPolicy?: Retry.RetryPolicy | undefined
}

/** Statuses worth another try (which requests may be retried is `Retry.isRetryable`'s call). */
const retriedStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504])

/**
 * A failure below the contract, in core terms: a 429 is `RateLimited` with the `Retry-After` it
 * carried; anything else is a `ProviderFailure` with its status (0 when no response arrived).
 */
export const transportFailure = (
  provider: string,
  error: HttpClientError.HttpClientError,
  nowMillis: number
): ProjectsError.RateLimited | ProjectsError.ProviderFailure => {
  if (error._tag === "RequestError") {
    return new ProjectsError.ProviderFailure({ provider, status: 0, body: null, description: error.message })
  }
  if (error.response.status === 429) {
    return new ProjectsError.RateLimited({
      retryAfter: Option.getOrElse(
        Retry.parseRetryAfter(error.response.headers["retry-after"], nowMillis),
        () => Duration.zero
      )
    })
  }
  return new ProjectsError.ProviderFailure({
    provider,
    status: error.response.status,
    body: null,
    description: error.message
  })
}

/** The `transformClient` of an adapter's `HttpApiClient`. */
export const transport = (options: TransportOptions) => (client: HttpClient.HttpClient): HttpClient.HttpClient => {
  const failure = (error: HttpClientError.HttpClientError) =>
    Effect.map(Clock.currentTimeMillis, (now) => transportFailure(options.provider, error, now))
  const schedule = Schedule.mapInputEffect(Retry.schedule(options.retryPolicy ?? Retry.defaultPolicy), failure)
  return client.pipe(
    HttpClient.mapRequest((request) =>
      request.pipe(
        HttpClientRequest.prependUrl(options.baseUrl),
        HttpClientRequest.setHeaders(options.headers),
        HttpClientRequest.acceptJson
      )
    ),
    HttpClient.transform((response, request) =>
      response.pipe(
        Effect.filterOrFail(
          (response) => !retriedStatuses.has(response.status),
          (response) => new HttpClientError.ResponseError({ request, response, reason: "StatusCode" })
        ),
        Effect.retry({
          schedule,
          while: (error) =>
            Effect.map(failure(error), (core) => Retry.isRetryable(core, request.method as Retry.HttpMethod))
        }),
        // Out of retries: a 429 stays an error, keeping the headers with its Retry-After; any other
        // status goes on to be decoded as the contract says.
        Effect.catchIf(
          (error): error is HttpClientError.ResponseError =>
            error._tag === "ResponseError" && error.response.status !== 429,
          (error) => Effect.succeed(error.response)
        )
      )
    )
  )
}

/**
 * What an adapter answers for a failure its contract does not describe: a transport failure or
 * a 429 as `transportFailure` says, a body that does not match the contract as a
 * `ProviderFailure`, and anything else as a defect.
 */
export const undescribed = (provider: string, error: unknown) =>
  Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<never, ProjectsError.RateLimited | ProjectsError.ProviderFailure> => {
    if (HttpClientError.isHttpClientError(error)) return Effect.fail(transportFailure(provider, error, now))
    if (ParseResult.isParseError(error)) {
      return Effect.fail(
        new ProjectsError.ProviderFailure({
          provider,
          status: 200,
          body: null,
          description: `the request or its response does not match the ${provider} contract: ${error.message}`
        })
      )
    }
    return Effect.die(error)
  })
