// The practical ceiling for Node here: a hand-written node:http + better-sqlite3 server doing what
// the reference server's sync.so routes do for create, get and list (an API-key lookup, one
// indexed statement, JSON out), with none of the framework. Started by run.mjs as a child process;
// prints {"port","apiKey","id"} on its first line.
import Database from "better-sqlite3"
import * as Crypto from "node:crypto"
import * as Http from "node:http"

const [file, seedCount] = [process.argv[2], Number(process.argv[3] ?? 1000)]
const db = new Database(file)
db.pragma("journal_mode = WAL")
db.pragma("synchronous = NORMAL")
db.exec(`
  CREATE TABLE IF NOT EXISTS credentials (secret TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, owner_id TEXT NOT NULL, name TEXT NOT NULL,
    visibility TEXT NOT NULL, mode TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS projects_by_created ON projects(org_id, created_at, id);
`)
const apiKey = `sk-${Crypto.randomBytes(16).toString("hex")}`
const orgId = Crypto.randomUUID()
const userId = Crypto.randomUUID()
db.prepare("INSERT INTO credentials VALUES (?, ?, ?)").run(apiKey, orgId, userId)

const auth = db.prepare("SELECT org_id, user_id FROM credentials WHERE secret = ?")
const insert = db.prepare("INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
const byId = db.prepare(
  "SELECT id, name, visibility, mode, created_at, updated_at FROM projects WHERE id = ? AND org_id = ? AND (visibility = 'ORGANIZATION' OR owner_id = ?)"
)
const firstPage = db.prepare(
  "SELECT id, name, visibility, mode, created_at, updated_at FROM projects WHERE org_id = ? AND (visibility = 'ORGANIZATION' OR owner_id = ?) ORDER BY created_at DESC, id DESC LIMIT ?"
)

let firstId
db.transaction(() => {
  const base = Date.now() - seedCount
  for (let i = 0; i < seedCount; i++) {
    const id = Crypto.randomUUID()
    firstId ??= id
    insert.run(id, orgId, userId, `Project ${i}`, "ORGANIZATION", "CREATOR", base + i, base + i)
  }
})()

const wire = (row) => ({
  id: row.id,
  name: row.name,
  visibility: row.visibility,
  mode: row.mode,
  createdAt: new Date(Number(row.created_at)).toISOString(),
  updatedAt: new Date(Number(row.updated_at)).toISOString()
})

const send = (res, status, body) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

const server = Http.createServer((req, res) => {
  const caller = auth.get(String(req.headers["x-api-key"] ?? ""))
  if (caller === undefined) return send(res, 401, { statusCode: 401, message: "Unauthorized" })
  const url = new URL(req.url, "http://x")
  if (req.method === "POST" && url.pathname === "/sync/v2/projects") {
    const chunks = []
    req.on("data", (c) => chunks.push(c))
    req.on("end", () => {
      let input
      try {
        input = JSON.parse(Buffer.concat(chunks).toString())
      } catch {
        return send(res, 400, { statusCode: 400, message: "Bad JSON" })
      }
      if (typeof input?.name !== "string") return send(res, 400, { statusCode: 400, message: "name" })
      const now = Date.now()
      const row = { id: Crypto.randomUUID(), name: input.name, visibility: "ORGANIZATION", mode: "CREATOR", created_at: now, updated_at: now }
      insert.run(row.id, caller.org_id, caller.user_id, row.name, row.visibility, row.mode, now, now)
      send(res, 201, wire(row))
    })
    return
  }
  if (req.method === "GET" && url.pathname === "/sync/v2/projects") {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 20), 100)
    const rows = firstPage.all(caller.org_id, caller.user_id, limit + 1)
    return send(res, 200, { items: rows.slice(0, limit).map(wire), nextCursor: rows.length > limit ? "next" : null })
  }
  const match = /^\/sync\/v2\/projects\/([^/]+)$/.exec(url.pathname)
  if (req.method === "GET" && match) {
    const row = byId.get(match[1], caller.org_id, caller.user_id)
    return row === undefined ? send(res, 404, { statusCode: 404, message: "Not found" }) : send(res, 200, wire(row))
  }
  send(res, 404, { statusCode: 404, message: "Not found" })
})
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, apiKey, id: firstId }))
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))
