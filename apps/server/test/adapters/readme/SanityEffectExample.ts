import { FetchHttpClient } from "@effect/platform"
import { Projects } from "@projectkit/core"
import { SanityClient } from "@projectkit/sanity"
import { Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const sanity = yield* SanityClient.SanityClient
  const project = yield* sanity.projects.create({ displayName: "My Sanity Project" })
  yield* sanity.datasets.create(project.id, "production", { aclMode: "public" })
  const copy = yield* sanity.datasets.copy(project.id, "production", { targetDataset: "staging" })
  // The same projects, provider-neutral:
  const all = yield* Stream.runCollect((yield* Projects.Projects).list({ sortBy: "name" }))
  return { job: copy.jobId, projects: all.length }
})

// `layerConfig` reads SANITY_TOKEN, SANITY_API_VERSION and SANITY_BASE_URL (the real API unless set).
export const main = () =>
  program.pipe(Effect.provide(SanityClient.layerConfig()), Effect.provide(FetchHttpClient.layer), Effect.runPromise)
