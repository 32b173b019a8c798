import { Projects, ProjectsMemory } from "../src/index.js"
import { Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const projects = yield* Projects.Projects
  const launch = yield* projects.create({ name: "Launch video" })
  yield* projects.update(launch.id, { description: "Q3 campaign" })
  const page = yield* projects.listPage({ search: "launch", sortBy: "name", limit: 10 })
  const everything = yield* Stream.runCollect(projects.list({ sortBy: "updatedAt", direction: "desc" }))
  return { page, count: everything.length }
})

export const main = () => Effect.runPromise(Effect.provide(program, ProjectsMemory.layer()))
