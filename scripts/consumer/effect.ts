/**
 * An Effect program, as an Effect user writes it: every sync.so project streamed through the
 * neutral `Projects.list`, then the same with Sanity by changing the Layer. Exits non-zero on failure.
 */
import { FetchHttpClient } from "@effect/platform"
import { Projects } from "@projectkit/core"
import { SanityClient } from "@projectkit/sanity"
import { SyncClient } from "@projectkit/sync"
import { Chunk, Effect, Layer, Stream } from "effect"

const url = process.env.PROJECTKIT_URL!

const program = Effect.gen(function*() {
  const projects = yield* Projects.Projects
  yield* projects.create({ name: "Effect consumer" })
  const all = yield* Stream.runCollect(projects.list({ sortBy: "name" }))
  const missing = yield* Effect.flip(projects.get("no-such-project"))
  if (missing._tag !== "NotFound") return yield* Effect.dieMessage(`expected NotFound, got ${missing._tag}`)
  return Chunk.toReadonlyArray(all).map((project) => project.name)
})

const run = (layer: Layer.Layer<Projects.Projects, never, never>) => Effect.runPromise(Effect.provide(program, layer))

const sync = await run(SyncClient.layer({ baseUrl: `${url}/sync`, apiKey: process.env.SYNC_API_KEY! }).pipe(Layer.provide(FetchHttpClient.layer)))
if (!sync.includes("Effect consumer")) throw new Error(`sync: the stream missed the new project: ${sync.join(", ")}`)
console.log(`ok - effect: sync.so projects streamed (${sync.length})`)
const sanity = await run(SanityClient.layer({ baseUrl: `${url}/sanity`, token: process.env.SANITY_TOKEN! }).pipe(Layer.provide(FetchHttpClient.layer)))
if (!sanity.includes("Effect consumer")) throw new Error(`sanity: the stream missed the new project: ${sanity.join(", ")}`)
console.log(`ok - effect: Sanity projects streamed (${sanity.length})`)
