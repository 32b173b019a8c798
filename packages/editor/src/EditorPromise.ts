/**
 * The editor Open API for plain TypeScript: `createEditorClient({ baseUrl, apiKey })`, built on
 * `EditorClient` and the `Autosaver` (one `ManagedRuntime` per client). `client.projects` is the
 * neutral projects service, the same on every adapter; `client.editor` is every call of
 * `EditorClient` — projects in the editor's terms with `sync`, assets, exports — with the same names
 * and arguments, answering Promises of plain values (times as ISO strings) and `AsyncIterable`s for
 * its `stream`s; `client.autosaver(...)` is an `Autosaver` for one project. Errors reject as the core
 * errors themselves. See `PromiseClient` in `@projectkit/core`.
 */
import * as PromiseClient from "@projectkit/core/PromiseClient"
import * as Retry from "@projectkit/core/Retry"
import { PromiseAdapter } from "@projectkit/http"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Autosaver from "./Autosaver.js"
import * as EditorClient from "./EditorClient.js"

export interface EditorClientOptions extends PromiseAdapter.ClientOptions {
  /** The bearer API key. */
  readonly apiKey: string
  /** The reference server's `http://localhost:4000/editor` unless given (the real host is not in our sources). */
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

/** `client.projects` (neutral), `client.editor` (all of `EditorClient`), `client.autosaver(...)`, `close()`. */
export interface EditorPromiseClient extends PromiseAdapter.Client<"editor", EditorClient.EditorClientService> {
  /**
   * An Autosaver for one project (its `stateVersion` read from the server unless given). It sends
   * with a client that does not retry: it decides when to try again itself. Closing the client
   * closes its Autosavers first, flushing each.
   */
  readonly autosaver: (config: Autosaver.AutosaverConfig, options?: PromiseClient.CallOptions) => Promise<PromiseAutosaver>
}

/** `EditorClientService`, member by member (the compiler holds this to the service's exact shape). */
export const shape: PromiseClient.Shape<EditorClient.EditorClientService> = {
  projects: { create: 1, get: 1, update: 2, sync: 2, delete: 1, list: 1, stream: ["stream", 1] },
  assets: { register: 2, upload: 3, list: 1 },
  exports: { fromProject: 2, fromState: 1, get: 1, list: 1, stream: ["stream", 1] }
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
 * An editor client for Promise users.
 *
 * ```ts
 * const client = createEditorClient({ baseUrl: "http://localhost:4000/editor", apiKey })
 * const project = await client.editor.projects.create({ title: "Launch video" })
 * await using saver = await client.autosaver({ projectId: project.projectId, stateVersion: 0 })
 * await saver.update({ tracks: [] })
 * ```
 */
export const createEditorClient = (options: EditorClientOptions): EditorPromiseClient => {
  const { client, runner } = PromiseAdapter.make({
    name: "editor",
    tag: EditorClient.EditorClient,
    shape,
    layer: (retryPolicy) => EditorClient.layer({ apiKey: options.apiKey, baseUrl: options.baseUrl, retryPolicy })
  }, options)
  const open = new Set<() => Promise<void>>()

  const autosaver = async (config: Autosaver.AutosaverConfig, callOptions?: PromiseClient.CallOptions) => {
    const scope = await runner.promise(Scope.make())
    const release = () => runner.promise(Scope.close(scope, Exit.void))
    const saver = await runner.promise(
      Autosaver.make(config).pipe(
        Effect.provideServiceEffect(
          EditorClient.EditorClient,
          EditorClient.make({ apiKey: options.apiKey, baseUrl: options.baseUrl, retryPolicy: Retry.noRetries })
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
