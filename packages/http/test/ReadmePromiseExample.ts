import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as ProjectsMemory from "@projectkit/core/ProjectsMemory"
import { PromiseAdapter } from "../src/index.js"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// An adapter's own service (a stand-in here: it knows no project) ...
export class Acme extends Context.Tag("acme/Acme")<Acme, {
  readonly getProject: (id: string) => Effect.Effect<{ readonly id: string }, ProjectsError.NotFound>
}>() {}

// ... and its Promise client: the service's shape (the compiler holds it to the service), and the
// adapter's Layer, providing its service and the core `Projects` over the `HttpClient` in context.
export const createAcmeClient = (options: PromiseAdapter.ClientOptions = {}) =>
  PromiseAdapter.make({
    name: "acme",
    tag: Acme,
    shape: { getProject: 1 },
    layer: () =>
      Layer.merge(
        Layer.succeed(Acme, { getProject: (id) => Effect.fail(new ProjectsError.NotFound({ resource: "project", id })) }),
        ProjectsMemory.layer({ provider: "acme" })
      )
  }, options).client

export const main = async () => {
  const client = createAcmeClient({ timeoutMs: 5_000 })
  try {
    const project = await client.projects.create({ name: "Launch" })
    await client.acme.getProject(project.id)
  } catch (error) {
    return error instanceof ProjectsError.NotFound ? error.message : "unexpected"
  } finally {
    await client.close()
  }
}
