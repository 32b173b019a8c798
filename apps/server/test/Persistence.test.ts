/**
 * Durability of the embedded SQLite storage, with the real server process (`dist/bin.js`): data
 * survives a clean stop and restart on the same file, and a server killed with SIGKILL in the
 * middle of a write load keeps every write it acknowledged.
 */
import { afterEach, describe, expect, it } from "vitest"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as ServerProcess from "./support/ServerProcess.js"

const running = new Set<ServerProcess.ServerProcess>()

afterEach(() => {
  for (const server of running) server.process.kill("SIGKILL")
  running.clear()
})

const start = async (database: string) => {
  const server = await ServerProcess.start(database)
  running.add(server)
  return server
}

const createOrganization = async (baseUrl: string) =>
  (await ServerProcess.createOrganization(baseUrl, "Durable")).credentials.sync.apiKey

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
