import { createSanityClient, ProjectsError } from "@projectkit/sanity"

export const main = async () => {
  const client = createSanityClient({
    // The reference server (`npx pnpm@10.34.8 start` in projectkit) prints a demo token; without
    // `baseUrl` the client calls the real https://api.sanity.io.
    baseUrl: process.env.SANITY_BASE_URL ?? "http://localhost:4000/sanity",
    token: process.env.SANITY_TOKEN!
  })
  try {
    // The neutral projects: the same calls on every adapter.
    const project = await client.projects.create({ name: "Docs site" })
    const names: Array<string> = []
    for await (const each of client.projects.list({ sortBy: "name" })) names.push(each.name)

    // Sanity's own calls, as `SanityClient` names them, under `client.sanity`.
    await client.sanity.datasets.create(project.id, "production", { aclMode: "public" })
    const datasets = await client.sanity.datasets.list(project.id)
    let duplicate = ""
    try {
      await client.sanity.datasets.create(project.id, "production")
    } catch (error) {
      // A 409: the core error itself, not a wrapper.
      if (!(error instanceof ProjectsError.Conflict)) throw error
      duplicate = error._tag
    }
    return { createdAt: project.createdAt, names, datasets: datasets.map((dataset) => dataset.name), duplicate }
  } finally {
    await client.close()
  }
}
