/**
 * The Promise face of projectkit, for TypeScript users who do not use Effect: the same services,
 * run on one `ManagedRuntime` per client, with
 * - plain values: every `DateTime` an ISO 8601 string in UTC (`"2026-01-01T00:00:00.000Z"`, what
 *   the providers send), every `Option` its value or `undefined`, every `Duration` its milliseconds,
 *   records plain objects — so a result can be stored or sent as JSON as it is;
 * - the core errors rejected as themselves (`NotFound`, `RateLimited`, `InvalidReference`, …: `Error`
 *   subclasses with their `_tag`, for `instanceof`), never wrapped in a `FiberFailure`;
 * - an `AbortSignal` per call (the last argument, `{ signal }`): aborting interrupts the call, its
 *   request included, and rejects with the signal's reason, as `fetch` does;
 * - lists as `AsyncIterable`s for `for await`, each page fetched as the loop reaches it;
 * - `close()` and `Symbol.asyncDispose`, which release the runtime.
 *
 * `createProjectsClient(layer)` is the neutral client over any `Projects` layer; the provider
 * packages build theirs (`createSyncClient`, …) from the same parts: a `Runner` and, for their own
 * services, `promised` with the service's `Shape`.
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Capabilities from "./Capabilities.js"
import type * as Pagination from "./Pagination.js"
import type * as Project from "./Project.js"
import * as Projects from "./Projects.js"

// ---------------------------------------------------------------------------------------------
// Plain values
// ---------------------------------------------------------------------------------------------

/**
 * `A` as the Promise API hands it out: `DateTime` (and `Date`) as ISO strings, `Option<B>` as
 * `B | undefined`, `Duration` as milliseconds, errors as they are, records as plain objects
 * without their methods.
 */
export type Plain<A> = A extends DateTime.DateTime | Date ? string
  : A extends Option.Option<infer B> ? Plain<B> | undefined
  : A extends Duration.Duration ? number
  : A extends Cause.YieldableError | Uint8Array ? A
  : A extends ReadonlyArray<infer B> ? ReadonlyArray<Plain<B>>
  : A extends object ? { readonly [K in keyof A as A[K] extends Function ? never : K]: Plain<A[K]> }
  : A

/** `value` as plain data (see `Plain`). */
export const toPlain = <A>(value: A): Plain<A> => plain(value) as Plain<A>

const plain = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (DateTime.isDateTime(value)) return DateTime.formatIso(value)
  if (value instanceof Date) return value.toISOString()
  if (Option.isOption(value)) return Option.isSome(value) ? plain(value.value) : undefined
  if (Duration.isDuration(value)) return Duration.toMillis(value)
  if (value instanceof Error || ArrayBuffer.isView(value)) return value
  if (Array.isArray(value)) return value.map(plain)
  const record: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (typeof field !== "function") record[key] = plain(field)
  }
  return record
}

// ---------------------------------------------------------------------------------------------
// Running effects as Promises
// ---------------------------------------------------------------------------------------------

/** What every call takes last. */
export interface CallOptions {
  /** Aborts the call: its request is cancelled and the Promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

/** `Symbol.asyncDispose`, or the key TypeScript's `await using` falls back to where it is missing. */
export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ??
  (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose)

/**
 * Runs effects and streams of one client on its `ManagedRuntime`. `run` and `iterate` hand out
 * plain values; `promise` hands a value out as it is (a `Scope`, an Autosaver's service).
 */
export interface Runner<R> {
  readonly promise: <A, E>(effect: Effect.Effect<A, E, R>, options?: CallOptions) => Promise<A>
  readonly run: <A, E>(effect: Effect.Effect<A, E, R>, options?: CallOptions) => Promise<Plain<A>>
  readonly iterate: <A, E>(stream: Stream.Stream<A, E, R>, options?: CallOptions) => AsyncIterable<Plain<A>>
  /** Releases the runtime; calls made after it reject. Closing twice is closing once. */
  readonly close: () => Promise<void>
}

/** What a call rejects with: its error as is; an interruption by the caller's signal as the signal's reason. */
const rejection = <E>(cause: Cause.Cause<E>, signal: AbortSignal | undefined): unknown => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return failure.value
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) return signal.reason
  // A defect: the value thrown, itself.
  return Cause.squash(cause)
}

const closedError = () => new Error("this projectkit client is closed")

/** A `Runner` over `layer`, built on the first call. */
export const runner = <R, E>(layer: Layer.Layer<R, E>): Runner<R> => {
  const runtime = ManagedRuntime.make(layer)
  let closing: Promise<void> | undefined

  const promise = async <A, E2>(effect: Effect.Effect<A, E2, R>, options?: CallOptions): Promise<A> => {
    if (closing !== undefined) throw closedError()
    const signal = options?.signal
    signal?.throwIfAborted()
    const exit = await runtime.runPromiseExit(effect, signal === undefined ? undefined : { signal })
    if (Exit.isSuccess(exit)) return exit.value
    throw rejection(exit.cause, signal)
  }

  const iterate = <A, E2>(stream: Stream.Stream<A, E2, R>, options?: CallOptions): AsyncIterable<Plain<A>> => ({
    [Symbol.asyncIterator]: (): AsyncIterator<Plain<A>> => {
      // The stream is opened on the first `next`, in a scope of its own that ends with the loop
      // (its end, an error, or a `break`, which calls `return`).
      let scope: Scope.CloseableScope | undefined
      let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E2>, R> | undefined
      let buffer: ReadonlyArray<A> = []
      let index = 0
      let done = false
      const finish = async () => {
        done = true
        buffer = []
        const open = scope
        scope = undefined
        // A scope closes without the runtime's services, so a loop left after `close()` still ends cleanly.
        if (open !== undefined) await Effect.runPromise(Scope.close(open, Exit.void))
      }
      return {
        next: async () => {
          while (true) {
            if (index < buffer.length) return { done: false, value: toPlain(buffer[index++] as A) }
            if (done) return { done: true, value: undefined }
            if (closing !== undefined) {
              await finish()
              throw closedError()
            }
            if (pull === undefined) {
              const opened = await promise(Scope.make(), options)
              scope = opened
              pull = await promise(Scope.extend(Stream.toPull(stream), opened), options).catch(async (error: unknown) => {
                await finish()
                throw error
              })
            }
            const signal = options?.signal
            const exit = await runtime.runPromiseExit(pull, signal === undefined ? undefined : { signal })
            if (Exit.isSuccess(exit)) {
              buffer = Chunk.toReadonlyArray(exit.value)
              index = 0
              continue
            }
            await finish()
            const failure = Cause.failureOption(exit.cause)
            if (Option.isSome(failure)) {
              // `None` is the end of the stream, `Some` its error; anything else, the runtime's.
              const ended: Option.Option<E2> | E = failure.value
              if (!Option.isOption(ended)) throw ended
              if (Option.isNone(ended)) return { done: true, value: undefined }
              throw ended.value
            }
            throw rejection(exit.cause, signal)
          }
        },
        return: async () => {
          await finish()
          return { done: true, value: undefined }
        }
      }
    }
  })

  return {
    promise,
    run: (effect, options) => promise(effect, options).then(toPlain),
    iterate,
    close: () => (closing ??= runtime.dispose())
  }
}

// ---------------------------------------------------------------------------------------------
// A service's Promise face
// ---------------------------------------------------------------------------------------------

/**
 * The Promise face of an Effect service, member by member with the same names: a method returning
 * an `Effect` returns a `Promise` of its plain value, one returning a `Stream` an `AsyncIterable`;
 * an `Effect` or `Stream` member becomes a method of no argument; each takes `CallOptions` after
 * its own arguments (pass `undefined` for optional arguments you skip). Namespaces stay namespaces.
 */
export type Promised<S> = {
  // Effects before Streams: an `Effect` is also a (one-element) `Stream` to the compiler.
  readonly [K in keyof S]: S[K] extends (...args: infer P) => infer R
    ? R extends Effect.Effect<infer A, unknown, unknown> ? (...args: [...P, options?: CallOptions]) => Promise<Plain<A>>
    : R extends Stream.Stream<infer A, unknown, unknown> ? (...args: [...P, options?: CallOptions]) => AsyncIterable<Plain<A>>
    : never
    : S[K] extends Effect.Effect<infer A, unknown, unknown> ? (options?: CallOptions) => Promise<Plain<A>>
    : S[K] extends Stream.Stream<infer A, unknown, unknown> ? (options?: CallOptions) => AsyncIterable<Plain<A>>
    : Promised<S[K]>
}

/**
 * What `promised` must know of a service before it has one (the service is built in the runtime,
 * on the first call): for each method its number of parameters, optional ones included, and
 * `["stream", n]` for one returning a `Stream`; `"effect"` and `"stream"` for members that are an
 * `Effect` or a `Stream`. The compiler accepts only the service's exact shape, so a member added
 * to the service and not here, or a wrong count, does not compile.
 */
export type Shape<S> = {
  readonly [K in keyof S]-?: S[K] extends (...args: infer P) => infer R
    ? R extends Effect.Effect<unknown, unknown, unknown> ? Required<P>["length"]
    : R extends Stream.Stream<unknown, unknown, unknown> ? readonly ["stream", Required<P>["length"]]
    : never
    : S[K] extends Effect.Effect<unknown, unknown, unknown> ? "effect"
    : S[K] extends Stream.Stream<unknown, unknown, unknown> ? "stream"
    : Shape<S[K]>
}

type Member = number | "effect" | "stream" | readonly ["stream", number] | { readonly [key: string]: Member }

/** The member of `service` at `path`. */
const at = (service: unknown, path: ReadonlyArray<string>): unknown =>
  path.reduce((node: unknown, key) => (node as Record<string, unknown>)[key], service)

const invoke = (service: unknown, path: ReadonlyArray<string>, args: ReadonlyArray<unknown>): unknown =>
  (at(service, path) as (...args: ReadonlyArray<unknown>) => unknown)(...args)

const callOptions = (value: unknown): CallOptions | undefined => value as CallOptions | undefined

const build = <R>(
  run: Runner<R>,
  service: Effect.Effect<unknown, never, R>,
  shape: { readonly [key: string]: Member },
  path: ReadonlyArray<string>
): Record<string, unknown> =>
  Object.fromEntries(Object.entries(shape).map(([key, member]) => {
    const here = [...path, key]
    if (typeof member === "number") {
      return [key, (...args: ReadonlyArray<unknown>) =>
        run.run(
          Effect.flatMap(service, (s) => invoke(s, here, args.slice(0, member)) as Effect.Effect<unknown, unknown>),
          callOptions(args[member])
        )]
    }
    if (member === "effect") {
      return [key, (options?: CallOptions) =>
        run.run(Effect.flatMap(service, (s) => at(s, here) as Effect.Effect<unknown, unknown>), options)]
    }
    if (member === "stream") {
      return [key, (options?: CallOptions) =>
        run.iterate(Stream.unwrap(Effect.map(service, (s) => at(s, here) as Stream.Stream<unknown, unknown>)), options)]
    }
    if (Array.isArray(member)) {
      const arity = member[1] as number
      return [key, (...args: ReadonlyArray<unknown>) =>
        run.iterate(
          Stream.unwrap(Effect.map(service, (s) => invoke(s, here, args.slice(0, arity)) as Stream.Stream<unknown, unknown>)),
          callOptions(args[arity])
        )]
    }
    return [key, build(run, service, member as { readonly [key: string]: Member }, here)]
  }))

/**
 * The Promise face of the service `service` gives (a `Context.Tag` in the runner's runtime, or
 * `Effect.succeed(value)`), built from its `shape`; every call runs on `runner`.
 */
export const promised = <S, R>(runner: Runner<R>, service: Effect.Effect<S, never, R>, shape: Shape<S>): Promised<S> =>
  build(runner, service, shape as unknown as { readonly [key: string]: Member }, []) as Promised<S>

// ---------------------------------------------------------------------------------------------
// The neutral projects client
// ---------------------------------------------------------------------------------------------

/** A project, as plain data: what `Project.Project` is, with ISO strings for its times. */
export interface PlainProject {
  readonly id: string
  readonly name: string
  readonly description?: string
  /** ISO 8601, UTC. */
  readonly createdAt: string
  /** ISO 8601, UTC. */
  readonly updatedAt: string
  /** Which implementation the record comes from: "sync", "editor", "sanity", "memory", … */
  readonly provider: string
  /** The provider's own record, as plain data (its times as ISO strings too). */
  readonly raw: unknown
}

/** One page: `nextCursor` is `undefined` on the last page. */
export interface PlainPage<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | undefined
}

/** The neutral `Projects` service of any adapter, as Promises: the same members as `Projects.ProjectsService`. */
export interface ProjectsClient {
  /** What the implementation does natively, emulates exactly, or refuses with `Unsupported`. */
  readonly capabilities: (options?: CallOptions) => Promise<Plain<Capabilities.Capabilities>>
  /** Bad input rejects with `Validation`; a field the provider lacks (a description) with `Unsupported`. */
  readonly create: (input: Projects.CreateProjectInput, options?: CallOptions) => Promise<PlainProject>
  /** An unknown id (or another tenant's) rejects with `NotFound`. */
  readonly get: (id: string, options?: CallOptions) => Promise<PlainProject>
  /** Changes only the fields `patch` carries; `description: null` removes the description. */
  readonly update: (id: string, patch: Projects.ProjectPatchInput, options?: CallOptions) => Promise<PlainProject>
  readonly delete: (id: string, options?: CallOptions) => Promise<void>
  /** One page; pass its `nextCursor` as `cursor` for the next. */
  readonly listPage: (query?: Projects.ListQueryInput, options?: CallOptions) => Promise<PlainPage<PlainProject>>
  /** Every project the query selects, for `for await`: pages are fetched as the loop reaches them. */
  readonly list: (query?: Pagination.StreamQuery, options?: CallOptions) => AsyncIterable<PlainProject>
}

/** The neutral projects client over the `Projects` in `runner`'s runtime. */
export const projectsClient = <R>(runner: Runner<R | Projects.Projects>): ProjectsClient => {
  const use = <A, E>(f: (projects: Projects.ProjectsService) => Effect.Effect<A, E>) =>
    Effect.flatMap(Projects.Projects, f)
  const project = (result: Plain<Project.Project>): PlainProject => result
  return {
    capabilities: (options) => runner.run(use((projects) => Effect.succeed(projects.capabilities)), options),
    create: (input, options) => runner.run(use((projects) => projects.create(input)), options).then(project),
    get: (id, options) => runner.run(use((projects) => projects.get(id)), options).then(project),
    update: (id, patch, options) => runner.run(use((projects) => projects.update(id, patch)), options).then(project),
    delete: (id, options) => runner.run(use((projects) => projects.delete(id)), options),
    listPage: (query, options) => runner.run(use((projects) => projects.listPage(query)), options),
    list: (query, options) =>
      runner.iterate(Stream.unwrap(Effect.map(Projects.Projects, (projects) => projects.list(query))), options)
  }
}

/** What every Promise client has: the neutral projects, and `close`. */
export interface BaseClient extends AsyncDisposable {
  readonly projects: ProjectsClient
  /** Releases the client's runtime; calls made after it reject. */
  readonly close: () => Promise<void>
}

/**
 * The neutral Promise client over any `Projects` layer: an adapter's, `ProjectsMemory.layer()` in
 * tests, your own.
 *
 * ```ts
 * const client = createProjectsClient(ProjectsMemory.layer())
 * const project = await client.projects.create({ name: "Launch video" })
 * for await (const each of client.projects.list({ sortBy: "name" })) console.log(each.name)
 * await client.close()
 * ```
 */
export const createProjectsClient = <E>(layer: Layer.Layer<Projects.Projects, E>): BaseClient => {
  const run = runner(layer)
  return { projects: projectsClient(run), close: run.close, [asyncDispose]: run.close }
}

