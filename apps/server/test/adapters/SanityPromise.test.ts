/**
 * `createSanityClient` against the reference server: Sanity's own calls (datasets, CORS origins,
 * tokens) as Promises of plain values, the core errors rejected as themselves (the Promise client
 * contract: `PromiseClients.test.ts`).
 */
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import { createSanityClient, ProjectsError } from "@projectkit/sanity"
import { describe, expect, it } from "vitest"
import { useClient, useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const client = useClient(() => createSanityClient({ baseUrl: `${server().url}/sanity`, token: server().credentials.sanity.token }))

describe("createSanityClient: Sanity's own calls", () => {
  it("neutral projects carry Sanity's record as raw", async () => {
    const created = await client().projects.create({ name: "raw record" })
    expect(created).toMatchObject({ provider: "sanity", raw: { displayName: "raw record" } })
  })

  it("Sanity's own calls: datasets, CORS origins, tokens, the current user; a duplicate is a Conflict", async () => {
    const project = await client().sanity.projects.create({ displayName: "Own terms" })
    const dataset = await client().sanity.datasets.create(project.id, "production", { aclMode: "public" })
    expect(dataset).toMatchObject({ datasetName: "production", aclMode: "public" })
    expect((await client().sanity.datasets.list(project.id)).map((d) => d.name)).toEqual(["production"])
    expect(await rejectionOf(client().sanity.datasets.create(project.id, "production"))).toBeInstanceOf(ProjectsError.Conflict)

    const origin = await client().sanity.cors.create(project.id, { origin: "https://studio.example.com", allowCredentials: true })
    expect((await client().sanity.cors.list(project.id)).map((o) => o.id)).toContain(origin.id)
    const token = await client().sanity.tokens.create(project.id, { label: "ci", roleName: "viewer" })
    expect(token.key).toEqual(expect.any(String))
    expect((await client().sanity.tokens.list(project.id)).map((t) => t.id)).toContain(token.id)
    expect(await client().sanity.users.me()).toMatchObject({ id: expect.any(String) })
    expect(await client().sanity.permissions(project.id)).toEqual(expect.any(Array))
  })
})
