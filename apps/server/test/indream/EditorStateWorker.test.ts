/**
 * Large editor states validated on the worker thread (`EditorStateWorker`), through the real bins
 * (tsc's `dist/bin.js` and the published bundle, whose worker file sits beside the bin's chunk):
 * a valid state stored and read back whole, an invalid one refused with exactly the problem the
 * validator gives in process, and the worker thread really running (a thread more in the process,
 * no "validated on the main thread" warning).
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as IndreamEditorState from "@projectkit/indream/IndreamEditorState"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const bins = {
  "dist/bin.js": Path.resolve(import.meta.dirname, "../../dist/bin.js"),
  "the bundle": Path.resolve(import.meta.dirname, "../../dist/bundle/projectkit-server.js")
}
const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-state-worker-"))
const children = new Set<ChildProcess.ChildProcess>()
afterAll(() => {
  for (const child of children) child.kill("SIGKILL")
  Fs.rmSync(work, { recursive: true, force: true })
})

/** A valid state of `count` back-to-back solid clips (the bench's state), over the worker's threshold when large. */
const stateOf = (count: number) => {
  const solid = (i: number) => ({
    id: `item-solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120,
    top: { value: 0, keyframes: [] }, left: { value: 0, keyframes: [] }, width: { value: 1920, keyframes: [] },
    height: { value: 1080, keyframes: [] }, scaleX: { value: 1, keyframes: [] }, scaleY: { value: 1, keyframes: [] },
    opacity: { value: 1, keyframes: [] }, isDraggingInTimeline: false, borderRadius: { value: 0, keyframes: [] },
    rotation: { value: 0, keyframes: [] }, keepAspectRatio: false
  })
  const items: Record<string, ReturnType<typeof solid>> = {}
  for (let i = 0; i < count; i++) items[`item-solid-${i}`] = solid(i)
  return {
    compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000,
    tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }],
    assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null }
  }
}

const threadsOf = (pid: number) => Number(/^Threads:\s+(\d+)/m.exec(Fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1])

let counter = 0
const start = async (bin: string) => {
  const readyFile = Path.join(work, `ready-${++counter}.json`)
  const child = ChildProcess.spawn(process.execPath, [bin, "--port", "0", "--ready-file", readyFile, "--data", ":memory:",
    "--admin-token", "worker-admin", "--indream-sync-limit", "1000", "--indream-sync-burst", "1000"], { stdio: ["ignore", "pipe", "pipe"] })
  children.add(child)
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const ready = await eventuallyPromise(() => {
    if (Fs.existsSync(readyFile)) return JSON.parse(Fs.readFileSync(readyFile, "utf8")) as { url: string }
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}:\n${output}`)
    throw new Error(`no ready file:\n${output}`)
  }, { within: "15 seconds", every: "25 millis" })
  return { child, url: ready.url, output: () => output }
}

for (const [name, bin] of Object.entries(bins)) {
  describe(`large editor states on the worker thread (${name})`, () => {
    it("stores a valid state, refuses an invalid one with the validator's own problem, on a thread of its own", async () => {
      const server = await start(bin)
      try {
        const org = await (await fetch(`${server.url}/__projectkit/orgs`, {
          method: "POST",
          headers: { authorization: "Bearer worker-admin", "content-type": "application/json" },
          body: JSON.stringify({ name: "worker" })
        })).json() as { credentials: { indream: { apiKey: string } } }
        const headers = { "x-api-key": org.credentials.indream.apiKey, "content-type": "application/json" }
        const created = await fetch(`${server.url}/indream/v1/projects`, { method: "POST", headers, body: JSON.stringify({ editorState: stateOf(1) }) })
        expect(created.status).toBe(201)
        const { data: { projectId } } = await created.json() as { data: { projectId: string } }
        const threadsBefore = threadsOf(server.child.pid!)

        const valid = stateOf(600)
        expect(JSON.stringify(valid).length).toBeGreaterThan(100_000)
        const synced = await fetch(`${server.url}/indream/v1/projects/${projectId}/sync`, {
          method: "POST", headers, body: JSON.stringify({ editorState: valid, stateVersion: "2" })
        })
        expect(synced.status).toBe(200)
        const read = await (await fetch(`${server.url}/indream/v1/projects/${projectId}`, { headers })).json() as { data: { editorState: unknown } }
        expect(read.data.editorState).toEqual(valid)

        // Two items overlapping on the track, one with an unknown property: a semantic error and a schema error.
        const invalid = stateOf(600)
        invalid.items["item-solid-300"]!.startTicks = 0
        Object.assign(invalid.items["item-solid-500"]!, { unknownProperty: true })
        const expected = IndreamEditorState.make().validate(invalid)
        expect(expected.valid).toBe(false)
        const refused = await fetch(`${server.url}/indream/v1/projects/${projectId}/sync`, {
          method: "POST", headers, body: JSON.stringify({ editorState: invalid, stateVersion: "3" })
        })
        expect(refused.status).toBe(422)
        const problem = IndreamEditorState.toProblem(expected)
        expect(await refused.json()).toEqual({
          type: problem.type, title: problem.title, status: 422, detail: problem.detail, errorCode: problem.errorCode
        })
        const kept = await (await fetch(`${server.url}/indream/v1/projects/${projectId}`, { headers })).json() as { data: { stateVersion: string } }
        expect(kept.data.stateVersion).toBe("2")

        expect(threadsOf(server.child.pid!)).toBeGreaterThan(threadsBefore)
        expect(server.output()).not.toContain("validated on the main thread")
      } finally {
        server.child.kill("SIGTERM")
        await new Promise((resolve) => server.child.once("exit", resolve))
        children.delete(server.child)
      }
    }, 60_000)
  })
}
