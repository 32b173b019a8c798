/**
 * The Promise client contract run over the neutral client on `ProjectsMemory`; refused credentials
 * stand for a layer whose every call is `Unauthorized`.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Projects, ProjectsError, ProjectsMemory } from "../src/index.js"
import { createProjectsClient } from "../src/PromiseClient.js"
import { suite } from "../src/PromiseClientSuite.js"

const refusing = Layer.effect(
  Projects.Projects,
  Effect.map(ProjectsMemory.make(), (projects) => ({
    ...projects,
    listPage: () => Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" }))
  }))
)

suite("createProjectsClient over ProjectsMemory", {
  provider: "memory",
  client: () => createProjectsClient(ProjectsMemory.layer()),
  refused: () => createProjectsClient(refusing)
})
