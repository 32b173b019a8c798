/**
 * The `projectkit-server` bin as a real child process (`dist/bin.js`): `--port 0` with
 * `--ready-file`, the banner, `--export-on-exit` then `--import` (the snapshot's credentials keep
 * working in the next process), a refused snapshot stopping the start with its reason,
 * `--latency-ms` and `--journal`.
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const bin = Path.resolve(import.meta.dirname, "../dist/bin.js")
const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-bin-"))
const children = new Set<ChildProcess.ChildProcess>()
afterAll(() => {
  for (const child of children) child.kill("SIGKILL")
  Fs.rmSync(work, { recursive: true, force: true })
})

interface Ready {
  readonly url: string
  readonly dialectUrls: Record<string, string>
  readonly adminToken: string
  readonly demo: { id: string; credentials: { sync: { apiKey: string } } } | null
  readonly pid: number
}

let counter = 0

/** Starts the bin with `args` (plus --port 0 and a ready file) and waits for its ready file. */
const start = async (args: ReadonlyArray<string>) => {
  const readyFile = Path.join(work, `ready-${++counter}.json`)
  const child = ChildProcess.spawn(process.execPath, [bin, "--port", "0", "--ready-file", readyFile, ...args], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  children.add(child)
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  // The ready file, or the exit that means it will never come (tried until the file is whole).
  const ready = await eventuallyPromise(() => {
    if (Fs.existsSync(readyFile)) return JSON.parse(Fs.readFileSync(readyFile, "utf8")) as Ready
    if (child.exitCode !== null) return "exited" as const
    throw new Error(`no ready file:\n${output}`)
  }, { within: "15 seconds", every: "25 millis" })
  if (ready === "exited") throw new Error(`the server exited ${child.exitCode}:\n${output}`)
  return { child, ready, exited, output: () => output }
}

const stop = async (server: { child: ChildProcess.ChildProcess; exited: Promise<number | null> }) => {
  server.child.kill("SIGTERM")
  const code = await server.exited
  children.delete(server.child)
  return code
}

describe("projectkit-server", () => {
  it("--port 0 picks a free port, writes the ready file, and the banner says where everything is", async () => {
    const server = await start(["--data", ":memory:"])
    try {
      const { ready } = server
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(ready.url.endsWith(":0")).toBe(false)
      expect(ready.dialectUrls).toEqual({
        sync: `${ready.url}/sync`,
        sanity: `${ready.url}/sanity`,
        indream: `${ready.url}/indream`
      })
      expect(ready.pid).toBe(server.child.pid)
      expect((await fetch(`${ready.url}/__projectkit/health`)).status).toBe(200)
      const projects = await fetch(`${ready.dialectUrls["sync"]}/v2/projects`, { headers: { "x-api-key": ready.demo!.credentials.sync.apiKey } })
      expect(projects.status).toBe(200)
      const banner = server.output()
      expect(banner).toContain(`on ${ready.url} (SQLite: :memory:)`)
      expect(banner).toContain(`docs: ${ready.url}/sync/docs`)
      expect(banner).toContain(`demo sync.so key    ${ready.demo!.credentials.sync.apiKey}`)
      expect(banner).toContain("the data was in memory only and is gone")
      expect(banner).not.toContain("the data stays in the database")
    } finally {
      expect(await stop(server)).toBe(0)
    }
  }, 30_000)

  it("--export-on-exit writes a snapshot that --import loads, with the same credentials", async () => {
    const snapshotFile = Path.join(work, "state.json")
    const first = await start(["--data", ":memory:", "--export-on-exit", snapshotFile])
    const { ready } = first
    const key = { "x-api-key": ready.demo!.credentials.sync.apiKey, "content-type": "application/json" }
    expect((await fetch(`${ready.url}/sync/v2/projects`, { method: "POST", headers: key, body: JSON.stringify({ name: "kept" }) })).status)
      .toBe(201)
    expect(first.output()).toContain(`writes a snapshot to ${snapshotFile}`)
    expect(await stop(first)).toBe(0)
    expect(first.output()).toContain(`Wrote a snapshot to ${snapshotFile}`)
    const snapshot = JSON.parse(Fs.readFileSync(snapshotFile, "utf8")) as { format: string; tables: Record<string, Array<unknown>> }
    expect(snapshot.format).toBe("projectkit-snapshot")
    expect(snapshot.tables["sync_projects"]).toHaveLength(1)

    const second = await start(["--data", ":memory:", "--import", snapshotFile])
    try {
      // No demo credentials are issued anew: the imported ones are the ones that work.
      expect(second.ready.demo).toBeNull()
      expect(second.output()).toContain(`imported from ${snapshotFile}`)
      const listed = await fetch(`${second.ready.url}/sync/v2/projects`, { headers: key })
      expect(await listed.json()).toMatchObject({ items: [{ name: "kept" }] })
    } finally {
      await stop(second)
    }
  }, 30_000)

  it("refuses to start on a snapshot it cannot import, and says why", async () => {
    const bad = Path.join(work, "bad.json")
    Fs.writeFileSync(bad, JSON.stringify({ format: "projectkit-snapshot", version: 99, schema: 1, tables: {} }))
    await expect(start(["--data", ":memory:", "--import", bad])).rejects.toThrow(/Snapshot version 99 is not supported/)
    const notJson = Path.join(work, "not.json")
    Fs.writeFileSync(notJson, "{")
    await expect(start(["--data", ":memory:", "--import", notJson])).rejects.toThrow(/--import .*not\.json/)
  }, 30_000)

  it("--latency-ms delays every dialect request, not the control plane; --journal records them", async () => {
    // A second of latency: far above what a first request costs on a loaded machine, so "not
    // delayed" and "delayed" cannot be confused.
    const server = await start(["--data", ":memory:", "--latency-ms", "1000", "--journal"])
    try {
      const { ready } = server
      let started = performance.now()
      expect((await fetch(`${ready.url}/__projectkit/health`)).status).toBe(200)
      expect(performance.now() - started).toBeLessThan(1000)
      started = performance.now()
      expect((await fetch(`${ready.url}/sync/v2/projects`, { headers: { "x-api-key": ready.demo!.credentials.sync.apiKey } })).status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(995)
      const journal = await fetch(`${ready.url}/__projectkit/requests`, { headers: { authorization: `Bearer ${ready.adminToken}` } })
      expect(await journal.json()).toMatchObject({
        enabled: true,
        requests: [{ path: "/sync/v2/projects", status: 200, organization: ready.demo!.id, durationMs: expect.any(Number) }]
      })
    } finally {
      await stop(server)
    }
  }, 30_000)
})
