import { createProjectsClient, ProjectsError, ProjectsMemory } from "../src/index.js"

export const main = async () => {
  // Over any adapter's `Projects` layer; here the in-memory one, as in tests.
  const client = createProjectsClient(ProjectsMemory.layer())
  try {
    const launch = await client.projects.create({ name: "Launch video" })
    await client.projects.update(launch.id, { description: "Q3 campaign" })
    const page = await client.projects.listPage({ search: "launch", sortBy: "name", limit: 10 })
    const names: Array<string> = []
    for await (const project of client.projects.list({ sortBy: "updatedAt", direction: "desc" })) names.push(project.name)
    let missing = ""
    try {
      await client.projects.get("no-such-project")
    } catch (error) {
      // The core error itself, not a wrapper.
      if (!(error instanceof ProjectsError.NotFound)) throw error
      missing = error.message
    }
    return { page: page.items, nextCursor: page.nextCursor, names, missing }
  } finally {
    await client.close()
  }
}
