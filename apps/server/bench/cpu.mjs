// `node bench/cpu.mjs [--requests N] [--only server|ceiling]`: CPU time per request, the reference
// server on PostgreSQL next to the hand-written node:http + pg server (baseline.mjs), for create,
// get and list 50: the Node process's own and that of the PostgreSQL backends serving it (found by
// the TCP connections of the process), and the round trips to PostgreSQL per request (the data
// segments the process sent to PostgreSQL, as `ss` counts them).
// A fixed number of requests rather than a duration: CPU per request stays comparable when other
// work shares the machine, which throughput does not. Needs Linux (/proc, `ss`) and
// PROJECTKIT_BENCH_DATABASE_URL or PROJECTKIT_TEST_DATABASE_URL.
import autocannon from "autocannon"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import Pg from "pg"

const flag = (name, fallback) => {
  const at = process.argv.indexOf(name)
  return at === -1 ? fallback : process.argv[at + 1]
}
const requests = Number(flag("--requests", 20_000))
const only = flag("--only", undefined)
/** The server's bin: another build of it, to compare two versions (A/B) in one run. */
const bins = (flag("--bin", undefined) ?? Path.resolve(import.meta.dirname, "../dist/bin.js")).split(",")
const pgUrl = process.env.PROJECTKIT_BENCH_DATABASE_URL || process.env.PROJECTKIT_TEST_DATABASE_URL
if (pgUrl === undefined) throw new Error("set PROJECTKIT_BENCH_DATABASE_URL or PROJECTKIT_TEST_DATABASE_URL")
const here = import.meta.dirname
const adminToken = "bench-admin-token"
const seed = 10_000
const ticks = 100 // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const children = new Set()
process.on("exit", () => { for (const child of children) child.kill("SIGKILL") })

const spawn = (args, ready) =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    children.add(child)
    let output = ""
    const onData = (chunk) => {
      output += chunk.toString()
      const line = output.split("\n").find((l) => ready.test(l))
      if (line !== undefined) {
        child.stdout.off("data", onData)
        resolve({ child, line })
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", (chunk) => (output += chunk.toString()))
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}:\n${output.slice(-2000)}`)))
  })

const stop = (child) => new Promise((resolve) => {
  child.once("exit", resolve)
  child.kill("SIGTERM")
})

/** CPU seconds of `pid` so far, in user space and in the kernel. */
const cpuSplit = (pid) => {
  try {
    const fields = Fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
    return { user: Number(fields[11]) / ticks, system: Number(fields[12]) / ticks }
  } catch {
    return { user: 0, system: 0 }
  }
}
/** CPU seconds of `pid` so far (user + system). */
const cpu = (pid) => {
  const { user, system } = cpuSplit(pid)
  return user + system
}

const pgPort = new URL(pgUrl).port || "5432"
/** The TCP connections of `pid` to PostgreSQL: each one's local port and data segments sent so far. */
const connectionsOf = (pid) => {
  const lines = ChildProcess.execFileSync("ss", ["-tinpH", "state", "established", "dst", `:${pgPort}`], { encoding: "utf8" }).split("\n")
  const found = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(`pid=${pid},`)) continue
    const port = Number(lines[i].trim().split(/\s+/)[2].split(":").pop())
    const sent = Number(/data_segs_out:(\d+)/.exec(lines[i + 1] ?? "")?.[1] ?? 0)
    found.push({ port, sent })
  }
  return found
}
/** The PostgreSQL backends serving `pid`: through its TCP connections to the database's port. */
const backendsOf = async (admin, pid) => {
  const ports = connectionsOf(pid).map((c) => c.port)
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])", [ports])
  return rows.map((row) => row.pid)
}
/**
 * Round trips to PostgreSQL so far: data segments `pid` sent to it (each statement is one message
 * batch, written at once and far smaller than a segment).
 */
const roundTrips = (pid) => connectionsOf(pid).reduce((sum, c) => sum + c.sent, 0)

const measure = async (admin, pid, title, options) => {
  // Warm: every pool connection open and every statement prepared before the count starts.
  await autocannon({ connections: 20, amount: 2_000, ...options })
  const backends = await backendsOf(admin, pid)
  const before = { node: cpu(pid), kernel: cpuSplit(pid).system, pg: backends.reduce((sum, b) => sum + cpu(b), 0), trips: roundTrips(pid) }
  const started = performance.now()
  const result = await autocannon({ connections: 20, amount: requests, ...options })
  const seconds = (performance.now() - started) / 1000
  const after = { node: cpu(pid), kernel: cpuSplit(pid).system, pg: backends.reduce((sum, b) => sum + cpu(b), 0), trips: roundTrips(pid) }
  const failures = result.non2xx + result.errors + result.timeouts
  const per = (x) => (x * 1e6 / requests).toFixed(0).padStart(5)
  console.log(`  ${title.padEnd(24)} node ${per(after.node - before.node)} µs (kernel ${per(after.kernel - before.kernel)})  pg ${per(after.pg - before.pg)} µs  (${backends.length} backends)  round trips ${((after.trips - before.trips) / requests).toFixed(2)}  ${(requests / seconds).toFixed(0).padStart(6)} req/s${failures > 0 ? `  ${failures} FAILED` : ""}`)
}

const scenarios = (url, headers, id) => [
  ["create", { url, method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ name: "Bench project" }) }],
  ["get", { url: `${url}/${id}`, headers }],
  ["list 50", { url: `${url}?limit=50`, headers }]
]

const admin = new Pg.Client({ connectionString: pgUrl })
await admin.connect()
const schema = `bench_cpu_${process.pid}`
const inSchema = (name) => {
  const url = new URL(pgUrl)
  url.searchParams.set("options", `-c search_path=${name},public`)
  return url.toString()
}
try {
  console.log(`CPU per request, ${requests} requests per scenario, 20 connections`)
  if (only !== "server") {
    await admin.query(`CREATE SCHEMA ${schema}_ceiling`)
    const { child, line } = await spawn([Path.join(here, "baseline.mjs"), inSchema(`${schema}_ceiling`), String(seed)], /^\{/)
    const { port, apiKey, id } = JSON.parse(line)
    console.log("node:http + pg, hand-written")
    for (const [title, options] of scenarios(`http://127.0.0.1:${port}/sync/v2/projects`, { "x-api-key": apiKey }, id)) {
      await measure(admin, child.pid, title, options)
    }
    await stop(child)
  }
  for (const [index, bin] of (only === "ceiling" ? [] : bins).entries()) {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.query(`CREATE SCHEMA ${schema}`)
    const { child, line } = await spawn(
      [bin, "--port", "0", "--data", inSchema(schema), "--admin-token", adminToken, "--log-format", "json",
        "--indream-sync-limit", "1000000", "--indream-sync-window-ms", "1000", "--indream-sync-burst", "1000000"],
      /Listening on/
    )
    const base = `http://127.0.0.1:${/Listening on http:\/\/[^:]+:(\d+)/.exec(line)[1]}`
    const created = await fetch(`${base}/__projectkit/orgs`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Bench" })
    })
    const { credentials } = await created.json()
    const apiKey = credentials.sync.apiKey
    const url = `${base}/sync/v2/projects`
    const headers = { "x-api-key": apiKey }
    // The bench's seed: projects inserted in SQL, then the statistics autovacuum would gather.
    // Credentials are stored as their SHA-256 (src/internal/ids.ts hashSecret).
    const secretHash = Crypto.createHash("sha256").update(apiKey).digest("hex")
    const caller = (await admin.query(`SELECT org_id, user_id FROM ${schema}.credentials WHERE secret_hash = $1`, [secretHash])).rows[0]
    await admin.query(`INSERT INTO ${schema}.sync_projects (id, org_id, owner_id, name, name_search, visibility, mode, created_at, updated_at)
      SELECT 'seed-' || i, $1, $2, 'Project ' || i, 'project ' || i, 'ORGANIZATION', 'CREATOR', i, i FROM generate_series(1, ${seed}) AS i`,
      [caller.org_id, caller.user_id])
    await admin.query(`VACUUM ANALYZE ${schema}.sync_projects`)
    const ids = ["seed-42"]
    console.log(`reference server${bins.length > 1 ? ` (${index + 1}: ${bin})` : ""}`)
    for (const [title, options] of scenarios(url, headers, ids[0])) await measure(admin, child.pid, title, options)
    // An Indream autosave: the key and project looked up, the state validated, the per-project
    // rate limit decided (no limit reached: the bench's flags), the state saved; over 100 projects.
    const indream = { "x-api-key": credentials.indream.apiKey, "content-type": "application/json" }
    const blank = {
      compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000,
      tracks: [{ id: "track-1", items: [], hidden: false, muted: false }], assets: {}, items: {}, transitions: {},
      globalBackground: { type: "none" }, deletedAssets: []
    }
    const projects = []
    for (let i = 0; i < 100; i++) {
      const made = await fetch(`${base}/indream/v1/projects`, { method: "POST", headers: indream, body: JSON.stringify({ title: `Sync ${i}`, editorState: blank }) })
      projects.push((await made.json()).data.projectId)
    }
    let next = 0
    await measure(admin, child.pid, "indream sync (small)", {
      url: base,
      requests: [{
        method: "POST",
        headers: indream,
        body: JSON.stringify({ editorState: blank, stateVersion: "1" }),
        setupRequest: (request) => ({ ...request, path: `/indream/v1/projects/${projects[next++ % projects.length]}/sync` })
      }]
    })
    await stop(child)
  }
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.query(`DROP SCHEMA IF EXISTS ${schema}_ceiling CASCADE`)
  await admin.end()
}
process.exit(0)
