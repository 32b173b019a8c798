/**
 * Editor states validated off the main thread. Checking a 1 MB state against the v1 schema and the
 * semantic rules costs ~4 ms of CPU and most of the garbage a sync makes; on a worker thread it
 * runs on another core while the main thread reads, parses and stores other requests, so autosave
 * throughput is no longer bound by one core.
 *
 * The worker (`editor-state-worker.ts`) is started on the first state to check (a server no Indream
 * client calls never starts it) and parses the state's JSON text itself: only the text crosses
 * threads, not the parsed value, whose copy would cost as much as the validation saved. Whenever
 * it cannot answer (no text, the worker failed to start, crashed, or could not parse) the state is
 * validated in process, so the answers are the validator's own either way.
 */
import * as IndreamEditorState from "@projectkit/indream/IndreamEditorState"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import { Worker } from "node:worker_threads"

export class EditorStateWorker extends Context.Tag("@projectkit/server/EditorStateWorker")<EditorStateWorker, {
  /**
   * The validator's verdict on the state whose JSON text is `text` (`state`, when given, being
   * that text parsed): from the worker thread for a text of `offThreadFrom` units or more, else in
   * process, where `state` spares parsing the text again.
   */
  readonly validate: (text: string, state?: unknown) => Effect.Effect<IndreamEditorState.ValidationResult>
  /** Whether a worker thread is running (it starts on the first large state). */
  readonly running: () => boolean
}>() {}

interface Reply {
  readonly id: number
  readonly result: IndreamEditorState.ValidationResult | undefined
}

/**
 * INF: states shorter than this (in UTF-16 units of JSON) are validated in process: the hop to the
 * worker and back costs more than checking a small state (~0.1 ms for 64 kB).
 */
export const offThreadFrom = 64 * 1024

/**
 * The worker's entry, beside this module: in `dist/dialects/indream/`, and in the bundle beside
 * the chunk holding this module (`scripts/bundle.mjs` puts it there).
 */
const entry = new URL("./editor-state-worker.js", import.meta.url)

export const layer: Layer.Layer<EditorStateWorker, never, IndreamEditorState.EditorStateValidator> = Layer.scoped(
  EditorStateWorker,
  Effect.gen(function*() {
    const validator = yield* IndreamEditorState.EditorStateValidator
    /** The replies awaited, by request id; each resumes its fiber (undefined: validate in process). */
    const waiting = new Map<number, (result: IndreamEditorState.ValidationResult | undefined) => void>()
    const runtime = yield* Effect.runtime<never>()
    let worker: Worker | undefined
    let nextId = 0
    /** Why no worker can run (set once one failed before answering anything): in process from then on. */
    let unavailable: string | undefined

    const stop = (current: Worker, answered: boolean, why: string) => {
      if (worker !== current) return
      worker = undefined
      for (const resume of waiting.values()) resume(undefined)
      waiting.clear()
      // A worker that never answered will not do better next time (a build without its file, a
      // thread that cannot start): said once, and states are validated in process from then on.
      if (!answered && unavailable === undefined) {
        unavailable = why
        Runtime.runFork(runtime)(Effect.logWarning(`Indream editor states are validated on the main thread: the worker did not start (${why})`))
      }
    }
    const started = (): Worker | undefined => {
      if (worker !== undefined || unavailable !== undefined) return worker
      let answered = false
      const created = new Worker(entry)
      // An idle worker does not keep the process alive; the server's listener does.
      created.unref()
      created.on("message", ({ id, result }: Reply) => {
        answered = true
        const resume = waiting.get(id)
        waiting.delete(id)
        resume?.(result)
      })
      created.on("error", (error) => stop(created, answered, error.message))
      created.on("exit", (code) => stop(created, answered, `it exited with code ${code}`))
      worker = created
      return created
    }
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        const current = worker
        if (current === undefined) return
        // Stopped on purpose: not a failure to report.
        worker = undefined
        for (const resume of waiting.values()) resume(undefined)
        waiting.clear()
        await current.terminate()
      })
    )

    const inProcess = (text: string, state: unknown) =>
      Effect.sync(() => validator.validate(state === undefined ? JSON.parse(text) : state))
    return {
      validate: (text, state) => {
        if (text.length < offThreadFrom) return inProcess(text, state)
        return Effect.flatMap(
          Effect.async<IndreamEditorState.ValidationResult | undefined>((resume) => {
            const current = started()
            if (current === undefined) return resume(Effect.succeed(undefined))
            const id = nextId++
            waiting.set(id, (result) => resume(Effect.succeed(result)))
            current.postMessage({ id, text })
            // An interrupted request's verdict is not waited for (the worker still answers it).
            return Effect.sync(() => waiting.delete(id))
          }),
          (result) => result === undefined ? inProcess(text, state) : Effect.succeed(result)
        )
      },
      running: () => worker !== undefined
    }
  })
)
