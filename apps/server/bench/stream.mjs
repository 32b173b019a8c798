// The SyncClient adapter streaming every project of an organization (core `Projects.list`) from
// the reference server, sampling this process's memory as it goes. Started by run.mjs; prints one
// JSON line: count, time and the memory samples.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Projects from "@projectkit/core/Projects"
import { SyncClient } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const [baseUrl, apiKey, expected] = [process.argv[2], process.argv[3], Number(process.argv[4])]
const every = Math.max(1, Math.floor(expected / 20))
const samples = []
const started = performance.now()

const program = Effect.gen(function*() {
  const projects = yield* Projects.Projects
  let count = 0
  yield* Stream.runForEach(projects.list({ pageSize: 100 }), () =>
    Effect.sync(() => {
      count++
      if (count % every === 0) {
        // Retained memory, not garbage not yet collected (run with --expose-gc).
        globalThis.gc?.()
        samples.push({ at: count, rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed })
      }
    }))
  return count
})

const count = await Effect.runPromise(program.pipe(
  Effect.provide(SyncClient.layer({ apiKey, baseUrl: `${baseUrl}/sync` }).pipe(Layer.provide(FetchHttpClient.layer)))
))
console.log(JSON.stringify({ count, seconds: (performance.now() - started) / 1000, samples }))
