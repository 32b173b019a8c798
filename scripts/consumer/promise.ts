/**
 * A Promise program, as a user without Effect writes it: sync.so (create, list with `for await`,
 * a 422 caught as `InvalidReference`) and Sanity (a dataset created and listed), against the
 * reference server named by PROJECTKIT_URL with the credentials in SYNC_API_KEY and SANITY_TOKEN.
 * Exits non-zero if any step does not go as it should.
 */
import { createSanityClient } from "@projectkit/sanity"
import { createSyncClient, ProjectsError } from "@projectkit/sync"

const url = process.env.PROJECTKIT_URL!

const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`consumer check failed: ${what}`)
  console.log(`ok - ${what}`)
}

const sync = createSyncClient({ baseUrl: `${url}/sync`, apiKey: process.env.SYNC_API_KEY!, timeoutMs: 10_000 })
try {
  const project = await sync.projects.create({ name: "Consumer project" })
  check(typeof project.createdAt === "string" && !Number.isNaN(Date.parse(project.createdAt)), "sync: created, createdAt an ISO string")
  await sync.projects.create({ name: "Consumer project 2" })
  const names: Array<string> = []
  for await (const each of sync.projects.list({ search: "consumer", sortBy: "name", pageSize: 1 })) names.push(each.name)
  check(names.join(",") === "Consumer project,Consumer project 2", `sync: listed with for await (${names.join(", ")})`)
  try {
    await sync.sync.generations.create({
      model: "lipsync-2",
      projectId: "not-one-of-mine",
      input: [{ type: "video", url: "https://example.com/v.mp4" }, { type: "audio", url: "https://example.com/a.wav" }]
    })
    check(false, "sync: a generation under an unknown project is refused")
  } catch (error) {
    check(error instanceof ProjectsError.InvalidReference && error._tag === "InvalidReference", "sync: a 422 caught as InvalidReference")
    check(error instanceof Error && !String(error).includes("FiberFailure"), "sync: the error is itself, not a FiberFailure")
  }
} finally {
  await sync.close()
}

const sanity = createSanityClient({ baseUrl: `${url}/sanity`, token: process.env.SANITY_TOKEN! })
try {
  const project = await sanity.projects.create({ name: "Consumer site" })
  await sanity.sanity.datasets.create(project.id, "production", { aclMode: "private" })
  const datasets = await sanity.sanity.datasets.list(project.id)
  check(datasets.map((dataset) => dataset.name).join(",") === "production", "sanity: a dataset created and listed")
} finally {
  await sanity.close()
}
