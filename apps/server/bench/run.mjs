// `pnpm bench`: load from this process (autocannon, on loopback) against the reference server on
// SQLite, then on PostgreSQL (when PROJECTKIT_BENCH_DATABASE_URL or PROJECTKIT_TEST_DATABASE_URL
// names one), next to the hand-written node:http + better-sqlite3 baseline measured in the same
// run (and, on PostgreSQL, the same hand-written server over `pg`); then the scale figures (a
// million projects in one organization) and the adapter's stream.
// PostgreSQL's throughput targets are against that node:http + pg server (the ceiling when every
// statement crosses a socket to PostgreSQL on the same cores), SQLite's against better-sqlite3's.
// The platform router's GET is also shown next to `@effect/platform`'s pipeline alone
// (bench/platformFloor.mjs: one such endpoint answering a constant), its ceiling.
// Figures, not assertions: it prints a report and the targets met or missed. `--quick` shrinks
// every duration and size for a smoke run. `--only scale` runs only the scale figures (and the
// stream), `--only startup` only the startup scenario (bench/startup.mjs); `--backend
// sqlite|postgres` only that backend. Every throughput comes with the server's CPU time per request
// (µs, from /proc/<pid>/stat over the scenario) next to the baseline's: a regression shows there
// even when other work shares the machine and moves req/s.
// `--compare <git-ref>` instead builds that commit's server in a temporary git worktree
// (bench/worktree.mjs) and measures this build (A) and that one (B) on the same data in alternate
// rounds (`--rounds`, default 5; `--requests` per scenario and round, default 10,000): get, list 50
// and create on SQLite (`--backend postgres` on PostgreSQL; `--platform-router` for both servers),
// printing the medians of CPU per request and req/s of both and their ratios.
import autocannon from "autocannon"
import Sqlite from "better-sqlite3"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import Pg from "pg"
import * as Pagination from "@projectkit/core/Pagination"
import * as Startup from "./startup.mjs"
import * as Worktree from "./worktree.mjs"

const quick = process.argv.includes("--quick")
const flag = (name) => {
  const at = process.argv.indexOf(name)
  return at === -1 ? undefined : process.argv[at + 1]
}
const only = flag("--only")
const backend = flag("--backend")
if (only !== undefined && only !== "scale" && only !== "startup") throw new Error(`--only ${only}: "scale" or "startup"`)
if (backend !== undefined && backend !== "sqlite" && backend !== "postgres") throw new Error(`--backend ${backend}: sqlite or postgres`)
const here = import.meta.dirname
const bin = Path.resolve(here, "../dist/bin.js")
const pgUrl = process.env.PROJECTKIT_BENCH_DATABASE_URL || process.env.PROJECTKIT_TEST_DATABASE_URL || undefined
const adminToken = "bench-admin-token"
const settings = quick
  ? { duration: 2, connections: 20, seed: 2_000, scale: 100_000, deepPage: 2_000, stream: 10_000, samples: 100 }
  : { duration: 6, connections: 20, seed: 10_000, scale: 1_000_000, deepPage: 20_000, stream: 100_000, samples: 400 }
const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-bench-"))
const children = new Set()
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL")
  Fs.rmSync(tmp, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------
// processes
// ---------------------------------------------------------------------------------------------

/** Spawns `args`, resolving with the child and its first stdout line matching `ready`. */
const spawn = (args, ready, extraEnv = {}, wholeOutput = false) =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...extraEnv } })
    children.add(child)
    let output = ""
    let started = false
    const onData = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000)
      const line = started ? undefined : output.split("\n").find((l) => ready.test(l))
      if (line !== undefined) {
        started = true
        resolve({ child, line: wholeOutput ? output : line })
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", (chunk) => (output = (output + chunk.toString()).slice(-20_000)))
    child.once("exit", (code, signal) => {
      if (!started) reject(new Error(`${args.join(" ")} exited ${code}:\n${output.slice(-2000)}`))
      else if (code !== 0 && signal !== "SIGTERM" && signal !== "SIGKILL") console.warn(`  ! ${Path.basename(args.at(-1) === undefined ? "" : args[0])} exited ${code ?? signal}:\n${output.slice(-3000)}`)
    })
  })

const stopChild = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
    setTimeout(() => child.kill("SIGKILL"), 5000).unref()
  }).then(() => children.delete(child))

/** Resets the peak RSS of `pid` (Linux: clear_refs 5), so each scenario's peak is its own. */
const resetPeak = (pid) => {
  try {
    Fs.writeFileSync(`/proc/${pid}/clear_refs`, "5")
  } catch {
    // not Linux, or not allowed: the peak is then the process's peak so far
  }
}
const peakMb = (pid) => {
  try {
    const status = Fs.readFileSync(`/proc/${pid}/status`, "utf8")
    return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024
  } catch {
    return NaN
  }
}

/** Indream's per-project sync limit lifted: the scenario measures saving, not refusing. */
const syncLimitsLifted = ["--indream-sync-limit", "1000000", "--indream-sync-window-ms", "1000", "--indream-sync-burst", "1000000"]

const startServer = async (database, extraArgs = []) => {
  // Ready once the banner is out (storage migrated); the port is in the "Listening on" log line.
  const { child, line } = await spawn(
    [bin, "--port", "0", "--data", database, "--admin-token", adminToken, "--log-format", "json",
      ...syncLimitsLifted, ...extraArgs],
    /Ctrl-C stops/,
    {},
    true
  )
  const port = /Listening on http:\/\/[^:]+:(\d+)/.exec(line)[1]
  return { child, baseUrl: `http://127.0.0.1:${port}` }
}

// ---------------------------------------------------------------------------------------------
// measuring
// ---------------------------------------------------------------------------------------------

const ticksPerSecond = 100 // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
/**
 * CPU seconds `pid` has used so far (user + system, all its threads), or NaN off Linux. Per
 * request over a scenario this is the server's own cost, which other work on the machine barely
 * moves, unlike throughput. In nanoseconds from each thread's schedstat where the kernel keeps
 * it (Node's threads live as long as the process), else in 1/100 s from the process's stat.
 */
/** CPU seconds of `pid`'s main thread alone (its task of the same id). */
const mainThreadSeconds = (pid) => {
  try {
    return Number(Fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e9
  } catch {
    return NaN
  }
}

const cpuSeconds = (pid) => {
  try {
    let nanoseconds = 0
    for (const task of Fs.readdirSync(`/proc/${pid}/task`)) {
      nanoseconds += Number(Fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0])
    }
    if (Number.isFinite(nanoseconds) && nanoseconds > 0) return nanoseconds / 1e9
  } catch {
    // no schedstat: the coarser figure below
  }
  try {
    const fields = Fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
  } catch {
    return NaN
  }
}

/** Autocannon on `pid` for `duration` seconds, or for `amount` requests when given. */
const load = async (pid, options, duration = settings.duration, amount = undefined) => {
  resetPeak(pid)
  const cpuBefore = cpuSeconds(pid)
  const startedAt = performance.now()
  const result = await autocannon({
    connections: settings.connections,
    // A fixed amount ends at the next sample tick (1 s by default): ticks of 10 ms end it on time.
    ...(amount === undefined ? { duration } : { amount, sampleInt: 10 }),
    ...options,
    headers: { "content-type": "application/json", ...options.headers }
  })
  const cpu = cpuSeconds(pid) - cpuBefore
  // Autocannon's own duration is whole seconds: too coarse for a fixed number of requests.
  const seconds = amount === undefined ? result.duration : (performance.now() - startedAt) / 1000
  const failures = result.non2xx + result.errors + result.timeouts
  if (failures > 0) console.warn(`  ! ${options.title}: ${failures} failed requests of ${result.requests.total}`)
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakMb: peakMb(pid),
    failures,
    requests: result.requests.total,
    seconds,
    cpu,
    cpuUs: cpu * 1e6 / result.requests.total
  }
}

/** Figures of one load measured in slices: requests over time, the mean p50, the worst p99 and peak. */
const combine = (slices) => ({
  rps: slices.reduce((sum, s) => sum + s.requests, 0) / slices.reduce((sum, s) => sum + s.seconds, 0),
  cpuUs: slices.reduce((sum, s) => sum + s.cpu, 0) * 1e6 / slices.reduce((sum, s) => sum + s.requests, 0),
  p50: slices.reduce((sum, s) => sum + s.p50, 0) / slices.length,
  p99: Math.max(...slices.map((s) => s.p99)),
  peakMb: Math.max(...slices.map((s) => s.peakMb)),
  failures: slices.reduce((sum, s) => sum + s.failures, 0)
})

/**
 * `fetch`, again once if a kept-alive connection was closed by the server while idle (during a
 * long bulk insert): that is the client's socket reuse, not a server failure.
 */
const request = async (url, init) => {
  try {
    return await fetch(url, init)
  } catch (error) {
    if (error?.cause?.code !== "UND_ERR_SOCKET" && error?.cause?.code !== "ECONNRESET") throw error
    return await fetch(url, init)
  }
}

/** Latency of one request at a time: `count` requests, p50 and p99 in ms (for the scale figures). */
const latency = async (url, headers, count) => {
  const times = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const response = await request(url, { headers })
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
    await response.arrayBuffer()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))]
  return { p50: at(0.5), p99: at(0.99) }
}

// ---------------------------------------------------------------------------------------------
// data
// ---------------------------------------------------------------------------------------------

const tags = 97
/** The seeded projects' names: a unique 7-digit number (rare searches) and one of 97 tags (common ones). */
const nameSql = {
  sqlite: (i) => `'Project ' || printf('%07d', ${i}) || ' tag' || printf('%03d', ${i} % ${tags})`,
  pg: (i) => `'Project ' || lpad((${i})::text, 7, '0') || ' tag' || lpad(((${i}) % ${tags})::text, 3, '0')`
}
const idOf = (org, i) => `00000000-0000-4000-${String(8000 + org).padStart(4, "0")}-${String(i).padStart(12, "0")}`
const idSql = {
  sqlite: (org, i) => `'00000000-0000-4000-${String(8000 + org)}-' || printf('%012d', ${i})`,
  pg: (org, i) => `'00000000-0000-4000-${String(8000 + org)}-' || lpad((${i})::text, 12, '0')`
}
const baseTime = Date.UTC(2025, 0, 1)

/** Direct SQL on the server's database, for setup speed. */
const openDirect = async (kind, location) => {
  if (kind === "sqlite") {
    const db = new Sqlite(location)
    db.pragma("busy_timeout = 10000")
    return { all: async (q, p = []) => db.prepare(q).all(...p), run: async (q) => db.exec(q), close: async () => db.close() }
  }
  const client = new Pg.Client({ connectionString: location })
  await client.connect()
  return {
    all: async (q, p = []) => (await client.query(q.replace(/\?/g, (() => { let n = 0; return () => `$${++n}` })()), p)).rows,
    run: async (q) => void (await client.query(q)),
    close: () => client.end()
  }
}

/** Inserts `count` projects (numbered from 0) into the organization of `apiKey`, in SQL. */
const bulkInsert = async (kind, direct, apiKey, org, count) => {
  // Credentials are stored as their SHA-256 (src/internal/ids.ts hashSecret).
  const secretHash = Crypto.createHash("sha256").update(apiKey).digest("hex")
  const [caller] = await direct.all("SELECT org_id, user_id FROM credentials WHERE secret_hash = ?", [secretHash])
  const chunk = 200_000
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk) - 1
    const i = kind === "sqlite" ? "n.i" : "i"
    const source = kind === "sqlite"
      ? `(WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}) SELECT i FROM n) n`
      : `generate_series(${from}, ${to}) AS i`
    const name = nameSql[kind](i)
    await direct.run(`INSERT INTO sync_projects (id, org_id, owner_id, name, name_search, visibility, mode, created_at, updated_at)
      SELECT ${idSql[kind](org, i)}, '${caller.org_id}', '${caller.user_id}', ${name}, lower(${name}),
        'ORGANIZATION', 'CREATOR', ${baseTime} + ${i}, ${baseTime} + ${i}
      FROM ${source}`)
  }
  // What autovacuum does soon after a bulk load, done before measuring rather than during it:
  // statistics, the visibility map, and the GIN index's pending list (searched linearly until then).
  if (kind === "pg") await direct.run("VACUUM ANALYZE sync_projects")
  return caller
}

const createOrg = async (baseUrl, name) => {
  const response = await request(`${baseUrl}/__projectkit/orgs`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name })
  })
  if (response.status !== 201) throw new Error(`create org: ${response.status}`)
  return (await response.json()).credentials
}

// ---------------------------------------------------------------------------------------------
// runs
// ---------------------------------------------------------------------------------------------

const rows = []
const record = (server, scenario, figures) => {
  rows.push({ server, scenario, ...figures })
  const f = (n, d = 1) => Number.isFinite(n) ? n.toFixed(d) : "-"
  const cpu = figures.cpuUs === undefined ? "" : `  cpu ${f(figures.cpuUs, 0).padStart(4)} µs/req`
  console.log(`  ${server.padEnd(10)} ${scenario.padEnd(22)} ${f(figures.rps, 0).padStart(7)} req/s${cpu}  p50 ${f(figures.p50)} ms  p99 ${f(figures.p99)} ms  peak ${f(figures.peakMb, 0)} MB`)
}

/** A hand-written baseline on `location` (a SQLite file, or a postgres:// URL), its scenarios. */
const startBaseline = async (location, title) => {
  console.log(`${title} (${settings.seed} projects)`)
  const { child, line } = await spawn([Path.join(here, "baseline.mjs"), location, String(settings.seed)], /^\{/)
  const { port, apiKey, id } = JSON.parse(line)
  const url = `http://127.0.0.1:${port}/sync/v2/projects`
  const headers = { "x-api-key": apiKey }
  return {
    child,
    scenarios: {
      create: { title: "create", url, method: "POST", headers, body: JSON.stringify({ name: "Bench project" }) },
      get: { title: "get", url: `${url}/${id}`, headers },
      "list 50": { title: "list", url: `${url}?limit=50`, headers }
    }
  }
}

/**
 * The baseline, running for the whole bench: each server throughput figure is paired with the
 * baseline measured in turns with it, so a change in the machine's load moves both alike.
 */
let baseline

/**
 * How many turns each paired figure is measured in (a slice of the duration each): the baseline,
 * the node:http + pg ceiling and the server take turns, so that a change in the machine's load
 * during the scenario (other work on the same cores) falls on all of them alike.
 */
const turns = quick ? 1 : 3

/**
 * `scenario` on the server `pid`, in turns with the same scenario on the baseline (and on the
 * node:http + pg `ceiling`, when there is one), each turn the baseline first.
 */
const paired = async (label, scenario, pid, options, ceiling, baseScenario = scenario) => {
  const slices = { base: [], pg: [], server: [] }
  for (let turn = 0; turn < turns; turn++) {
    const duration = settings.duration / turns
    if (baseline !== undefined) slices.base.push(await load(baseline.child.pid, baseline.scenarios[baseScenario], duration))
    if (ceiling !== undefined) slices.pg.push(await load(ceiling.child.pid, ceiling.scenarios[baseScenario], duration))
    slices.server.push(await load(pid, options, duration))
  }
  const base = slices.base.length === 0 ? undefined : combine(slices.base)
  if (base !== undefined) record("baseline", `${scenario} (for ${label})`, base)
  const pg = slices.pg.length === 0 ? undefined : combine(slices.pg)
  if (pg !== undefined) record("node:http + pg", scenario, pg)
  record(label, scenario, {
    ...combine(slices.server),
    baselineRps: base?.rps,
    baselineCpuUs: base?.cpuUs,
    ceilingRps: pg?.rps,
    ceilingCpuUs: pg?.cpuUs
  })
}

const runServer = async (kind, location, ceiling) => {
  const label = kind === "sqlite" ? "sqlite" : "postgres"
  console.log(`reference server on ${label} (${settings.seed} projects)`)
  const { child, baseUrl } = await startServer(location)
  const direct = await openDirect(kind, location)
  try {
    const credentials = await createOrg(baseUrl, "Bench")
    const apiKey = credentials.sync.apiKey
    const url = `${baseUrl}/sync/v2/projects`
    if (only !== "scale") {
      await bulkInsert(kind, direct, apiKey, 1, settings.seed)
      const headers = { "x-api-key": apiKey }
      const get = { title: "get", url: `${url}/${idOf(1, 42)}`, headers }
      const list = { title: "list", url: `${url}?limit=50`, headers }
      await paired(label, "create", child.pid, { title: "create", url, method: "POST", headers, body: JSON.stringify({ name: "Bench project" }) }, ceiling)
      await paired(label, "get", child.pid, get, ceiling)
      await paired(label, "list 50", child.pid, list, ceiling)
      if (kind === "sqlite") {
        // The same API through @effect/platform's HttpApi router alone: what the compiled routes gain.
        const platform = await startServer(location, ["--platform-router"])
        const at = (options) => ({ ...options, url: options.url.replace(baseUrl, platform.baseUrl) })
        await paired(`${label}, platform router`, "get", platform.child.pid, at(get))
        await paired(`${label}, platform router`, "list 50", platform.child.pid, at(list))
        await stopChild(platform.child)
        // `@effect/platform`'s pipeline alone, answering a constant project: the platform router's ceiling.
        const { child: floorChild, line: floorLine } = await spawn([Path.join(here, "platformFloor.mjs")], /^\{/)
        const floor = JSON.parse(floorLine)
        await paired("platform pipeline alone", "get", floorChild.pid, {
          title: "get",
          url: `http://127.0.0.1:${floor.port}/sync/v2/projects/${floor.id}`,
          headers: { "x-api-key": floor.apiKey }
        })
        await stopChild(floorChild)
      }
      record(label, "search (rare) 50", await load(child.pid, { title: "search", url: `${url}?limit=50&searchQuery=0000777`, headers }))
      record(label, "search (common) 50", await load(child.pid, { title: "search", url: `${url}?limit=50&searchQuery=tag042`, headers }))
      await indream(label, child, baseUrl, credentials, ceiling)
    }

    // Scale: one organization with a million projects.
    console.log(`  scale: ${settings.scale.toLocaleString("en")} projects in one organization (bulk insert)`)
    const big = (await createOrg(baseUrl, "Scale")).sync.apiKey
    const insertStarted = performance.now()
    const caller = await bulkInsert(kind, direct, big, 2, settings.scale)
    console.log(`    inserted in ${((performance.now() - insertStarted) / 1000).toFixed(1)} s`)
    const bigHeaders = { "x-api-key": big }
    // The cursor page `deepPage` starts from: the last item of the page before it (newest first).
    const position = settings.scale - (settings.deepPage - 1) * 50
    const cursor = Pagination.makeCursorCodec("projectkit-server-cursor-v1").encode(
      `sync/projects/${caller.org_id}/${caller.user_id}/createdAt/`,
      { value: baseTime + position, id: idOf(2, position) }
    )
    // One project's unique number: the search that matches one row in the million.
    const rare = Math.floor(settings.scale * 0.4567)
    const rareNumber = String(rare).padStart(7, "0")
    await latency(`${url}?limit=50`, bigHeaders, 20) // warm-up
    const first = await latency(`${url}?limit=50`, bigHeaders, settings.samples)
    const deep = await latency(`${url}?limit=50&cursor=${encodeURIComponent(cursor)}`, bigHeaders, settings.samples)
    const rareSearch = await latency(`${url}?limit=50&searchQuery=${rareNumber}`, bigHeaders, settings.samples)
    const common = await latency(`${url}?limit=50&searchQuery=tag042`, bigHeaders, settings.samples)
    const none = await latency(`${url}?limit=50&searchQuery=nothing-matches`, bigHeaders, Math.min(settings.samples, 100))
    const check = await (await request(`${url}?limit=50&cursor=${encodeURIComponent(cursor)}`, { headers: bigHeaders })).json()
    const expectedFirst = idOf(2, position - 1)
    if (check.items[0]?.id !== expectedFirst) console.warn(`  ! deep page starts at ${check.items[0]?.id}, expected ${expectedFirst}`)
    const found = await (await request(`${url}?limit=50&searchQuery=${rareNumber}`, { headers: bigHeaders })).json()
    if (found.items.length !== 1 || found.items[0].id !== idOf(2, rare)) console.warn(`  ! rare search found ${found.items.length} items`)
    scale.push({ server: label, first, deep, rare: rareSearch, common, none })
    console.log(`    page 1 p50 ${first.p50.toFixed(1)} / p99 ${first.p99.toFixed(1)} ms; page ${settings.deepPage.toLocaleString("en")} p50 ${deep.p50.toFixed(1)} / p99 ${deep.p99.toFixed(1)} ms`)
    console.log(`    search rare p99 ${rareSearch.p99.toFixed(1)} ms, common p99 ${common.p99.toFixed(1)} ms, no match p99 ${none.p99.toFixed(1)} ms`)

    // The adapter streaming an organization's projects.
    const streamed = (await createOrg(baseUrl, "Stream")).sync.apiKey
    await bulkInsert(kind, direct, streamed, 3, settings.stream)
    const { child: streamer, line } = await spawn(["--expose-gc", Path.join(here, "stream.mjs"), baseUrl, streamed, String(settings.stream)], /^\{/)
    await stopChild(streamer)
    const result = JSON.parse(line)
    const rss = result.samples.map((s) => s.rss / 1024 / 1024)
    const heap = result.samples.map((s) => s.heap / 1024 / 1024)
    const secondHalf = heap.slice(Math.floor(heap.length / 2))
    streams.push({
      server: label,
      count: result.count,
      seconds: result.seconds,
      rssFirst: rss[0],
      rssLast: rss[rss.length - 1],
      rssMax: Math.max(...rss),
      heapMax: Math.max(...heap),
      heapSecondHalfMax: Math.max(...secondHalf),
      heapFirstHalfMax: Math.max(...heap.slice(0, Math.floor(heap.length / 2)))
    })
    console.log(`    stream: ${result.count} projects in ${result.seconds.toFixed(1)} s, RSS ${rss[0].toFixed(0)} → ${rss[rss.length - 1].toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)}), heap max ${Math.max(...heap).toFixed(0)} MB`)
  } finally {
    await direct.close()
    await stopChild(child)
  }
}

/**
 * A valid Indream editorState of about `bytes` of JSON: one track of back-to-back solid clips (the
 * official example's solid item, each its own id and start), so the server validates every clip.
 */
const indreamState = (bytes) => {
  const solid = (i) => ({
    id: `item-solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120,
    top: { value: 0, keyframes: [] }, left: { value: 0, keyframes: [] }, width: { value: 1920, keyframes: [] },
    height: { value: 1080, keyframes: [] }, scaleX: { value: 1, keyframes: [] }, scaleY: { value: 1, keyframes: [] },
    opacity: { value: 1, keyframes: [] }, isDraggingInTimeline: false, borderRadius: { value: 0, keyframes: [] },
    rotation: { value: 0, keyframes: [] }, keepAspectRatio: false
  })
  const count = Math.ceil(bytes / JSON.stringify(solid(0)).length)
  const items = Object.fromEntries(Array.from({ length: count }, (_, i) => [`item-solid-${i}`, solid(i)]))
  return {
    compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000,
    tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }],
    assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null }
  }
}

/** Indream's create and get (paired with the baseline) and autosave sync of a 1 MB state, when the server has the dialect. */
const indream = async (label, child, baseUrl, credentials, ceiling) => {
  const probe = await fetch(`${baseUrl}/indream/openapi.json`)
  if (probe.status !== 200 || credentials.indream === undefined) {
    console.log(`  ${label.padEnd(10)} indream                skipped: this build has no indream dialect`)
    return
  }
  const headers = { "x-api-key": credentials.indream.apiKey, "content-type": "application/json" }
  const url = `${baseUrl}/indream/v1/projects`
  const small = JSON.stringify({ title: "Bench project", editorState: indreamState(0) })
  const made = await fetch(url, { method: "POST", headers, body: small })
  if (made.status !== 201) throw new Error(`indream create: ${made.status} ${await made.text()}`)
  const id = (await made.json()).data.projectId
  await paired(label, "indream create", child.pid, { title: "indream create", url, method: "POST", headers, body: small }, ceiling, "create")
  await paired(label, "indream get", child.pid, { title: "indream get", url: `${url}/${id}`, headers }, ceiling, "get")
  const ids = []
  for (let i = 0; i < 100; i++) {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ title: `Sync ${i}`, editorState: indreamState(0) }) })
    if (response.status !== 201) throw new Error(`indream create: ${response.status} ${await response.text()}`)
    ids.push((await response.json()).data.projectId)
  }
  const state = JSON.stringify(indreamState(1_000_000))
  let version = 0
  const body = (n) => `{"stateVersion":"v${n}","editorState":${state}}`
  const size = Buffer.byteLength(body(1))
  let next = 0
  // Warmed as the other scenarios are by their baselines' runs: a few syncs first, which also start
  // the worker thread that validates large states (and compile the schema there).
  for (let i = 0; i < 5; i++) {
    const warm = await fetch(`${url}/${ids[i]}/sync`, { method: "POST", headers, body: body(++version) })
    if (warm.status !== 200) throw new Error(`indream sync: ${warm.status} ${await warm.text()}`)
  }
  resetPeak(child.pid)
  const cpuBefore = cpuSeconds(child.pid)
  const mainBefore = mainThreadSeconds(child.pid)
  const result = await autocannon({
    url: baseUrl,
    connections: 4,
    duration: settings.duration,
    requests: [{
      method: "POST",
      headers,
      setupRequest: (request) => ({ ...request, path: `/indream/v1/projects/${ids[next++ % ids.length]}/sync`, body: body(++version) })
    }]
  })
  const cpu = cpuSeconds(child.pid) - cpuBefore
  const main = mainThreadSeconds(child.pid) - mainBefore
  const limited = result.statusCodeStats?.["429"]?.count ?? 0
  const failures = result.non2xx - limited + result.errors + result.timeouts
  if (failures > 0) console.warn(`  ! indream sync: ${failures} failed requests of ${result.requests.total}`)
  record(label, `indream sync ${(size / 1e6).toFixed(1)} MB`, {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakMb: peakMb(child.pid),
    failures,
    cpuUs: cpu * 1e6 / result.requests.total
  })
  // Large states are validated on a worker thread: the main thread's share is what bounds throughput.
  console.log(`    (main thread ${(main * 1e6 / result.requests.total).toFixed(0)} µs/req of those)`)
  if (limited > 0) console.log(`    (${limited} syncs answered 429 by the per-project sync limit)`)
}

const scale = []
const streams = []

// ---------------------------------------------------------------------------------------------
// --compare <git-ref>: this build (A) against another commit's (B), in alternate rounds
// ---------------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * Both servers on the same data, measured in rounds: in each round every scenario runs a fixed
 * number of requests on the baseline, then on A and B (which of the two goes first alternates), so
 * a change in the machine's load falls on both alike; the medians over the rounds are compared.
 */
const compare = async (ref) => {
  const rounds = Number(flag("--rounds") ?? (quick ? 2 : 5))
  const amount = Number(flag("--requests") ?? (quick ? 3_000 : 10_000))
  const kind = backend === "postgres" ? "pg" : "sqlite"
  if (kind === "pg" && pgUrl === undefined) throw new Error("--backend postgres: set PROJECTKIT_BENCH_DATABASE_URL or PROJECTKIT_TEST_DATABASE_URL")
  const routerArgs = process.argv.includes("--platform-router") ? ["--platform-router"] : []
  const other = Worktree.serverOf(here, ref, process.argv.includes("--keep-worktree"))
  const head = ChildProcess.execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: here, encoding: "utf8" }).trim()
  const servers = [
    { name: `A (this build: dist/ of the working tree at ${head})`, bin },
    { name: `B (${ref}, ${other.commit.slice(0, 12)})`, bin: other.bin }
  ]
  console.log(`compare on ${kind === "pg" ? "postgres" : "sqlite"}${routerArgs.length > 0 ? ", platform router" : ""}: ${rounds} rounds × ${amount} requests per scenario, ${settings.connections} connections; load ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
  let admin
  const schemas = []
  const started = []
  try {
    if (kind === "pg") {
      admin = new Pg.Client({ connectionString: pgUrl })
      await admin.connect()
    }
    /** A database of its own for `name`: a SQLite file, or a PostgreSQL schema dropped afterwards. */
    const database = async (name) => {
      if (kind === "sqlite") return Path.join(tmp, `${name}.db`)
      const schema = `bench_${process.pid}_${name}`
      await admin.query(`CREATE SCHEMA ${schema}`)
      schemas.push(schema)
      const url = new URL(pgUrl)
      url.searchParams.set("options", `-c search_path=${schema},public`)
      return url.toString()
    }
    const { child: baseChild, scenarios: baseScenarios } = await startBaseline(await database("baseline"), kind === "pg" ? "node:http + pg, hand-written" : "baseline: node:http + better-sqlite3")
    started.push(baseChild)
    for (const [index, server] of servers.entries()) {
      const location = await database(`server_${index}`)
      const { child: serverChild, line } = await spawn(
        [server.bin, "--port", "0", "--data", location, "--admin-token", adminToken, "--log-format", "json", ...syncLimitsLifted, ...routerArgs],
        /Ctrl-C stops/, {}, true
      )
      started.push(serverChild)
      const baseUrl = `http://127.0.0.1:${/Listening on http:\/\/[^:]+:(\d+)/.exec(line)[1]}`
      const apiKey = (await createOrg(baseUrl, "Bench")).sync.apiKey
      const direct = await openDirect(kind, location)
      await bulkInsert(kind, direct, apiKey, 1, settings.seed)
      await direct.close()
      const url = `${baseUrl}/sync/v2/projects`
      const headers = { "x-api-key": apiKey }
      server.child = serverChild
      server.scenarios = {
        get: { title: "get", url: `${url}/${idOf(1, 42)}`, headers },
        "list 50": { title: "list", url: `${url}?limit=50`, headers },
        create: { title: "create", url, method: "POST", headers, body: JSON.stringify({ name: "Bench project" }) }
      }
    }
    const names = ["get", "list 50", "create"]
    const measured = { baseline: {}, A: {}, B: {} }
    for (const name of names) for (const who of Object.keys(measured)) measured[who][name] = []
    // Warm-up: the JIT and every prepared statement, before anything counts.
    for (const name of names) {
      await load(baseChild.pid, baseScenarios[name], undefined, 2_000)
      for (const server of servers) await load(server.child.pid, server.scenarios[name], undefined, 2_000)
    }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [["A", servers[0]], ["B", servers[1]]] : [["B", servers[1]], ["A", servers[0]]]
      for (const name of names) {
        measured.baseline[name].push(await load(baseChild.pid, baseScenarios[name], undefined, amount))
        for (const [who, server] of order) measured[who][name].push(await load(server.child.pid, server.scenarios[name], undefined, amount))
      }
      const summary = names.map((name) => `${name} A ${median(measured.A[name].map((m) => m.cpuUs)).toFixed(0)} / B ${median(measured.B[name].map((m) => m.cpuUs)).toFixed(0)} µs`).join(", ")
      console.log(`  round ${round + 1}/${rounds}: ${summary}; load ${Os.loadavg()[0].toFixed(2)}`)
    }
    const f = (n, d = 0) => Number.isFinite(n) ? n.toFixed(d) : "-"
    console.log(`\nA = ${servers[0].name}\nB = ${servers[1].name}\nmedians of ${rounds} rounds; load at the end ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
    console.log("\n| scenario | A CPU µs/req | B CPU µs/req | A ÷ B CPU | baseline CPU µs/req | A req/s | B req/s | A ÷ B req/s | baseline req/s | A × baseline | B × baseline |")
    console.log("|---|---|---|---|---|---|---|---|---|---|---|")
    for (const name of names) {
      const cpuOf = (who) => median(measured[who][name].map((m) => m.cpuUs))
      const rpsOf = (who) => median(measured[who][name].map((m) => m.rps))
      // Each round's ratio to the baseline measured just before it, then their median.
      const timesBaseline = (who) => median(measured[who][name].map((m, i) => m.rps / measured.baseline[name][i].rps))
      console.log(`| ${name} | ${f(cpuOf("A"))} | ${f(cpuOf("B"))} | ${f(cpuOf("A") / cpuOf("B"), 2)} | ${f(cpuOf("baseline"))} | ${f(rpsOf("A"))} | ${f(rpsOf("B"))} | ${f(rpsOf("A") / rpsOf("B"), 2)} | ${f(rpsOf("baseline"))} | ${f(timesBaseline("A"), 2)} | ${f(timesBaseline("B"), 2)} |`)
    }
  } finally {
    for (const child of started) await stopChild(child)
    for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    await admin?.end()
    other.remove()
  }
}

const compareRef = flag("--compare")
if (compareRef !== undefined) {
  await compare(compareRef)
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------

const started = performance.now()
console.log(`projectkit bench${quick ? " (--quick)" : ""}: ${Os.cpus().length} cores, node ${process.version}, ${settings.connections} connections × ${settings.duration} s per scenario\n`)
// First, while nothing else of the bench runs (see startup.mjs).
const startup = only === undefined || only === "startup" ? await Startup.run() : undefined
if (only === undefined) baseline = await startBaseline(Path.join(tmp, "baseline.db"), "baseline: node:http + better-sqlite3")
if (only !== "startup" && backend !== "postgres") await runServer("sqlite", Path.join(tmp, "server.db"))
if (only === "startup" || backend === "sqlite") {
  // --backend sqlite
} else if (pgUrl === undefined) {
  console.log("reference server on postgres: skipped (set PROJECTKIT_BENCH_DATABASE_URL or PROJECTKIT_TEST_DATABASE_URL to a postgres:// URL)")
} else {
  // A schema of its own, dropped afterwards, so the bench never touches other data.
  const admin = new Pg.Client({ connectionString: pgUrl })
  await admin.connect()
  const schema = `bench_${process.pid}`
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.query(`CREATE SCHEMA ${schema}_ceiling`)
  const inSchema = (name) => {
    const url = new URL(pgUrl)
    url.searchParams.set("options", `-c search_path=${name},public`)
    return url.toString()
  }
  let ceiling
  try {
    // What Node itself reaches when every statement is a round trip to PostgreSQL.
    if (only === undefined) ceiling = await startBaseline(inSchema(`${schema}_ceiling`), "node:http + pg, hand-written")
    await runServer("pg", inSchema(schema), ceiling)
  } finally {
    if (ceiling !== undefined) await stopChild(ceiling.child)
    await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    await admin.query(`DROP SCHEMA ${schema}_ceiling CASCADE`)
    await admin.end()
  }
}

// ---------------------------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------------------------

if (baseline !== undefined) await stopChild(baseline.child)
const f = (n, d = 1) => Number.isFinite(n) ? n.toFixed(d) : "-"
console.log("\n| server | scenario | req/s | baseline req/s, in turns with it | × baseline | × node:http + pg | server CPU µs/req | baseline (node:http + pg) CPU µs/req | p50 ms | p99 ms | peak RSS MB |")
console.log("|---|---|---|---|---|---|---|---|---|---|---|")
for (const r of rows.filter((row) => row.server !== "baseline")) {
  const ratio = (of) => of === undefined ? "-" : f(r.rps / of, 2)
  const ceilingCpu = r.ceilingCpuUs === undefined ? "" : ` (${f(r.ceilingCpuUs, 0)})`
  console.log(`| ${r.server} | ${r.scenario} | ${f(r.rps, 0)} | ${f(r.baselineRps, 0)} | ${ratio(r.baselineRps)} | ${ratio(r.ceilingRps)} | ${f(r.cpuUs, 0)} | ${f(r.baselineCpuUs, 0)}${ceilingCpu} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.peakMb, 0)} |`)
}
console.log(`\n| server | projects | page 1 p50/p99 ms | page ${settings.deepPage.toLocaleString("en")} p50/p99 ms | depth ratio (p50) | search rare p50/p99 | search common p50/p99 | no match p50/p99 |`)
console.log("|---|---|---|---|---|---|---|---|")
for (const s of scale) {
  const pair = (x) => `${f(x.p50)} / ${f(x.p99)}`
  console.log(`| ${s.server} | ${settings.scale.toLocaleString("en")} | ${pair(s.first)} | ${pair(s.deep)} | ${f(s.deep.p50 / s.first.p50, 2)} | ${pair(s.rare)} | ${pair(s.common)} | ${pair(s.none)} |`)
}
console.log(`\n| server | streamed | seconds | RSS first → last (max) MB | heap max 1st half / 2nd half MB |`)
console.log("|---|---|---|---|---|")
for (const s of streams) {
  console.log(`| ${s.server} | ${s.count.toLocaleString("en")} | ${f(s.seconds)} | ${f(s.rssFirst, 0)} → ${f(s.rssLast, 0)} (${f(s.rssMax, 0)}) | ${f(s.heapFirstHalfMax, 0)} / ${f(s.heapSecondHalfMax, 0)} |`)
}

console.log("\ntargets:")
const target = (ok, text) => console.log(`  ${ok ? "met   " : "MISSED"} ${text}`)
if (startup !== undefined) Startup.report(startup, target)
// SQLite against the in-process node:http + better-sqlite3 baseline; PostgreSQL against the same
// hand-written server over `pg` (every statement a round trip to PostgreSQL, as for the reference
// server), with its ratio to the SQLite baseline printed as information only.
const sqliteFloors = [["sqlite", "get", 0.6], ["sqlite", "list 50", 0.7], ["sqlite", "create", 0.5], ["sqlite, platform router", "get", 0.35]]
for (const [server, scenario, floor] of sqliteFloors) {
  const r = rows.find((x) => x.server === server && x.scenario === scenario)
  if (r?.baselineRps !== undefined) target(r.rps / r.baselineRps >= floor, `${server} ${scenario} throughput ≥ ${floor} × baseline (${f(r.rps / r.baselineRps, 2)})`)
}
const alone = rows.find((x) => x.server === "platform pipeline alone" && x.scenario === "get")
if (alone?.baselineRps !== undefined) {
  console.log(`         (@effect/platform's pipeline alone, a constant answer and nothing of ours: ${f(alone.rps / alone.baselineRps, 2)} × baseline, ${f(alone.cpuUs, 0)} µs/req)`)
}
for (const scenario of ["create", "get", "list 50"]) {
  const r = rows.find((x) => x.server === "postgres" && x.scenario === scenario)
  if (r?.ceilingRps !== undefined) target(r.rps / r.ceilingRps >= 0.6, `postgres ${scenario} throughput ≥ 0.6 × node:http + pg (${f(r.rps / r.ceilingRps, 2)})`)
  if (r?.baselineRps !== undefined) console.log(`         (postgres ${scenario}: ${f(r.rps / r.baselineRps, 2)} × the SQLite baseline)`)
}
// Issue 24: autosave of a 1 MB state at least as fast as the editor dialect it replaced. Its sync
// of a 1.2 MB document was measured by this bench at fb36025 (the last commit with the editor
// dialect) on the project's machine on 2026-12-07: 72 req/s on SQLite and 54 on PostgreSQL, while
// the baseline's get answered 50,582 and 39,730 req/s in turns with them. Compared through the
// baseline's get of this run, so a machine slower or faster than that day's moves both alike.
const editorSync = { sqlite: { rps: 72, baselineGet: 50_582 }, postgres: { rps: 54, baselineGet: 39_730 } }
for (const r of rows.filter((x) => x.scenario.startsWith("indream sync"))) {
  const editor = editorSync[r.server]
  const get = rows.find((x) => x.server === r.server && x.scenario === "get")
  if (editor === undefined || get?.baselineRps === undefined) continue
  const ratio = (r.rps / get.baselineRps) / (editor.rps / editor.baselineGet)
  target(
    ratio >= 1,
    `${r.server} ${r.scenario} at least the editor dialect's sync, each over its run's baseline get (${f(ratio, 2)} × its ${editor.rps} req/s at ${editor.baselineGet}; ${f(r.rps, 0)} req/s here at ${f(get.baselineRps, 0)})`
  )
}
for (const s of scale) {
  target(s.deep.p50 <= 1.5 * s.first.p50, `${s.server} page ${settings.deepPage} within 1.5 × page 1 (${f(s.deep.p50 / s.first.p50, 2)})`)
  const worst = Math.max(s.rare.p99, s.common.p99, s.none.p99)
  target(worst < 20, `${s.server} search at ${settings.scale.toLocaleString("en")} under 20 ms p99 (worst ${f(worst)} ms)`)
}
for (const s of streams) {
  target(s.heapSecondHalfMax <= s.heapFirstHalfMax * 1.25 + 5, `${s.server} stream of ${s.count.toLocaleString("en")}: no heap growth (${f(s.heapFirstHalfMax, 0)} → ${f(s.heapSecondHalfMax, 0)} MB)`)
}
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`)
process.exit(0)
