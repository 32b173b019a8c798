/**
 * The shell every provider adapter shares, so a client package holds only its contract, its error
 * table and what is truly provider-specific:
 * - `call`: a contract call whose failures are core errors (by the provider's `ErrorTable`, or as
 *   transport failures);
 * - `pages`: a cursor-paginated list as a `Stream`, pages fetched as it is pulled;
 * - `defined`: parameters without their undefined entries;
 * - `secret`: a credential given as a string or a `Redacted`;
 * - `layer` / `layerConfig`: the Layers of an adapter, providing its own service and the core
 *   `Projects` over the `HttpClient` in context.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Pagination from "@projectkit/core/Pagination"
import * as Projects from "@projectkit/core/Projects"
import type * as ProjectsError from "@projectkit/core/ProjectsError"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import * as ErrorTable from "./ErrorTable.js"
import * as ProviderHttp from "./ProviderHttp.js"

/** What a call of an adapter fails with: its provider's core errors, or a transport failure. */
export type Failure<Core> = Core | ProjectsError.RateLimited | ProjectsError.ProviderFailure

/**
 * `effect`, a call of the provider's contract about `subject`, with its failures as core errors:
 * a wire error by `table.toCore`, anything below the contract by `ProviderHttp.undescribed`.
 */
export const call = <Wire, Core extends ProjectsError.ProjectsError>(table: ErrorTable.ErrorTable<Wire, Core, any>) =>
<A, E>(subject: ErrorTable.Subject, effect: Effect.Effect<A, E>): Effect.Effect<A, Failure<Core>> =>
  Effect.catchAll(effect, (error): Effect.Effect<never, Failure<Core>> =>
    ErrorTable.isWire(table, error)
      ? Effect.fail(table.toCore(error, subject))
      : ProviderHttp.undescribed(table.provider, error))

/** One page as a provider sends it: the next cursor absent or null on the last page. */
export interface WirePage<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor?: string | null | undefined
}

/** Every item of a cursor-paginated list, each page fetched as the stream is pulled. */
export const pages = <A, E>(
  fetch: (cursor: string | undefined) => Effect.Effect<WirePage<A>, E>
): Stream.Stream<A, E> =>
  Pagination.stream((cursor) =>
    Effect.map(fetch(Option.getOrUndefined(cursor)), (page) => ({
      items: page.items,
      nextCursor: Option.fromNullable(page.nextCursor)
    }))
  )

/**
 * `fields` without its undefined entries. With `exactOptionalPropertyTypes` an absent field and one
 * set to undefined differ: options spread into a request, or a decoded request handed to a store,
 * must leave out what was not given.
 */
export const defined = <A extends object>(fields: A): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>
  }

/** A credential's text, whether it was given as a string or kept `Redacted`. */
export const secret = (value: Redacted.Redacted | string): string => Redacted.isRedacted(value) ? Redacted.value(value) : value

/**
 * The Layer of an adapter: `make(config)` built over the `HttpClient` in context, provided as `tag`
 * and, through `projects`, as the core `Projects`.
 */
export const layer = <Id, Service, Options>(
  tag: Context.Tag<Id, Service>,
  make: (options: Options) => Effect.Effect<Service, never, HttpClient.HttpClient>,
  projects: (service: Service) => Projects.ProjectsService
) =>
(options: Options): Layer.Layer<Id | Projects.Projects, never, HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(make(options), (service) => Context.make(tag, service).pipe(Context.add(Projects.Projects, projects(service))))
  )

/** `layer`, its options read from `config` (environment variables, usually). */
export const layerConfig = <Id, Options>(
  layer: (options: Options) => Layer.Layer<Id | Projects.Projects, never, HttpClient.HttpClient>,
  config: Config.Config<Options>
): Layer.Layer<Id | Projects.Projects, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(config, layer))
