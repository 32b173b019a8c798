import { FetchHttpClient } from "@effect/platform"
import { Projects } from "@projectkit/core"
import { SyncClient } from "@projectkit/sync"
import { Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const sync = yield* SyncClient.SyncClient
  const project = yield* sync.projects.create({ name: "My API Project" })
  const generation = yield* sync.generations.create({
    model: "lipsync-2",
    projectId: project.id,
    input: [
      { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
      { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
    ]
  })
  // The same projects, provider-neutral:
  const all = yield* Stream.runCollect((yield* Projects.Projects).list({ sortBy: "name" }))
  return { generation: generation.status, projects: all.length }
})

// `layerConfig` reads SYNC_API_KEY and SYNC_BASE_URL (the real https://api.sync.so unless set).
export const main = () =>
  program.pipe(Effect.provide(SyncClient.layerConfig()), Effect.provide(FetchHttpClient.layer), Effect.runPromise)
