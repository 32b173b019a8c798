/**
 * What a check works with: raw HTTP to one dialect's base URL as one of the configured callers,
 * recorded for the report; names carrying the run's random prefix; and cleanups that run when
 * the whole run ends, whatever happened (they are finalizers of the run's scope).
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import { type Dialect, type Exchange, HarnessError } from "./Check.js"
import { firstEvent } from "./internal/eventStream.js"
import * as Multipart from "./internal/multipart.js"
import type { WebhookReceiver } from "./WebhookReceiver.js"

/** Whose credential a request carries. */
export type Who = "primary" | "secondary" | "member" | "ineligible" | "anonymous"

export interface DialectCredentials {
  readonly primary: Option.Option<string>
  readonly secondary: Option.Option<string>
  readonly member: Option.Option<string>
  readonly ineligible: Option.Option<string>
  /**
   * The first organization's webhook signing secret, when given: webhook checks then verify each
   * delivery's signature, not only that it is signed.
   */
  readonly webhookSecret?: Option.Option<string>
}

export interface RequestOptions {
  readonly method?: string
  /** Relative to the dialect's base URL, starting with `/`. */
  readonly path: string
  /** Default `primary`. */
  readonly as?: Who
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
  /** Sent as `application/json`. */
  readonly json?: unknown
  /** Sent verbatim, with `contentType` (default `application/json`): for malformed bodies. */
  readonly body?: string
  readonly contentType?: string
  /**
   * Sent as `multipart/form-data`, its parts in order. A large file is streamed (its bytes are
   * made as they are sent), so a check of a size limit holds no more than a chunk of it.
   */
  readonly form?: ReadonlyArray<FormPart>
  /**
   * Sends the `form` without a Content-Length, streamed in chunks (`Transfer-Encoding: chunked`)
   * whatever its size, as a client streaming a body of unknown length does: a server learns its
   * size only as it reads it.
   */
  readonly chunked?: boolean
  /**
   * The answer may be an event stream the server keeps open: its body is read up to its first
   * event (a blank line) or its end, whichever comes first, and the rest is not waited for.
   */
  readonly untilFirstEvent?: boolean
  /** An absolute URL to request instead of `path` (e.g. a URL the server answered), with the same credential. */
  readonly url?: string
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Whether a 429 is waited out (its Retry-After, at most 3 times) and the request sent again;
   * default true, so that a real provider's rate limits do not fail unrelated checks. Checks of
   * the rate limit itself turn it off.
   */
  readonly retryRateLimited?: boolean
}

/** A part of a `multipart/form-data` body: a text field or a file. */
export type FormPart =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly file: FormFile }

/**
 * A file to upload: its text, or — for a file only its size matters for — `size` bytes of filler
 * (printable ASCII, so that a proxy handling bodies as text passes it unchanged).
 */
export type FormFile =
  & { readonly filename: string; readonly contentType: string }
  & ({ readonly content: string } | { readonly size: number })

export interface HarnessService {
  readonly dialect: Dialect
  readonly baseUrl: string
  /** The run's random prefix: every name a check gives a resource starts with it. */
  readonly prefix: string
  /** A fresh name under the run's prefix. */
  readonly unique: (label: string) => string
  readonly request: (options: RequestOptions) => Effect.Effect<Exchange, HarnessError>
  /** Whether a caller is configured. */
  readonly has: (who: Who) => boolean
  /** Registers a cleanup that runs at the end of the run, even after a failure or an interruption. */
  readonly defer: (what: string, cleanup: Effect.Effect<unknown, unknown>) => Effect.Effect<void>
  /** A value to redact from every report (e.g. a token a check created). */
  readonly secret: (value: string) => Effect.Effect<void>
  /** The dialect's own settings (its `Dialect.settings`, e.g. an API version). */
  readonly options: Readonly<Record<string, string>>
  /** The run's webhook receiver, when one is configured. */
  readonly webhooks: Option.Option<WebhookReceiver>
  /**
   * How long a check waits for a lifecycle the server runs on its own clock (a batch of
   * generations to complete) before it fails: the run's `lifecycleTimeout`.
   */
  readonly lifecycleTimeout: Duration.Duration
  /** The first organization's webhook signing secret, when configured. */
  readonly webhookSecret: Option.Option<string>
}

export class Harness extends Context.Tag("@projectkit/conformance/Harness")<Harness, HarnessService>() {}

const headersOf = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

export interface RunContext {
  /** The scope of the whole run: cleanups are its finalizers. */
  readonly scope: Scope.Scope
  /** What went wrong while cleaning up, for the report. */
  readonly cleanupProblems: Ref.Ref<ReadonlyArray<string>>
  readonly secrets: Ref.Ref<ReadonlyArray<string>>
  readonly prefix: string
  readonly serial: Ref.Ref<number>
  readonly requestTimeout: Duration.Duration
  readonly webhooks: Option.Option<WebhookReceiver>
  /** How long a check waits for a lifecycle to end (default 45 s). */
  readonly lifecycleTimeout?: Duration.Duration
}

export interface MakeOptions {
  readonly dialect: Dialect
  /** The headers that carry a credential in the dialect's requests. */
  readonly authenticate: (credential: string) => Readonly<Record<string, string>>
  readonly baseUrl: string
  readonly credentials: DialectCredentials
  readonly options: Readonly<Record<string, string>>
  readonly run: RunContext
  /** Every exchange of the check, in order, for the report. */
  readonly record: (exchange: Exchange) => void
}

export const make = (options: MakeOptions): HarnessService => {
  const { credentials, dialect, run } = options
  const base = options.baseUrl.replace(/\/+$/, "")

  const request = (req: RequestOptions): Effect.Effect<Exchange, HarnessError> =>
    Effect.gen(function*() {
      let exchange = yield* send(req)
      for (let attempt = 0; attempt < 3 && req.retryRateLimited !== false && exchange.response.status === 429; attempt++) {
        const seconds = Number(exchange.response.headers["retry-after"])
        yield* Effect.sleep(Duration.seconds(Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 30) : 1))
        exchange = yield* send(req)
      }
      return exchange
    })

  const send = (req: RequestOptions): Effect.Effect<Exchange, HarnessError> =>
    Effect.suspend(() => {
      const who = req.as ?? "primary"
      const url = new URL(req.url ?? base + req.path)
      for (const [key, value] of Object.entries(req.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value))
      }
      const headers: Record<string, string> = { accept: "application/json" }
      if (who !== "anonymous") {
        const credential = credentials[who]
        if (Option.isNone(credential)) {
          return Effect.fail(new HarnessError({ message: `no ${who} credential configured for ${dialect}` }))
        }
        Object.assign(headers, options.authenticate(credential.value))
      }
      let body: string | undefined
      let stream: Multipart.Body | undefined
      if (req.form !== undefined) {
        const multipart = Multipart.encode(req.form)
        headers["content-type"] = multipart.contentType
        // No Content-Length with a streamed body: fetch sends it chunked.
        if (req.chunked === true) stream = multipart
        else if (multipart.text !== undefined) body = multipart.text
        else {
          stream = multipart
          // Its length is known, as a client's FormData knows it: a server may refuse a body too large at once.
          headers["content-length"] = String(multipart.size)
        }
      } else if (req.json !== undefined) {
        body = JSON.stringify(req.json)
        headers["content-type"] = "application/json"
      } else if (req.body !== undefined) {
        body = req.body
        headers["content-type"] = req.contentType ?? "application/json"
      }
      Object.assign(headers, req.headers ?? {})
      const method = req.method ?? "GET"
      return Effect.tryPromise({
        try: async (signal) => {
          const started = performance.now()
          const response = await fetch(url, {
            method,
            headers,
            ...(body === undefined ? {} : { body }),
            // A streamed body: the duplex option is what fetch asks for one.
            ...(stream === undefined ? {} : { body: stream.stream(), duplex: "half" }),
            redirect: "manual",
            signal
          })
          const text = req.untilFirstEvent === true ? await firstEvent(response) : await response.text()
          let json: unknown = undefined
          try {
            json = text === "" ? undefined : JSON.parse(text)
          } catch {
            // not JSON: checks look at `body`
          }
          const exchange: Exchange = {
            request: {
              method,
              url: url.toString(),
              headers,
              ...(body === undefined ? {} : { body: req.form === undefined ? body : Multipart.abridge(body) }),
              ...(stream === undefined
                ? {}
                : { body: req.chunked === true ? `${stream.summary} (streamed without a Content-Length)` : stream.summary })
            },
            response: { status: response.status, headers: headersOf(response.headers), body: text, json },
            durationMs: Math.round(performance.now() - started)
          }
          options.record(exchange)
          return exchange
        },
        catch: (cause) => new HarnessError({ message: `${method} ${url.toString()} failed: ${String(cause)}`, cause })
      }).pipe(
        Effect.timeoutFail({
          duration: run.requestTimeout,
          onTimeout: () =>
            new HarnessError({ message: `${method} ${url.toString()}: no answer in ${Duration.format(run.requestTimeout)}` })
        })
      )
    })

  return {
    dialect,
    baseUrl: base,
    prefix: run.prefix,
    unique: (label) =>
      Ref.getAndUpdate(run.serial, (n) => n + 1).pipe(
        Effect.map((n) => `${run.prefix} ${label} ${n}`),
        Effect.runSync
      ),
    request,
    has: (who) => who === "anonymous" || Option.isSome(credentials[who]),
    defer: (what, cleanup) =>
      Scope.addFinalizer(
        run.scope,
        cleanup.pipe(
          Effect.timeout(run.requestTimeout),
          Effect.exit,
          Effect.flatMap((exit) =>
            Exit.isSuccess(exit)
              ? Effect.void
              : Ref.update(run.cleanupProblems, (problems) => [...problems, `${what}: ${String(Exit.causeOption(exit).pipe(Option.getOrUndefined))}`])
          )
        )
      ),
    secret: (value) => Ref.update(run.secrets, (secrets) => [...secrets, value]),
    options: options.options,
    webhooks: run.webhooks,
    lifecycleTimeout: run.lifecycleTimeout ?? Duration.seconds(45),
    webhookSecret: credentials.webhookSecret ?? Option.none()
  }
}
