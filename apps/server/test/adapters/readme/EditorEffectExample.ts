import { FetchHttpClient } from "@effect/platform"
import { Retry } from "@projectkit/core"
import { Autosaver, EditorClient } from "@projectkit/editor"
import { Config, Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const editor = yield* EditorClient.EditorClient
  const project = yield* editor.projects.create({ title: "Launch video" })

  // An editing session: every keystroke goes to the Autosaver; closing the scope flushes.
  yield* Effect.scoped(Effect.gen(function*() {
    const saver = yield* Autosaver.make({ projectId: project.projectId, stateVersion: project.stateVersion })
    yield* Effect.forkScoped(Stream.runForEach(saver.status, (status) => Effect.log(status._tag, status.stateVersion)))
    for (let take = 1; take <= 20; take++) {
      yield* saver.update({ tracks: [{ type: "text", text: `take ${take}` }] })
      yield* Effect.sleep("10 millis")
    }
  }))

  // Render the saved state; the task (and its webhook) carries projectId.
  const task = yield* editor.exports.fromProject(project.projectId, { format: "mp4" })
  const saved = yield* editor.projects.get(project.projectId)
  return { stateVersion: saved.stateVersion, editorState: saved.editorState, task: task.status }
})

// EDITOR_API_KEY and EDITOR_BASE_URL. The Autosaver decides retries itself, so its client does not retry.
const editor = EditorClient.layerConfig(Config.all({
  apiKey: Config.redacted("EDITOR_API_KEY"),
  baseUrl: Config.string("EDITOR_BASE_URL").pipe(Config.withDefault(EditorClient.defaultBaseUrl)),
  retryPolicy: Config.succeed(Retry.noRetries)
}))
export const main = () => program.pipe(Effect.provide(editor), Effect.provide(FetchHttpClient.layer), Effect.runPromise)
