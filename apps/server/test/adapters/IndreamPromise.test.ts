/**
 * `createIndreamClient` against the reference server: Indream's own calls (`sync`, uploads and
 * bindings, exports to completion, validation) and the Autosaver for Promise users, the core errors
 * rejected as themselves (the Promise client contract: `PromiseClients.test.ts`); and the same
 * calls through the Effect `IndreamClient`.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import { type AutosaverStatus, createIndreamClient, IndreamClient, IndreamEditorState, IndreamPromise, ProjectsError } from "@projectkit/indream"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { useClient, useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const baseUrl = () => `${server().url}/indream`
const client = useClient(() => createIndreamClient({ baseUrl: baseUrl(), apiKey: server().credentials.indream.apiKey }))
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 64, 0, 0, 0, 32])

describe("createIndreamClient: Indream's own calls and the Autosaver", () => {
  it("has every member of an Autosaver on the Promise one", () => {
    expect(Object.keys(IndreamPromise.autosaverShape).sort()).toEqual(
      ["currentStatus", "flush", "savedVersion", "status", "update"]
    )
  })

  it("Indream's own calls: sync, an upload bound to the project and served back, an export to COMPLETED, validation", async () => {
    const indream = client().indream
    const project = await indream.projects.create({ title: "Own terms", editorState: IndreamEditorState.blank() })
    expect(project).toMatchObject({ title: "Own terms" })
    const synced = await indream.projects.sync(project.projectId, {
      editorState: { ...IndreamEditorState.blank(), compositionWidth: 1280 },
      stateVersion: "2"
    })
    expect(synced).toMatchObject({ projectId: project.projectId, stateVersion: "2" })
    expect(synced.updatedAt).toMatch(isoTime)
    const asset = await indream.assets.upload(png, { filename: "logo.png", contentType: "image/png", projectId: project.projectId })
    expect(asset).toMatchObject({ filename: "logo.png", mimetype: "image/png", width: 64, height: 32 })
    const served = await fetch(asset.fileUrl)
    expect(served.headers.get("content-type")).toBe("image/png")
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png)
    expect((await indream.assets.listForProject(project.projectId)).items.map((each) => each.assetId)).toEqual([asset.assetId])
    const task = await indream.exports.createFromProject(project.projectId, { fps: 30, ratio: "16:9", scale: 1, format: "mp4" })
    const done = await indream.exports.wait(task.taskId, { interval: 20 })
    expect(done).toMatchObject({ taskId: task.taskId, status: "COMPLETED", progress: 100 })
    expect((await fetch(done.outputUrl!)).status).toBe(200)
    expect(await indream.editor.validate({ tracks: 5 } as never)).toMatchObject({ valid: false })
    const missing = await rejectionOf(indream.projects.get("00000000-0000-4000-8000-000000000000"))
    expect(missing).toBeInstanceOf(ProjectsError.NotFound)
  }, 30_000)

  it("an Autosaver: updates coalesced and saved, statuses iterated, flushed on close", async () => {
    const project = await client().indream.projects.create({ title: "Autosaved", editorState: IndreamEditorState.blank() })
    // The Autosaver counts on from the version the project was opened at.
    const opened = Number((await client().indream.projects.get(project.projectId)).stateVersion)
    const last = String(opened + 3)
    const saver = await client().autosaver({ projectId: project.projectId, interval: 50, delay: 10 })
    const statuses: Array<AutosaverStatus> = []
    const watching = (async () => {
      for await (const status of saver.status()) {
        statuses.push(status)
        if (status._tag === "Saved" && status.stateVersion === last) break
      }
    })()
    await saver.update({ ...IndreamEditorState.blank(), compositionWidth: 1001 })
    await saver.update({ ...IndreamEditorState.blank(), compositionWidth: 1002 })
    await saver.flush()
    await saver.update({ ...IndreamEditorState.blank(), compositionWidth: 1003 })
    await saver.close()
    await watching
    expect(await client().indream.projects.get(project.projectId)).toMatchObject({
      stateVersion: last,
      editorState: { compositionWidth: 1003 }
    })
    expect(statuses.at(-1)).toEqual({ _tag: "Saved", stateVersion: last })
    expect(String(await rejectionOf(saver.update(IndreamEditorState.blank())))).toContain("closed")
  })
})

describe("IndreamClient (Effect) against the reference server", () => {
  it("creates, reads and lists a project, and refuses a wrong key with Unauthorized", async () => {
    const run = <A, E>(effect: Effect.Effect<A, E, never>) => Effect.runPromise(effect)
    const made = (apiKey: string) => IndreamClient.make({ apiKey, baseUrl: baseUrl() }).pipe(Effect.provide(FetchHttpClient.layer))
    const result = await run(Effect.gen(function*() {
      const indream = yield* made(server().credentials.indream.apiKey)
      const project = yield* indream.projects.create({ title: "Effectful", editorState: IndreamEditorState.blank() })
      const read = yield* indream.projects.get(project.projectId)
      const listed = yield* indream.projects.list({ pageSize: 50 })
      const refused = yield* Effect.flip((yield* made("ik_live_wrong")).projects.list())
      return { title: read.title, listed: listed.items.some((each) => each.projectId === project.projectId), refused: refused._tag }
    }))
    expect(result).toEqual({ title: "Effectful", listed: true, refused: "Unauthorized" })
  })
})
