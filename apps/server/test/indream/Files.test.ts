/**
 * Indream's uploaded files through their real path (HTTP to servers started with `startServer`),
 * on a SQLite file (the files in a folder beside it, which these tests look into) or, when
 * PROJECTKIT_TEST_DATABASE_URL is set, on PostgreSQL (the files in the database): `fileUrl`
 * serves the bytes and type uploaded; deleting the asset, emptying or deleting the organization
 * and resetting the server remove the files; snapshots carry them to a fresh server; files an
 * earlier version kept in the database are still served (and moved into the folder); a streamed
 * body over the limit gets its 413 while the client is still sending, and leaves nothing stored.
 */
import Sqlite from "better-sqlite3"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../../src/Emulator.js"
import * as TestDatabase from "../support/TestDatabase.js"

const limit = 1024 * 1024
const onFile = TestDatabase.postgresUrl === undefined
const backend = onFile ? "SQLite file" : "PostgreSQL"

const running: Array<RunningServer> = []
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()))
  for (const cleanup of cleanups) await cleanup()
})

/** A fresh database: a SQLite file in a folder of its own, or a PostgreSQL schema. */
const freshDatabase = async (): Promise<string> => {
  if (TestDatabase.postgresUrl !== undefined) {
    const schema = await TestDatabase.createSchema(TestDatabase.postgresUrl)
    cleanups.push(schema.drop)
    return schema.url
  }
  const folder = Fs.mkdtempSync(Path.join(Os.tmpdir(), "pk-indream-files-"))
  cleanups.push(async () => Fs.rmSync(folder, { recursive: true, force: true }))
  return Path.join(folder, "data.db")
}

const start = async (data: string, snapshot?: unknown) => {
  const server = await startServer({
    data,
    logLevel: "Error",
    indream: { maxUploadBytes: limit },
    ...(snapshot === undefined ? {} : { snapshot })
  })
  running.push(server)
  return server
}

/** The folder of `data`'s Indream files (SQLite file only). */
const filesOf = (data: string) => Path.join(`${data}-files`, "indream")

/** Every file under `folder`, recursively, by its path there (none if it does not exist). */
const filesUnder = (folder: string): Array<string> =>
  Fs.existsSync(folder)
    ? Fs.readdirSync(folder, { recursive: true }).map(String).filter((name) => Fs.statSync(Path.join(folder, name)).isFile())
    : []

interface Uploaded {
  readonly assetId: string
  readonly fileKey: string
  readonly fileUrl: string
}

const upload = async (server: RunningServer, apiKey: string, bytes: Uint8Array, type: string) => {
  const response = await fetch(`${server.url}/indream/v1/uploads`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": type, "x-file-name": "blob.bin" },
    body: bytes
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { data: Uploaded }).data
}

const served = async (fileUrl: string) => {
  const response = await fetch(fileUrl)
  return { status: response.status, type: response.headers.get("content-type"), bytes: new Uint8Array(await response.arrayBuffer()) }
}

const control = async (server: RunningServer, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}/__projectkit${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) as Record<string, unknown> }
}

/** The rows a snapshot of `orgId` holds of `table`. */
const snapshotRows = async (server: RunningServer, orgId: string, table: string) => {
  const exported = await control(server, "GET", `/export?org=${orgId}`)
  expect(exported.status).toBe(200)
  return ((exported.body?.["tables"] as Record<string, Array<Record<string, unknown>>>)[table]) ?? []
}

/** Where `orgId`'s file `fileKey` is kept beside the SQLite file `data`. */
const pathOf = (data: string, orgId: string, fileKey: string) => Path.join(filesOf(data), orgId, fileKey.slice("uploads/".length))

const newOrg = async (server: RunningServer, name: string) => {
  const org = await server.createOrganization(name)
  return { id: org.id, apiKey: (org.credentials as { indream: { apiKey: string } }).indream.apiKey }
}

describe(`Indream files (${backend})`, () => {
  it("are served back byte for byte with their Content-Type, kept beside a SQLite file", async () => {
    const data = await freshDatabase()
    const server = await start(data)
    const org = await newOrg(server, "files")
    // More than one chunk, not a multiple of it.
    const bytes = new Uint8Array(Crypto.randomBytes(200 * 1024 + 17))
    const uploaded = await upload(server, org.apiKey, bytes, "application/x-projectkit-test")
    const answer = await served(uploaded.fileUrl)
    expect(answer.status).toBe(200)
    expect(answer.type).toBe("application/x-projectkit-test")
    expect(Buffer.from(answer.bytes).equals(Buffer.from(bytes))).toBe(true)
    if (onFile) {
      const path = pathOf(data, org.id, uploaded.fileKey)
      expect(Buffer.from(Fs.readFileSync(path)).equals(Buffer.from(bytes))).toBe(true)
      // Complete, under its own name only: no temporary file is left.
      expect(filesUnder(filesOf(data))).toEqual([Path.join(org.id, Path.basename(path))])
      // Not in the database as well.
      const db = new Sqlite(data, { readonly: true })
      expect(db.prepare("SELECT COUNT(*) AS n FROM indream_files").get()).toEqual({ n: 0 })
      db.close()
    }
    // A snapshot carries it, as rows, on either backend.
    const rows = await snapshotRows(server, org.id, "indream_files")
    expect(Buffer.concat(rows.map((row) => Buffer.from(String(row["data"]), "base64"))).equals(Buffer.from(bytes))).toBe(true)
  })

  it("are removed with their asset, their organization emptied or deleted, and the server reset", async () => {
    const data = await freshDatabase()
    const server = await start(data)
    const bytes = new Uint8Array(Crypto.randomBytes(1000))
    const kept = await newOrg(server, "kept")
    const keptFile = await upload(server, kept.apiKey, bytes, "image/png")

    const org = await newOrg(server, "deleting")
    const first = await upload(server, org.apiKey, bytes, "image/png")
    const second = await upload(server, org.apiKey, bytes, "image/png")
    const deleted = await fetch(`${server.url}/indream/v1/assets/${first.assetId}`, { method: "DELETE", headers: { "x-api-key": org.apiKey } })
    expect(deleted.status).toBe(200)
    expect((await served(first.fileUrl)).status).toBe(404)
    expect((await served(second.fileUrl)).status).toBe(200)
    if (onFile) {
      expect(Fs.existsSync(pathOf(data, org.id, first.fileKey))).toBe(false)
      expect(Fs.existsSync(pathOf(data, org.id, second.fileKey))).toBe(true)
    }
    expect((await snapshotRows(server, org.id, "indream_files")).map((row) => row["file_key"])).toEqual([second.fileKey])

    // Emptied: its files go, its key still works.
    expect((await control(server, "POST", `/orgs/${org.id}/reset`)).status).toBe(204)
    expect((await served(second.fileUrl)).status).toBe(404)
    expect(await snapshotRows(server, org.id, "indream_files")).toEqual([])
    if (onFile) expect(filesUnder(Path.join(filesOf(data), org.id))).toEqual([])
    const again = await upload(server, org.apiKey, bytes, "image/png")
    if (onFile) expect(Fs.existsSync(pathOf(data, org.id, again.fileKey))).toBe(true)

    // Deleted: its folder goes; another organization's files stay.
    expect((await control(server, "DELETE", `/orgs/${org.id}`)).status).toBe(204)
    expect((await served(again.fileUrl)).status).toBe(404)
    if (onFile) expect(Fs.existsSync(Path.join(filesOf(data), org.id))).toBe(false)
    expect((await served(keptFile.fileUrl)).status).toBe(200)

    // The whole server reset: every file goes.
    expect((await control(server, "POST", "/reset")).status).toBe(204)
    expect((await served(keptFile.fileUrl)).status).toBe(404)
    if (onFile) expect(filesUnder(filesOf(data))).toEqual([])
  })

  it("travel in snapshots: a fresh server started from one serves the same bytes", async () => {
    const source = await start(await freshDatabase())
    const org = await newOrg(source, "travelling")
    const bytes = new Uint8Array(Crypto.randomBytes(300 * 1024 - 3))
    const uploaded = await upload(source, org.apiKey, bytes, "video/mp4")
    const snapshot = (await control(source, "GET", "/export")).body

    const data = await freshDatabase()
    const target = await start(data, snapshot)
    const fileUrl = uploaded.fileUrl.replace(source.url, target.url)
    const answer = await served(fileUrl)
    expect(answer.status).toBe(200)
    expect(answer.type).toBe("video/mp4")
    expect(Buffer.from(answer.bytes).equals(Buffer.from(bytes))).toBe(true)
    if (onFile) {
      // Moved from the imported rows into the folder.
      expect(Fs.readFileSync(pathOf(data, org.id, uploaded.fileKey)).equals(Buffer.from(bytes))).toBe(true)
      const db = new Sqlite(data, { readonly: true })
      expect(db.prepare("SELECT COUNT(*) AS n FROM indream_files").get()).toEqual({ n: 0 })
      db.close()
    }
    // The same document again, files included.
    expect((await control(target, "GET", "/export")).body).toEqual(snapshot)

    // Importing one organization over itself on a running server replaces its files.
    const later = await upload(target, org.apiKey, bytes, "video/mp4")
    const orgSnapshot = (await control(source, "GET", `/export?org=${org.id}`)).body
    expect((await control(target, "POST", "/import", orgSnapshot)).status).toBe(200)
    expect((await served(fileUrl)).status).toBe(200)
    expect(Buffer.from((await served(fileUrl)).bytes).equals(Buffer.from(bytes))).toBe(true)
    expect((await served(later.fileUrl)).status).toBe(404)
    if (onFile) {
      expect(filesUnder(Path.join(filesOf(data), org.id))).toEqual([Path.basename(pathOf(data, org.id, uploaded.fileKey))])
    }
  })

  it.skipIf(!onFile)("stored in the database by an earlier version are still served, and moved beside the file; stale temporary files go", async () => {
    const data = await freshDatabase()
    const first = await start(data)
    const org = await newOrg(first, "earlier")
    const bytes = new Uint8Array(Crypto.randomBytes(600 * 1024))
    const uploaded = await upload(first, org.apiKey, bytes, "audio/mpeg")
    await first.close()
    running.splice(running.indexOf(first), 1)
    // As an earlier version kept it: base64 chunks in `indream_files`, nothing in the folder.
    const path = pathOf(data, org.id, uploaded.fileKey)
    Fs.rmSync(path)
    const db = new Sqlite(data)
    const insert = db.prepare("INSERT INTO indream_files (file_key, seq, org_id, data) VALUES (?, ?, ?, ?)")
    const chunk = 256 * 1024
    for (let seq = 0; seq * chunk < bytes.length; seq++) {
      insert.run(uploaded.fileKey, seq, org.id, Buffer.from(bytes.subarray(seq * chunk, (seq + 1) * chunk)).toString("base64"))
    }
    db.close()
    // Temporary files: one of a process that stopped an hour ago, one as of an upload under way.
    const stale = `${path}.stale.part`
    const fresh = `${path}.fresh.part`
    Fs.writeFileSync(stale, "half")
    Fs.writeFileSync(fresh, "half")
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    Fs.utimesSync(stale, hoursAgo, hoursAgo)

    const second = await start(data)
    const answer = await served(uploaded.fileUrl.replace(first.url, second.url))
    expect(answer.status).toBe(200)
    expect(Buffer.from(answer.bytes).equals(Buffer.from(bytes))).toBe(true)
    expect(Fs.readFileSync(path).equals(Buffer.from(bytes))).toBe(true)
    const after = new Sqlite(data, { readonly: true })
    expect(after.prepare("SELECT COUNT(*) AS n FROM indream_files").get()).toEqual({ n: 0 })
    after.close()
    expect(Fs.existsSync(stale)).toBe(false)
    expect(Fs.existsSync(fresh)).toBe(true)
  })
})

/**
 * Streams an upload with `http.request`, a piece at a time, each written once the previous one
 * is flushed, until the server's response arrives (or `cap` bytes were sent, which fails the
 * test); then ends the request and reads the answer.
 */
const streamUntilAnswered = (url: string, apiKey: string, cap: number) =>
  new Promise<{ status: number; body: string; sentBeforeAnswer: number; endedBeforeAnswer: boolean }>((resolve, reject) => {
    const piece = Crypto.randomBytes(16 * 1024)
    let sent = 0
    let ended = false
    let answered = false
    const request = Http.request(`${url}/indream/v1/uploads`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/octet-stream", "x-file-name": "endless.bin" }
    })
    request.on("error", reject)
    request.on("response", (response) => {
      answered = true
      const sentBeforeAnswer = sent
      const endedBeforeAnswer = ended
      if (!ended) {
        ended = true
        request.end()
      }
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (text: string) => (body += text))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, sentBeforeAnswer, endedBeforeAnswer }))
      response.on("error", reject)
    })
    const next = () => {
      if (answered || ended) return
      if (sent >= cap) {
        ended = true
        request.end()
        return
      }
      sent += piece.length
      request.write(piece, (error) => error === undefined || error === null ? next() : reject(error))
    }
    next()
  })

describe(`Indream uploads over the limit (${backend})`, () => {
  it("get their 413 while the body is still arriving (http.request), and leave nothing stored", async () => {
    const data = await freshDatabase()
    const server = await start(data)
    const org = await newOrg(server, "over")
    const answer = await streamUntilAnswered(server.url, org.apiKey, 64 * limit)
    expect(answer.endedBeforeAnswer).toBe(false)
    expect(answer.status).toBe(413)
    expect(answer.sentBeforeAnswer).toBeGreaterThan(limit)
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, errorCode: "OPEN_API_PAYLOAD_TOO_LARGE" })
    // Nothing kept: no asset, no file, no temporary file.
    expect(await snapshotRows(server, org.id, "indream_assets")).toEqual([])
    expect(await snapshotRows(server, org.id, "indream_files")).toEqual([])
    if (onFile) expect(filesUnder(filesOf(data))).toEqual([])
    // The server goes on serving, this organization included.
    const uploaded = await upload(server, org.apiKey, new Uint8Array(Crypto.randomBytes(1000)), "image/png")
    expect((await served(uploaded.fileUrl)).status).toBe(200)
  })

  it("get their 413 while the body is still arriving (fetch with a streamed body)", async () => {
    const data = await freshDatabase()
    const server = await start(data)
    const org = await newOrg(server, "over-fetch")
    const piece = new Uint8Array(Crypto.randomBytes(16 * 1024))
    let sent = 0
    let answered = false
    let endedBeforeAnswer = false
    const cap = 64 * limit
    // Pulled as fast as the connection takes it; ends once the answer is in (or at the cap).
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (answered || sent >= cap) {
          endedBeforeAnswer = !answered
          controller.close()
          return
        }
        sent += piece.length
        controller.enqueue(piece)
      }
    })
    const response = await fetch(`${server.url}/indream/v1/uploads`, {
      method: "POST",
      headers: { "x-api-key": org.apiKey, "content-type": "application/octet-stream", "x-file-name": "endless.bin" },
      body,
      duplex: "half"
    } as RequestInit)
    answered = true
    expect(endedBeforeAnswer).toBe(false)
    expect(sent).toBeLessThan(cap)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ status: 413, errorCode: "OPEN_API_PAYLOAD_TOO_LARGE" })
    expect(await snapshotRows(server, org.id, "indream_files")).toEqual([])
    if (onFile) expect(filesUnder(filesOf(data))).toEqual([])
  })
})
