/**
 * `createSanityClient` against the reference server: the neutral projects and all of
 * `SanityClient` as Promises of plain values — datasets, CORS origins, tokens — and the core errors
 * rejected as themselves.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import { afterAll } from "vitest"
import { createSanityClient, ProjectsError, SanityClient } from "../src/index.js"
import { referenceServer } from "./support/referenceServer.js"

const server = referenceServer()
const client = createSanityClient({ baseUrl: `${server.url}/sanity`, token: server.credentials.sanity.token })
afterAll(() => client.close())

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`), (error: unknown) => error)

/** The members of a service, or of its Promise face, as a tree of names. */
const surface = (service: object): unknown =>
  Object.fromEntries(
    Object.entries(service).sort(([a], [b]) => a.localeCompare(b)).map(([key, member]) => [
      key,
      typeof member === "object" && member !== null && !Effect.isEffect(member) && !Predicate.hasProperty(member, Stream.StreamTypeId)
        ? surface(member)
        : "member"
    ])
  )

describe("createSanityClient", () => {
  it("has every member of SanityClient under client.sanity, the neutral Projects under client.projects", async () => {
    const service = await Effect.runPromise(SanityClient.make({ token: "t" }).pipe(Effect.provide(FetchHttpClient.layer)))
    expect(surface(client.sanity)).toEqual(surface(service))
    expect(Object.keys(client.projects).sort()).toEqual(Object.keys(SanityClient.makeProjects(service)).sort())
  })

  it("neutral projects: created, renamed, listed with for await (emulated paging), deleted", async () => {
    const tag = `promise-${Date.now()}`
    const created = await client.projects.create({ name: `${tag} b` })
    expect(created).toMatchObject({ name: `${tag} b`, provider: "sanity", raw: { displayName: `${tag} b` } })
    expect(created.createdAt).toMatch(isoTime)
    await client.projects.create({ name: `${tag} a` })
    await client.projects.update(created.id, { name: `${tag} c` })
    const names: Array<string> = []
    for await (const project of client.projects.list({ search: tag, sortBy: "name", pageSize: 1 })) names.push(project.name)
    expect(names).toEqual([`${tag} a`, `${tag} c`])
    await client.projects.delete(created.id)
    expect(await rejectionOf(client.projects.get(created.id))).toBeInstanceOf(ProjectsError.NotFound)
  })

  it("Sanity's own calls: datasets, CORS origins, tokens, the current user; a duplicate is a Conflict", async () => {
    const project = await client.sanity.projects.create({ displayName: "Own terms" })
    const dataset = await client.sanity.datasets.create(project.id, "production", { aclMode: "public" })
    expect(dataset).toMatchObject({ datasetName: "production", aclMode: "public" })
    expect((await client.sanity.datasets.list(project.id)).map((d) => d.name)).toEqual(["production"])
    expect(await rejectionOf(client.sanity.datasets.create(project.id, "production"))).toBeInstanceOf(ProjectsError.Conflict)

    const origin = await client.sanity.cors.create(project.id, { origin: "https://studio.example.com", allowCredentials: true })
    expect((await client.sanity.cors.list(project.id)).map((o) => o.id)).toContain(origin.id)
    const token = await client.sanity.tokens.create(project.id, { label: "ci", roleName: "viewer" })
    expect(token.key).toEqual(expect.any(String))
    expect((await client.sanity.tokens.list(project.id)).map((t) => t.id)).toContain(token.id)
    expect(await client.sanity.users.me()).toMatchObject({ id: expect.any(String) })
    expect(await client.sanity.permissions(project.id)).toEqual(expect.any(Array))
  })
})
