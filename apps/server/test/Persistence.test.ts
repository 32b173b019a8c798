/**
 * Durability of the embedded SQLite storage, with the real server process (`dist/bin.js`): data
 * survives a clean stop and restart on the same file, and a server killed with SIGKILL in the
 * middle of a write load keeps every write it acknowledged.
 */
import { afterEach, describe, expect, it } from "vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

const bin = Path.resolve(import.meta.dirname, "../dist/bin.js")
const adminToken = "persistence-admin-token"

interface Running {
  readonly process: ChildProcess.ChildProcess
  readonly baseUrl: string
  readonly exited: Promise<number | null>
}

const running = new Set<ChildProcess.ChildProcess>()

afterEach(() => {
  for (const child of running) child.kill("SIGKILL")
  running.clear()
})

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = Net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address() as Net.AddressInfo
      probe.close(() => resolve(address.port))
    })
  })

const start = async (database: string): Promise<Running> => {
  const port = await freePort()
  const child = ChildProcess.spawn(
    process.execPath,
    [bin, "--port", String(port), "--data", database, "--admin-token", adminToken, "--log-format", "json"],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  running.add(child)
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const baseUrl = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`)
    const healthy = await fetch(`${baseUrl}/__projectkit/health`).then((r) => r.ok, () => false)
    if (healthy) return { process: child, baseUrl, exited }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the server did not become healthy:\n${output}`)
}

const createOrganization = async (baseUrl: string) => {
  const response = await fetch(`${baseUrl}/__projectkit/orgs`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Durable" })
  })
  expect(response.status).toBe(201)
  const org = (await response.json()) as { credentials: { sync: { apiKey: string } } }
  return org.credentials.sync.apiKey
}

const createProject = (baseUrl: string, apiKey: string, name: string) =>
  fetch(`${baseUrl}/sync/v2/projects`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ name, visibility: "ORGANIZATION" })
  })

/** Every project of the organization, through the list's cursors. */
const allProjects = async (baseUrl: string, apiKey: string) => {
  const ids = new Set<string>()
  let cursor: string | undefined
  do {
    const query = new URLSearchParams({ limit: "100", ...(cursor === undefined ? {} : { cursor }) })
    const response = await fetch(`${baseUrl}/sync/v2/projects?${query}`, { headers: { "x-api-key": apiKey } })
    expect(response.status).toBe(200)
    const page = (await response.json()) as { items: Array<{ id: string }>; nextCursor?: string }
    for (const item of page.items) ids.add(item.id)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return ids
}

const temporaryDatabase = () => Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-durability-")), "data.db")

describe("persistence on SQLite", () => {
  it("keeps its data through a clean stop (SIGTERM) and a restart on the same file", async () => {
    const database = temporaryDatabase()
    const first = await start(database)
    const apiKey = await createOrganization(first.baseUrl)
    const created: Array<string> = []
    for (let i = 0; i < 20; i++) {
      const response = await createProject(first.baseUrl, apiKey, `Project ${i}`)
      expect(response.status).toBe(201)
      created.push(((await response.json()) as { id: string }).id)
    }
    first.process.kill("SIGTERM")
    expect(await first.exited).toBe(0)

    const second = await start(database)
    expect([...(await allProjects(second.baseUrl, apiKey))].sort()).toEqual([...created].sort())
  }, 30_000)

  it("keeps every acknowledged write when killed with SIGKILL during a write load", async () => {
    const database = temporaryDatabase()
    const first = await start(database)
    const apiKey = await createOrganization(first.baseUrl)
    const acknowledged: Array<string> = []
    let killed = false
    // Eight writers in parallel; the server is killed once it has acknowledged 150 writes, while
    // further requests are in flight.
    const writer = async (worker: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const response = await createProject(first.baseUrl, apiKey, `w${worker}-${i}`)
          if (response.status === 201) acknowledged.push(((await response.json()) as { id: string }).id)
        } catch {
          return // the connection died with the server: this write was never acknowledged
        }
        if (acknowledged.length >= 150 && !killed) {
          killed = true
          first.process.kill("SIGKILL")
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, (_, worker) => writer(worker)))
    await first.exited
    expect(acknowledged.length).toBeGreaterThanOrEqual(150)

    const second = await start(database)
    const stored = await allProjects(second.baseUrl, apiKey)
    const lost = acknowledged.filter((id) => !stored.has(id))
    expect(lost).toEqual([])
    // And the database is whole: it still takes writes.
    expect((await createProject(second.baseUrl, apiKey, "after the crash")).status).toBe(201)
  }, 30_000)
})
