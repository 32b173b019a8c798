// The practical ceiling for Node here: a hand-written node:http + better-sqlite3 server doing what
// the reference server's sync.so routes do for create, get and list (an API-key lookup, one
// indexed statement, JSON out), with none of the framework. Given a postgres:// URL instead of a
// file, the same over a `pg` pool (10 connections, as the server's, and named prepared statements):
// the ceiling where every statement is a round trip to PostgreSQL. Started by run.mjs as a child
// process; prints {"port","apiKey","id"} on its first line.
import Database from "better-sqlite3"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import Pg from "pg"

const [location, seedCount] = [process.argv[2], Number(process.argv[3] ?? 1000)]
const onPostgres = location.startsWith("postgres://")
const apiKey = `sk-${Crypto.randomBytes(16).toString("hex")}`
const orgId = Crypto.randomUUID()
const userId = Crypto.randomUUID()
const schema = `
  CREATE TABLE IF NOT EXISTS credentials (secret TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, owner_id TEXT NOT NULL, name TEXT NOT NULL,
    visibility TEXT NOT NULL, mode TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS projects_by_created ON projects(org_id, created_at, id);
`
const statements = {
  auth: "SELECT org_id, user_id FROM credentials WHERE secret = ?",
  insert: "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  byId: "SELECT id, name, visibility, mode, created_at, updated_at FROM projects WHERE id = ? AND org_id = ? AND (visibility = 'ORGANIZATION' OR owner_id = ?)",
  firstPage: "SELECT id, name, visibility, mode, created_at, updated_at FROM projects WHERE org_id = ? AND (visibility = 'ORGANIZATION' OR owner_id = ?) ORDER BY created_at DESC, id DESC LIMIT ?"
}
const seedRows = Array.from({ length: seedCount }, (_, i) => {
  const at = Date.now() - seedCount + i
  return [Crypto.randomUUID(), orgId, userId, `Project ${i}`, "ORGANIZATION", "CREATOR", at, at]
})

/** Each statement as a function of its parameters giving its rows: synchronously on SQLite (so
 * that baseline pays for no promise), as a promise on PostgreSQL. */
let query
if (onPostgres) {
  const pool = new Pg.Pool({ connectionString: location, max: 10 })
  await pool.query(schema)
  await pool.query("INSERT INTO credentials VALUES ($1, $2, $3)", [apiKey, orgId, userId])
  for (let at = 0; at < seedRows.length; at += 1000) {
    const chunk = seedRows.slice(at, at + 1000)
    await pool.query(
      `INSERT INTO projects VALUES ${chunk.map((_, r) => `(${Array.from({ length: 8 }, (_, c) => `$${r * 8 + c + 1}`).join(", ")})`).join(", ")}`,
      chunk.flat()
    )
  }
  // As the bench does for the reference server's bulk insert: statistics, so the planner uses the index.
  await pool.query("ANALYZE projects")
  const numbered = (sql) => { let n = 0; return sql.replace(/\?/g, () => `$${++n}`) }
  query = Object.fromEntries(Object.entries(statements).map(([name, sql]) => {
    const text = numbered(sql)
    return [name, (...values) => pool.query({ name, text, values }).then((result) => result.rows)]
  }))
} else {
  const db = new Database(location)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.exec(schema)
  const prepared = Object.fromEntries(Object.entries(statements).map(([name, sql]) => [name, db.prepare(sql)]))
  db.prepare("INSERT INTO credentials VALUES (?, ?, ?)").run(apiKey, orgId, userId)
  db.transaction(() => { for (const row of seedRows) prepared.insert.run(...row) })()
  query = Object.fromEntries(Object.entries(prepared).map(([name, statement]) =>
    [name, statement.reader ? (...values) => statement.all(...values) : (...values) => (statement.run(...values), [])]
  ))
}
const firstId = seedRows[0]?.[0]
/** `f` of `rows`, at once when they are already there. */
const then = (rows, f) => rows instanceof Promise ? rows.then(f) : f(rows)

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

// On PostgreSQL the API-key lookup is remembered for a second, as the reference server does, so
// that both make one round trip per request; on SQLite it is a statement each time.
const remembered = new Map()
const authenticate = (key) => {
  if (!onPostgres) return query.auth(key)[0]
  const hit = remembered.get(key)
  if (hit !== undefined && hit.until > Date.now()) return hit.caller
  return query.auth(key).then(([caller]) => {
    remembered.set(key, { caller, until: Date.now() + 1000 })
    return caller
  })
}

const handle = (req, res, caller) => {
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
      then(
        query.insert(row.id, caller.org_id, caller.user_id, row.name, row.visibility, row.mode, now, now),
        () => send(res, 201, wire(row))
      )
    })
    return
  }
  if (req.method === "GET" && url.pathname === "/sync/v2/projects") {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 20), 100)
    return then(query.firstPage(caller.org_id, caller.user_id, limit + 1), (rows) =>
      send(res, 200, { items: rows.slice(0, limit).map(wire), nextCursor: rows.length > limit ? "next" : null }))
  }
  const match = /^\/sync\/v2\/projects\/([^/]+)$/.exec(url.pathname)
  if (req.method === "GET" && match) {
    return then(query.byId(match[1], caller.org_id, caller.user_id), ([row]) =>
      row === undefined ? send(res, 404, { statusCode: 404, message: "Not found" }) : send(res, 200, wire(row)))
  }
  send(res, 404, { statusCode: 404, message: "Not found" })
}

const server = Http.createServer((req, res) => {
  const fail = (error) => send(res, 500, { statusCode: 500, message: String(error) })
  try {
    const done = then(authenticate(String(req.headers["x-api-key"] ?? "")), (caller) => handle(req, res, caller))
    if (done instanceof Promise) done.catch(fail)
  } catch (error) {
    fail(error)
  }
})
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, apiKey, id: firstId }))
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))
