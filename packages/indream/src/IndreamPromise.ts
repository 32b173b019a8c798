/**
 * Indream's Open API for plain TypeScript: `createIndreamClient({ apiKey, baseUrl })`, built on
 * `IndreamClient` and the `Autosaver` (one `ManagedRuntime` per client). `client.projects` is the
 * neutral projects service, the same on every adapter; `client.indream` is every call of
 * `IndreamClient` — projects with `sync`, uploads and assets, exports, the editor's capabilities
 * and validation, illustrations — with the same names and arguments, answering Promises of plain
 * values (times as ISO strings) and `AsyncIterable`s for its `stream`s; `client.autosaver(...)` is
 * an `Autosaver` for one project. Errors reject as the core errors themselves. See `PromiseClient`
 * in `@projectkit/core`.
 */
import * as PromiseClient from "@projectkit/core/PromiseClient"
import * as Retry from "@projectkit/core/Retry"
import { PromiseAdapter } from "@projectkit/http"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Autosaver from "./Autosaver.js"
import * as IndreamClient from "./IndreamClient.js"

export interface IndreamClientOptions extends PromiseAdapter.ClientOptions {
  /** The API key, sent as `x-api-key`. */
  readonly apiKey: string
  /** `https://api.indream.ai` unless given (the reference server's is e.g. `http://localhost:4000/indream`). */
  readonly baseUrl?: string | undefined
}

/** An Autosaver's status as plain data (`retryIn` in milliseconds; `error` the core error). */
export type AutosaverStatus = PromiseClient.Plain<Autosaver.Status>

/**
 * An `Autosaver` for Promise users: `update(state)` feeds a change and resolves at once; `status()`
 * iterates the status as it changes; `currentStatus()`, `savedVersion()`, `flush()`. `close()` (or
 * `await using`) flushes the latest state, within the configured `closeTimeout`, and stops it;
 * calls made after it reject.
 */
export interface PromiseAutosaver extends PromiseClient.Promised<Autosaver.Autosaver>, AsyncDisposable {
  readonly close: () => Promise<void>
}

/** `client.projects` (neutral), `client.indream` (all of `IndreamClient`), `client.autosaver(...)`, `close()`. */
export interface IndreamPromiseClient extends PromiseAdapter.Client<"indream", IndreamClient.IndreamClientService> {
  /**
   * An Autosaver for one project (its `stateVersion` read from the server unless given). It sends
   * with a client that does not retry: it decides when to try again itself. Closing the client
   * closes its Autosavers first, flushing each.
   */
  readonly autosaver: (config: Autosaver.AutosaverConfig, options?: PromiseClient.CallOptions) => Promise<PromiseAutosaver>
}

/** `IndreamClientService`, member by member (the compiler holds this to the service's exact shape). */
export const shape: PromiseClient.Shape<IndreamClient.IndreamClientService> = {
  projects: { create: 2, list: 1, stream: ["stream", 1], get: 1, update: 2, delete: 1, sync: 2 },
  assets: {
    upload: 2,
    get: 1,
    delete: 1,
    listForProject: 2,
    streamForProject: ["stream", 2],
    addToProject: 2,
    removeFromProject: 2
  },
  exports: { create: 2, createFromProject: 3, get: 1, list: 1, stream: ["stream", 1], wait: 2 },
  editor: { capabilities: 0, validate: 1 },
  illustrations: { search: 1 }
}

/** `Autosaver.Autosaver`, member by member. */
export const autosaverShape: PromiseClient.Shape<Autosaver.Autosaver> = {
  update: 1,
  status: "stream",
  currentStatus: "effect",
  savedVersion: "effect",
  flush: "effect"
}

/**
 * An Indream client for Promise users.
 *
 * ```ts
 * const client = createIndreamClient({ apiKey, baseUrl: "http://localhost:4000/indream" })
 * const project = await client.indream.projects.create({ title: "Launch video", editorState })
 * await using saver = await client.autosaver({ projectId: project.projectId })
 * await saver.update(nextEditorState)
 * ```
 */
export const createIndreamClient = (options: IndreamClientOptions): IndreamPromiseClient => {
  const { client, runner } = PromiseAdapter.make({
    name: "indream",
    tag: IndreamClient.IndreamClient,
    shape,
    layer: (retryPolicy) => IndreamClient.layer({ apiKey: options.apiKey, baseUrl: options.baseUrl, retryPolicy })
  }, options)
  const open = new Set<() => Promise<void>>()

  const autosaver = async (config: Autosaver.AutosaverConfig, callOptions?: PromiseClient.CallOptions) => {
    const scope = await runner.promise(Scope.make())
    const release = () => runner.promise(Scope.close(scope, Exit.void))
    const saver = await runner.promise(
      Autosaver.make(config).pipe(
        Effect.provideServiceEffect(
          IndreamClient.IndreamClient,
          IndreamClient.make({ apiKey: options.apiKey, baseUrl: options.baseUrl, retryPolicy: Retry.noRetries })
        ),
        Scope.extend(scope)
      ),
      callOptions
    ).catch(async (error: unknown) => {
      await release()
      throw error
    })
    let closing: Promise<void> | undefined
    const close = () => {
      open.delete(close)
      return (closing ??= release())
    }
    open.add(close)
    // A state fed after closing would never be saved: say so rather than drop it.
    const service = Effect.suspend(() =>
      closing === undefined ? Effect.succeed(saver) : Effect.die(new Error("this Autosaver is closed"))
    )
    const mirror = PromiseClient.promised(runner, service, autosaverShape)
    return { ...mirror, close, [PromiseClient.asyncDispose]: close } satisfies PromiseAutosaver
  }

  const close = async () => {
    await Promise.all(Array.from(open, (closeAutosaver) => closeAutosaver()))
    await client.close()
  }
  return { ...client, autosaver, close, [PromiseClient.asyncDispose]: close }
}
