/**
 * `createEditorClient` against the reference server: the editor's own calls (`sync`, assets,
 * exports) and the Autosaver for Promise users, the core errors rejected as themselves (the Promise
 * client contract: `PromiseClients.test.ts`).
 */
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import { type AutosaverStatus, createEditorClient, EditorPromise, ProjectsError } from "@projectkit/editor"
import { describe, expect, it } from "vitest"
import { useClient, useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const client = useClient(() => createEditorClient({ baseUrl: `${server().url}/editor`, apiKey: server().credentials.editor.apiKey }))
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

describe("createEditorClient: the editor's own calls and the Autosaver", () => {
  it("has every member of an Autosaver on the Promise one, and close", () => {
    expect(Object.keys(EditorPromise.autosaverShape).sort()).toEqual(
      ["currentStatus", "flush", "savedVersion", "status", "update"]
    )
  })

  it("the editor's own calls: sync, assets, exports (for await)", async () => {
    const project = await client().editor.projects.create({ title: "Own terms" })
    expect(project).toMatchObject({ title: "Own terms", stateVersion: 0, editorState: null })
    const synced = await client().editor.projects.sync(project.projectId, { editorState: { tracks: [] }, stateVersion: 1 })
    expect(synced).toMatchObject({ projectId: project.projectId, stateVersion: 1 })
    expect(synced.updatedAt).toMatch(isoTime)
    const asset = await client().editor.assets.upload(project.projectId, new TextEncoder().encode("bytes"), "clip.bin")
    expect(asset).toMatchObject({ name: "clip.bin", size: 5 })
    expect(await client().editor.assets.list(project.projectId)).toHaveLength(1)
    const task = await client().editor.exports.fromProject(project.projectId, { format: "gif" })
    expect(task).toMatchObject({ projectId: project.projectId, format: "gif" })
    const tasks: Array<string> = []
    for await (const each of client().editor.exports.stream({ projectId: project.projectId })) tasks.push(each.taskId)
    expect(tasks).toEqual([task.taskId])
    const missing = await rejectionOf(client().editor.projects.sync("no-such-project", { editorState: {}, stateVersion: 1 }))
    expect(missing).toBeInstanceOf(ProjectsError.NotFound)
  })

  it("an Autosaver: updates coalesced and saved, statuses iterated, flushed on close", async () => {
    const project = await client().editor.projects.create({ title: "Autosaved" })
    const saver = await client().autosaver({ projectId: project.projectId, interval: 50, delay: 10 })
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
    expect(await client().editor.projects.get(project.projectId)).toMatchObject({ stateVersion: 3, editorState: { take: 3 } })
    // The loop subscribes on its first `next`, so it may start after the first update.
    expect(statuses.map((status) => status._tag)).toContain("Saving")
    expect(statuses.at(-1)).toEqual({ _tag: "Saved", stateVersion: 3 })
    // Closed: no more calls.
    expect(String(await rejectionOf(saver.update({ take: 4 })))).toContain("closed")
  })

  it("an Autosaver for an unknown project rejects with NotFound; closing the client closes open Autosavers", async () => {
    expect(await rejectionOf(client().autosaver({ projectId: "no-such-project" }))).toBeInstanceOf(ProjectsError.NotFound)
    const other = createEditorClient({ baseUrl: `${server().url}/editor`, apiKey: server().credentials.editor.apiKey })
    const project = await other.editor.projects.create({ title: "Closed with its client" })
    const saver = await other.autosaver({ projectId: project.projectId, stateVersion: 0, interval: 10_000, delay: 10_000 })
    await saver.update({ last: true })
    await other.close()
    expect(await client().editor.projects.get(project.projectId)).toMatchObject({ stateVersion: 1, editorState: { last: true } })
  })
})
