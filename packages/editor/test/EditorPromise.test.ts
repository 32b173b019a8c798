/**
 * `createEditorClient` against the reference server: the neutral projects and all of
 * `EditorClient` as Promises of plain values, `sync` and exports, the Autosaver for Promise users,
 * and the core errors rejected as themselves.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import { afterAll } from "vitest"
import { type AutosaverStatus, createEditorClient, EditorClient, EditorPromise, ProjectsError } from "../src/index.js"
import { referenceServer } from "./support/referenceServer.js"

const server = referenceServer()
const client = createEditorClient({ baseUrl: `${server.url}/editor`, apiKey: server.credentials.editor.apiKey })
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

describe("createEditorClient", () => {
  it("has every member of EditorClient under client.editor, the neutral Projects under client.projects", async () => {
    const service = await Effect.runPromise(EditorClient.make({ apiKey: "k" }).pipe(Effect.provide(FetchHttpClient.layer)))
    expect(surface(client.editor)).toEqual(surface(service))
    expect(Object.keys(client.projects).sort()).toEqual(Object.keys(EditorClient.makeProjects(service)).sort())
  })

  it("has every member of an Autosaver on the Promise one, and close", () => {
    expect(Object.keys(EditorPromise.autosaverShape).sort()).toEqual(
      ["currentStatus", "flush", "savedVersion", "status", "update"]
    )
  })

  it("neutral projects: descriptions kept, every page listed with for await", async () => {
    const tag = `promise-${Date.now()}`
    const created = await client.projects.create({ name: `${tag} one`, description: "first" })
    expect(created).toMatchObject({ name: `${tag} one`, description: "first", provider: "editor" })
    expect(created.updatedAt).toMatch(isoTime)
    await client.projects.create({ name: `${tag} two` })
    const cleared = await client.projects.update(created.id, { description: null })
    expect(cleared).not.toHaveProperty("description")
    const names: Array<string> = []
    for await (const project of client.projects.list({ search: tag, sortBy: "name", direction: "desc", pageSize: 1 })) {
      names.push(project.name)
    }
    expect(names).toEqual([`${tag} two`, `${tag} one`])
    await client.projects.delete(created.id)
    expect(await rejectionOf(client.projects.get(created.id))).toBeInstanceOf(ProjectsError.NotFound)
  })

  it("the editor's own calls: sync, assets, exports (for await)", async () => {
    const project = await client.editor.projects.create({ title: "Own terms" })
    expect(project).toMatchObject({ title: "Own terms", stateVersion: 0, editorState: null })
    const synced = await client.editor.projects.sync(project.projectId, { editorState: { tracks: [] }, stateVersion: 1 })
    expect(synced).toMatchObject({ projectId: project.projectId, stateVersion: 1 })
    expect(synced.updatedAt).toMatch(isoTime)
    const asset = await client.editor.assets.upload(project.projectId, new TextEncoder().encode("bytes"), "clip.bin")
    expect(asset).toMatchObject({ name: "clip.bin", size: 5 })
    expect(await client.editor.assets.list(project.projectId)).toHaveLength(1)
    const task = await client.editor.exports.fromProject(project.projectId, { format: "gif" })
    expect(task).toMatchObject({ projectId: project.projectId, format: "gif" })
    const tasks: Array<string> = []
    for await (const each of client.editor.exports.stream({ projectId: project.projectId })) tasks.push(each.taskId)
    expect(tasks).toEqual([task.taskId])
    const missing = await rejectionOf(client.editor.projects.sync("no-such-project", { editorState: {}, stateVersion: 1 }))
    expect(missing).toBeInstanceOf(ProjectsError.NotFound)
  })

  it("an Autosaver: updates coalesced and saved, statuses iterated, flushed on close", async () => {
    const project = await client.editor.projects.create({ title: "Autosaved" })
    const saver = await client.autosaver({ projectId: project.projectId, interval: 50, delay: 10 })
    const statuses: Array<AutosaverStatus> = []
    const watching = (async () => {
      for await (const status of saver.status()) {
        statuses.push(status)
        if (status._tag === "Saved" && status.stateVersion === 3) break
      }
    })()
    await saver.update({ take: 1 })
    await saver.update({ take: 2 })
    await saver.flush()
    await saver.update({ take: 3 })
    await saver.close()
    await watching
    expect(await client.editor.projects.get(project.projectId)).toMatchObject({ stateVersion: 3, editorState: { take: 3 } })
    // The loop subscribes on its first `next`, so it may start after the first update.
    expect(statuses.map((status) => status._tag)).toContain("Saving")
    expect(statuses.at(-1)).toEqual({ _tag: "Saved", stateVersion: 3 })
    // Closed: no more calls.
    expect(String(await rejectionOf(saver.update({ take: 4 })))).toContain("closed")
  })

  it("an Autosaver for an unknown project rejects with NotFound; closing the client closes open Autosavers", async () => {
    expect(await rejectionOf(client.autosaver({ projectId: "no-such-project" }))).toBeInstanceOf(ProjectsError.NotFound)
    const other = createEditorClient({ baseUrl: `${server.url}/editor`, apiKey: server.credentials.editor.apiKey })
    const project = await other.editor.projects.create({ title: "Closed with its client" })
    const saver = await other.autosaver({ projectId: project.projectId, stateVersion: 0, interval: 10_000, delay: 10_000 })
    await saver.update({ last: true })
    await other.close()
    expect(await client.editor.projects.get(project.projectId)).toMatchObject({ stateVersion: 1, editorState: { last: true } })
  })
})
