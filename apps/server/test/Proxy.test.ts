/**
 * Recording through the server (issue 27): `--proxy <dialect>=<upstream>` forwards that dialect's
 * requests to another projectkit server and streams its answers back unchanged, each exchange is
 * journaled and exported as HAR 1.2 with credentials masked, and `--record` writes that HAR on
 * SIGTERM. The upstream is a second real server; on SQLite, or PostgreSQL when configured.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type RunningServer, startServer } from "../src/Emulator.js"
import type { HarDocument } from "../src/Har.js"
import * as ServerProcess from "./support/ServerProcess.js"
import { backend, createSchema, postgresUrl } from "./support/TestDatabase.js"

const dropped: Array<() => Promise<void>> = []
const database = async () => {
  if (postgresUrl === undefined) return ":memory:"
  const schema = await createSchema(postgresUrl)
  dropped.push(schema.drop)
  return schema.url
}

const har = async (server: RunningServer) => {
  const response = await fetch(`${server.url}/__projectkit/requests?format=har`, {
    headers: { authorization: `Bearer ${server.adminToken}` }
  })
  expect(response.status).toBe(200)
  return await response.json() as HarDocument
}

describe(`--proxy (${backend})`, () => {
  let upstream: RunningServer
  let recorder: RunningServer
  let apiKey: string

  beforeAll(async () => {
    upstream = await startServer({ data: await database(), logLevel: "None" })
    apiKey = (await upstream.createOrganization("upstream org")).credentials.sync.apiKey
    recorder = await startServer({
      data: await database(),
      logLevel: "None",
      proxy: [{ dialect: "sync", upstream: upstream.dialectUrls["sync"]! }]
    })
  }, 60_000)
  afterAll(async () => {
    await recorder?.close()
    await upstream?.close()
    for (const drop of dropped.splice(0)) await drop()
  })

  it("forwards the dialect's requests to the upstream and answers what it answered", async () => {
    const created = await fetch(`${recorder.dialectUrls["sync"]}/v2/projects`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "recorded" })
    })
    expect(created.status).toBe(201)
    const project = await created.json() as { id: string; name: string }
    expect(project.name).toBe("recorded")
    // It is the upstream's project: the upstream answers it directly.
    const direct = await fetch(`${upstream.dialectUrls["sync"]}/v2/projects/${project.id}`, { headers: { "x-api-key": apiKey } })
    expect(direct.status).toBe(200)
    const throughProxy = await fetch(`${recorder.dialectUrls["sync"]}/v2/projects/${project.id}?x=1`, { headers: { "x-api-key": apiKey } })
    expect(throughProxy.status).toBe(200)
    expect(await throughProxy.json()).toEqual(await direct.json())
    // The upstream's refusals come back as they were.
    const refused = await fetch(`${recorder.dialectUrls["sync"]}/v2/projects`, { headers: { "x-api-key": "wrong" } })
    expect(refused.status).toBe(401)

    const document = await har(recorder)
    expect(document.log.version).toBe("1.2")
    const entries = document.log.entries.filter((entry) => entry.request.url.includes(project.id) || entry.request.method === "POST")
    expect(entries.map((entry) => [entry.request.method, entry.response.status])).toEqual([["POST", 201], ["GET", 200]])
    const [post, get] = entries
    expect(post!.request.postData?.text).toBe(JSON.stringify({ name: "recorded" }))
    expect(JSON.parse(post!.response.content.text!)).toMatchObject({ id: project.id, name: "recorded" })
    expect(get!.request.queryString).toEqual([{ name: "x", value: "1" }])
    expect(get!._dialect).toBe("sync")
    // The credential is masked as the journal masks it: recognisable, never whole.
    const key = post!.request.headers.find((header) => header.name.toLowerCase() === "x-api-key")!.value
    expect(key).not.toBe(apiKey)
    expect(JSON.stringify(document)).not.toContain(apiKey)
  })

  it("keeps the dialect's docs its own and leaves the other dialects emulated", async () => {
    expect((await fetch(`${recorder.dialectUrls["sync"]}/openapi.json`)).status).toBe(200)
    const own = await recorder.createOrganization("recorder org")
    const indream = await fetch(`${recorder.dialectUrls["indream"]}/v1/projects`, {
      headers: { "x-api-key": own.credentials.indream.apiKey }
    })
    expect(indream.status).toBe(200)
  })

  it("answers 502 in the dialect's own format when the upstream cannot be reached", async () => {
    const lonely = await startServer({ logLevel: "None", proxy: [{ dialect: "sync", upstream: "http://127.0.0.1:1/sync" }] })
    try {
      const response = await fetch(`${lonely.dialectUrls["sync"]}/v2/projects`, { headers: { "x-api-key": "k" } })
      expect(response.status).toBe(502)
      const body = await response.json() as Record<string, unknown>
      expect(typeof body["message"] === "string" || typeof body["error"] === "string").toBe(true)
    } finally {
      await lonely.close()
    }
  })
})

describe(`--record (${backend})`, () => {
  it("writes the proxied exchanges as HAR 1.2 on SIGTERM, and refuses an unknown dialect", async () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "pk-record-"))
    const upstream = await startServer({ data: await database(), logLevel: "None" })
    try {
      const apiKey = (await upstream.createOrganization("upstream")).credentials.sync.apiKey
      const file = Path.join(dir, "traffic.har")
      const recorder = await ServerProcess.start(postgresUrl === undefined ? Path.join(dir, "recorder.db") : await database(), [
        "--proxy",
        `sync=${upstream.dialectUrls["sync"]}`,
        "--record",
        file
      ])
      const created = await ServerProcess.call(recorder.baseUrl, "/sync/v2/projects", {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "on disk" })
      })
      expect(created.status).toBe(201)
      await ServerProcess.stop(recorder)
      const written = JSON.parse(Fs.readFileSync(file, "utf8")) as HarDocument
      expect(written.log.entries.map((entry) => [entry.request.method, entry.response.status])).toEqual([["POST", 201]])
      expect(Fs.readFileSync(file, "utf8")).not.toContain(apiKey)

      await expect(ServerProcess.start(Path.join(dir, "other.db"), ["--proxy", "nosuch=http://127.0.0.1:1"]))
        .rejects.toThrow(/no dialect nosuch/)
    } finally {
      await upstream.close()
      for (const drop of dropped.splice(0)) await drop()
    }
  }, 60_000)
})
