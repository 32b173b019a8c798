import { FetchHttpClient } from "@effect/platform"
import { IndreamClient, IndreamEditorState } from "@projectkit/indream"
import { Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const indream = yield* IndreamClient.IndreamClient
  const editorState = IndreamEditorState.blank({ width: 1080, height: 1920 })

  // A one-off export of a state, without a project: clientTaskId deduplicates retries.
  const task = yield* indream.exports.create({ editorState, fps: 30, ratio: "9:16", scale: 1, format: "webm", clientTaskId: "story-1" })

  // Projects and exports, a page at a time as the stream is pulled.
  const project = yield* indream.projects.create({ title: "Story", editorState })
  yield* indream.projects.update(project.projectId, { description: "Vertical cut" })
  const titles = yield* Stream.runCollect(Stream.map(indream.projects.stream({ pageSize: 10 }), (each) => each.title))
  const tasks = yield* Stream.runCollect(indream.exports.stream())

  // The editor's vocabulary, and built-in illustrations.
  const capabilities = yield* indream.editor.capabilities()
  const illustrations = yield* indream.illustrations.search("rocket")

  yield* indream.projects.delete(project.projectId)
  return {
    listed: [...tasks].some((each) => each.taskId === task.taskId && each.clientTaskId === "story-1"),
    titles: [...titles],
    transitions: capabilities.transitions.length > 0,
    illustrations
  }
})

// INDREAM_API_KEY, and INDREAM_BASE_URL (https://api.indream.ai unless set).
export const main = () =>
  program.pipe(Effect.provide(IndreamClient.layerConfig()), Effect.provide(FetchHttpClient.layer), Effect.runPromise)
