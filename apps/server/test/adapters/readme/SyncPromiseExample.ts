import { createSyncClient, ProjectsError } from "@projectkit/sync"

const input = [
  { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
  { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
] as const

export const main = async () => {
  const client = createSyncClient({
    // The reference server (`npx pnpm@10.34.8 start` in projectkit) prints a demo key; without
    // `baseUrl` the client calls the real https://api.sync.so.
    baseUrl: process.env.SYNC_BASE_URL ?? "http://localhost:4000/sync",
    apiKey: process.env.SYNC_API_KEY!,
    timeoutMs: 30_000,
    retry: { attempts: 3 }
  })
  try {
    // The neutral projects: the same calls on every adapter.
    const project = await client.projects.create({ name: "Launch video" })
    const names: Array<string> = []
    for await (const each of client.projects.list({ sortBy: "name" })) names.push(each.name)

    // sync.so's own calls, as `SyncClient` names them, under `client.sync`.
    const generation = await client.sync.generations.create({ model: "lipsync-2", projectId: project.id, input })
    let refused = ""
    try {
      await client.sync.generations.create({ model: "lipsync-2", projectId: "not-one-of-mine", input })
    } catch (error) {
      // A 422: the core error itself, not a wrapper.
      if (!(error instanceof ProjectsError.InvalidReference)) throw error
      refused = `${error._tag}: ${error.message}`
    }
    return { createdAt: project.createdAt, names, generation: generation.status, refused }
  } finally {
    await client.close()
  }
}
