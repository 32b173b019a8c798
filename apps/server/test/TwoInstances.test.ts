/**
 * Two server instances on one database, as a team scaling out would run them: a tenant's rate-limit
 * budget is shared (not doubled), pagination started on one instance continues on the other, and
 * concurrent PATCHes through both lose no update and leave no torn record. On one SQLite file shared
 * by two processes, and on PostgreSQL when PROJECTKIT_TEST_DATABASE_URL is set.
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as RateLimit from "@projectkit/core/RateLimit"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import Pg from "pg"
import * as Database from "../src/Database.js"
import * as Revocations from "../src/Revocations.js"
import * as RateLimits from "../src/RateLimits.js"
import { adminToken, call, createOrganization, type ServerProcess, start, stop } from "./support/ServerProcess.js"
import * as TestDatabase from "./support/TestDatabase.js"

interface Acquired {
  readonly location: string
  readonly release: () => Promise<void>
}

const sqliteFile = async (): Promise<Acquired> => {
  const folder = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-two-"))
  return { location: Path.join(folder, "data.db"), release: async () => Fs.rmSync(folder, { recursive: true, force: true }) }
}

const postgresSchema = async (): Promise<Acquired> => {
  const created = await TestDatabase.createSchema(TestDatabase.postgresUrl!)
  return { location: created.url, release: created.drop }
}

const backends = [
  { name: "one SQLite file", skip: false, acquire: sqliteFile },
  { name: "PostgreSQL", skip: TestDatabase.postgresUrl === undefined, acquire: postgresSchema }
] as const

const json = (apiKey: string) => ({ "x-api-key": apiKey, "content-type": "application/json" })

/** A valid Indream editorState of `width` and `clips` back-to-back solid clips on one track. */
const indreamState = (width: number, clips: number) => {
  const keyframed = (value: number) => ({ value, keyframes: [] })
  const items = Object.fromEntries(Array.from({ length: clips }, (_, i) => [`solid-${i}`, {
    id: `solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120,
    top: keyframed(0), left: keyframed(0), width: keyframed(1920), height: keyframed(1080), scaleX: keyframed(1),
    scaleY: keyframed(1), opacity: keyframed(1), isDraggingInTimeline: false, borderRadius: keyframed(0),
    rotation: keyframed(0), keepAspectRatio: false
  }]))
  return {
    compositionWidth: width, compositionHeight: 1080, timebaseTicksPerSecond: 240000,
    tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }],
    assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null }
  }
}

describe.each(backends)("two instances on $name", ({ acquire, name, skip }) => {
  let database: Acquired
  let a: ServerProcess
  let b: ServerProcess
  let apiKey: string

  beforeAll(async () => {
    if (skip) return
    database = await acquire()
    // Both start at once: the migrations must run exactly once, whichever wins.
    // Indream's sync limit: a burst of 5 per project, refilling once in ten minutes.
    const limits = ["--indream-sync-limit", "1", "--indream-sync-window-ms", "600000", "--indream-sync-burst", "5"]
    ;[a, b] = await Promise.all([start(database.location, limits), start(database.location, limits)])
    apiKey = (await createOrganization(a.baseUrl, "Shared")).credentials.sync.apiKey
  }, 60_000)

  afterAll(async () => {
    if (skip) return
    await Promise.all([a, b].filter((s) => s !== undefined).map(stop))
    await database?.release()
  }, 30_000)

  it.skipIf(skip)("see the same organizations and projects", async () => {
    const created = await call(b.baseUrl, "/sync/v2/projects", {
      method: "POST",
      headers: json(apiKey),
      body: JSON.stringify({ name: "Made on B" })
    })
    expect(created.status).toBe(201)
    const { id } = created.body as { id: string }
    const read = await call(a.baseUrl, `/sync/v2/projects/${id}`, { headers: json(apiKey) })
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id, name: "Made on B" })
  })

  it.skipIf(skip)("serve an Indream upload made on one instance from the other, byte for byte", async () => {
    const key = (await createOrganization(a.baseUrl, "Files")).credentials.indream.apiKey
    const bytes = new Uint8Array(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    const uploaded = await call(a.baseUrl, "/indream/v1/uploads", {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/octet-stream", "x-file-name": "shared.bin" },
      body: bytes
    })
    expect(uploaded.status).toBe(201)
    const { fileUrl } = (uploaded.body as { data: { fileUrl: string } }).data
    expect(fileUrl.startsWith(`${a.baseUrl}/indream/files/`)).toBe(true)
    const fromB = await fetch(fileUrl.replace(a.baseUrl, b.baseUrl))
    expect(fromB.status).toBe(200)
    expect(new Uint8Array(await fromB.arrayBuffer())).toEqual(bytes)
  })

  it.skipIf(skip)("page through one list across both instances, each project exactly once and in order", async () => {
    const org = (await createOrganization(b.baseUrl, "Paged")).credentials.sync.apiKey
    const names = Array.from({ length: 23 }, (_, i) => `Paged ${String(i).padStart(2, "0")}`)
    // Created through both instances, alternating.
    for (const [i, name] of names.entries()) {
      const created = await call(i % 2 === 0 ? a.baseUrl : b.baseUrl, "/sync/v2/projects", {
        method: "POST",
        headers: json(org),
        body: JSON.stringify({ name })
      })
      expect(created.status).toBe(201)
    }
    const seen: Array<string> = []
    let cursor: string | undefined
    let page = 0
    do {
      const query = new URLSearchParams({ limit: "5", sortBy: "name", ...(cursor === undefined ? {} : { cursor }) })
      // Each page from the other instance than the last: a cursor of one is good on the other.
      const listed = await call(page++ % 2 === 0 ? a.baseUrl : b.baseUrl, `/sync/v2/projects?${query}`, { headers: json(org) })
      expect(listed.status).toBe(200)
      const body = listed.body as { items: Array<{ name: string }>; nextCursor?: string | null }
      seen.push(...body.items.map((item) => item.name))
      cursor = body.nextCursor ?? undefined
    } while (cursor !== undefined)
    expect(seen).toEqual(names)
    expect(page).toBe(5)
  })

  it.skipIf(skip)("lose no update when PATCHes of different fields race through both instances", async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const created = await call(a.baseUrl, "/sync/v2/projects", {
        method: "POST",
        headers: json(apiKey),
        body: JSON.stringify({ name: `Race ${i}`, visibility: "ORGANIZATION" })
      })
      return (created.body as { id: string }).id
    }))
    // For every project, A renames it while B changes its visibility, at the same moment.
    const results = await Promise.all(ids.flatMap((id, i) => [
      call(a.baseUrl, `/sync/v2/projects/${id}`, {
        method: "PATCH",
        headers: json(apiKey),
        body: JSON.stringify({ name: `Renamed ${i}` })
      }),
      call(b.baseUrl, `/sync/v2/projects/${id}`, {
        method: "PATCH",
        headers: json(apiKey),
        body: JSON.stringify({ visibility: "USER" })
      })
    ]))
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200))
    for (const [i, id] of ids.entries()) {
      const read = await call(i % 2 === 0 ? b.baseUrl : a.baseUrl, `/sync/v2/projects/${id}`, { headers: json(apiKey) })
      expect(read.body).toMatchObject({ name: `Renamed ${i}`, visibility: "USER" })
    }
  })

  it.skipIf(skip)("merge racing Sanity metadata PATCHes from both instances without losing a key", async () => {
    const token = (await createOrganization(a.baseUrl, "Sanity race") as unknown as { credentials: { sanity: { token: string } } })
      .credentials.sanity.token
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" }
    const created = await call(a.baseUrl, "/sanity/v2021-06-07/projects", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ displayName: "Raced" })
    })
    expect(created.status).toBeLessThan(300)
    const { id } = created.body as { id: string }
    // Sixteen PATCHes at once, each adding its own metadata key, through both instances.
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      call(i % 2 === 0 ? a.baseUrl : b.baseUrl, `/sanity/v2021-06-07/projects/${id}`, {
        method: "PATCH",
        headers: auth,
        body: JSON.stringify({ metadata: { [`key${i}`]: i } })
      })
    ))
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200))
    const read = await call(b.baseUrl, `/sanity/v2021-06-07/projects/${id}`, { headers: auth })
    const metadata = (read.body as { metadata: Record<string, unknown> }).metadata
    for (let i = 0; i < 16; i++) expect(metadata[`key${i}`]).toBe(i)
  })

  it.skipIf(skip)("share one Indream sync budget per project between instances instead of doubling it", async () => {
    const key = (await createOrganization(a.baseUrl, "Indream budget")).credentials.indream.apiKey
    const auth = { "x-api-key": key, "content-type": "application/json" }
    const created = await call(a.baseUrl, "/indream/v1/projects", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ title: "Budget", editorState: indreamState(1000, 0) })
    })
    expect(created.status).toBe(201)
    const { projectId } = (created.body as { data: { projectId: string } }).data
    // 20 syncs of one project at once, half through each instance: the burst of 5 admits 5 in all.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(i % 2 === 0 ? a.baseUrl : b.baseUrl, `/indream/v1/projects/${projectId}/sync`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ editorState: indreamState(1000 + i, 0), stateVersion: `v${i + 1}` })
      })
    ))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)
    // The state saved is one of the admitted syncs', whole.
    const saved = ((await call(b.baseUrl, `/indream/v1/projects/${projectId}`, { headers: auth })).body as {
      data: { editorState: { compositionWidth: number }; stateVersion: string }
    }).data
    const admitted = results.flatMap((r, i) => r.status === 200 ? [i] : [])
    const step = saved.editorState.compositionWidth - 1000
    expect(admitted).toContain(step)
    expect(saved.stateVersion).toBe(`v${step + 1}`)
  })

  it.skipIf(skip)("lose neither a sync nor a metadata PATCH of Indream racing through both instances", async () => {
    const key = (await createOrganization(b.baseUrl, "Indream race")).credentials.indream.apiKey
    const auth = { "x-api-key": key, "content-type": "application/json" }
    const ids = await Promise.all(Array.from({ length: 4 }, async (_, i) => {
      const created = await call(a.baseUrl, "/indream/v1/projects", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ title: `Race ${i}`, editorState: indreamState(1000, 0) })
      })
      return (created.body as { data: { projectId: string } }).data.projectId
    }))
    // For every project at once: A syncs a state, B sets the title, A sets the description.
    const results = await Promise.all(ids.flatMap((id, i) => [
      call(a.baseUrl, `/indream/v1/projects/${id}/sync`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ editorState: indreamState(1000 + i, 200), stateVersion: "v7" })
      }),
      call(b.baseUrl, `/indream/v1/projects/${id}`, { method: "PATCH", headers: auth, body: JSON.stringify({ title: `Titled ${i}` }) }),
      call(a.baseUrl, `/indream/v1/projects/${id}`, { method: "PATCH", headers: auth, body: JSON.stringify({ description: `Described ${i}` }) })
    ]))
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200))
    for (const [i, id] of ids.entries()) {
      const project = ((await call(b.baseUrl, `/indream/v1/projects/${id}`, { headers: auth })).body as {
        data: {
          title: string
          description: string | null
          stateVersion: string
          editorState: { compositionWidth: number; items: Record<string, unknown> }
        }
      }).data
      expect(project).toMatchObject({ title: `Titled ${i}`, description: `Described ${i}`, stateVersion: "v7" })
      expect(Object.keys(project.editorState.items)).toHaveLength(200)
      expect(project.editorState.compositionWidth).toBe(1000 + i)
    }
  })

  it.skipIf(skip)("leave no torn record when whole-record PATCHes race through both instances", async () => {
    const created = await call(a.baseUrl, "/sync/v2/projects", {
      method: "POST",
      headers: json(apiKey),
      body: JSON.stringify({ name: "Torn?" })
    })
    const { id } = created.body as { id: string }
    // Each writer sends a coherent pair: its own name and the visibility of its parity.
    const writers = Array.from({ length: 24 }, (_, i) => ({ name: `Writer ${i}`, visibility: i % 2 === 0 ? "USER" : "ORGANIZATION" }))
    const results = await Promise.all(writers.map((patch, i) =>
      call(i % 2 === 0 ? a.baseUrl : b.baseUrl, `/sync/v2/projects/${id}`, {
        method: "PATCH",
        headers: json(apiKey),
        body: JSON.stringify(patch)
      })
    ))
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200))
    const final = (await call(b.baseUrl, `/sync/v2/projects/${id}`, { headers: json(apiKey) })).body as {
      name: string
      visibility: string
    }
    expect(writers).toContainEqual({ name: final.name, visibility: final.visibility })
    // The search key was written with the name it belongs to.
    const found = await call(a.baseUrl, `/sync/v2/projects?${new URLSearchParams({ searchQuery: final.name })}`, { headers: json(apiKey) })
    expect((found.body as { items: Array<{ id: string }> }).items.map((p) => p.id)).toEqual([id])
  })

  /**
   * Issue 29: what one instance withdraws, the other refuses on the very next request — no window
   * of its credential cache. Each check warms the other instance's cache first, then loops on it
   * for two seconds after the revocation is acknowledged: every single answer is a refusal.
   */
  const refusedThroughout = async (attempt: () => Promise<number>, refused: number) => {
    const until = Date.now() + 2_000
    const statuses = new Map<number, number>()
    while (Date.now() < until) {
      const status = await attempt()
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
    expect(Object.fromEntries(statuses)).toEqual({ [refused]: expect.any(Number) })
  }

  it.skipIf(skip)("a revoked Sanity project token is refused by the other instance on the very next request", async () => {
    const org = await createOrganization(a.baseUrl, "Revoked token") as unknown as { credentials: { sanity: { token: string } } }
    const admin = { authorization: `Bearer ${org.credentials.sanity.token}`, "content-type": "application/json" }
    const project = (await call(a.baseUrl, "/sanity/v2021-06-07/projects", { method: "POST", headers: admin, body: `{"displayName":"Tokens"}` }))
      .body as { id: string }
    const created = await call(a.baseUrl, `/sanity/v2021-06-07/projects/${project.id}/tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ label: "robot", roleName: "administrator" })
    })
    expect(created.status).toBe(201)
    const robot = created.body as { id: string; key: string }
    const mint = (baseUrl: string) =>
      call(baseUrl, `/sanity/v2021-06-07/projects/${project.id}/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${robot.key}`, "content-type": "application/json" },
        body: JSON.stringify({ label: "minted", roleName: "administrator" })
      }).then((answer) => answer.status)
    // The robot works on the other instance (now in its cache)...
    expect(await mint(b.baseUrl)).toBe(201)
    // ...until it is deleted on this one.
    const deleted = await call(a.baseUrl, `/sanity/v2021-06-07/projects/${project.id}/tokens/${robot.id}`, { method: "DELETE", headers: admin })
    expect(deleted.status).toBeLessThan(300)
    await refusedThroughout(() => mint(b.baseUrl), 401)
    const tokens = (await call(a.baseUrl, `/sanity/v2021-06-07/projects/${project.id}/tokens`, { headers: admin })).body as Array<unknown>
    // The robot minted one token before its deletion, none after.
    expect(tokens).toHaveLength(1)
  }, 30_000)

  it.skipIf(skip)("withdrawn Indream runtime access and a deleted organization are refused by the other instance at once", async () => {
    const org = await createOrganization(a.baseUrl, "Revoked rights")
    const admin = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }
    const indream = { "x-api-key": org.credentials.indream.apiKey }
    const list = (baseUrl: string) => call(baseUrl, "/indream/v1/projects", { headers: indream }).then((answer) => answer.status)
    expect(await list(b.baseUrl)).toBe(200)
    const withdrawn = await call(a.baseUrl, `/__projectkit/orgs/${org.id}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ indreamRuntimeAccess: false })
    })
    expect(withdrawn.status).toBe(200)
    await refusedThroughout(() => list(b.baseUrl), 403)

    const sync = { "x-api-key": org.credentials.sync.apiKey }
    const projects = (baseUrl: string) => call(baseUrl, "/sync/v2/projects", { headers: sync }).then((answer) => answer.status)
    expect(await projects(b.baseUrl)).toBe(200)
    expect((await call(a.baseUrl, `/__projectkit/orgs/${org.id}`, { method: "DELETE", headers: admin })).status).toBeLessThan(300)
    await refusedThroughout(() => projects(b.baseUrl), 401)
  }, 30_000)

  it.skipIf(skip || name !== "PostgreSQL")(
    "an instance that lost its announcements forgets every credential once it listens again",
    async () => {
      const org = await createOrganization(a.baseUrl, "Missed announcement")
      const sync = { "x-api-key": org.credentials.sync.apiKey }
      const projects = () => call(b.baseUrl, "/sync/v2/projects", { headers: sync }).then((answer) => answer.status)
      expect(await projects()).toBe(200)
      const client = new Pg.Client({ connectionString: database.location })
      await client.connect()
      try {
        const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${Revocations.listenerName}'`
        const killed = new Set((await client.query<{ pid: number }>(listeners)).rows.map((row) => row.pid))
        expect(killed.size).toBeGreaterThanOrEqual(2)
        await client.query(`SELECT pg_terminate_backend(pid) FROM (${listeners}) AS listening`)
        // Withdrawn behind every instance's back: no announcement at all.
        await client.query("DELETE FROM credentials WHERE org_id = $1 AND dialect = 'sync'", [org.id])
        // Once both listen again, what B had cached is gone.
        await eventuallyPromise(async () => {
          const now = (await client.query<{ pid: number }>(listeners)).rows.filter((row) => !killed.has(row.pid))
          expect(now.length).toBeGreaterThanOrEqual(2)
        }, { within: "10 seconds", what: "both instances listening again" })
      } finally {
        await client.end()
      }
      await refusedThroughout(projects, 401)
    },
    30_000
  )

  // Last: it resets the shared database. Issue 14: after a reset on one instance, the other answered
  // creates with 500 (foreign-key error 23503) for the second its credential cache trusts a key.
  it.skipIf(skip)("refuse a credential of an organization another instance just reset: 401, never 500", async () => {
    const keys = await Promise.all(["Stale 1", "Stale 2", "Stale 3"].map(async (name) =>
      (await createOrganization(a.baseUrl, name)).credentials))
    // B resolves (and caches) every key.
    for (const key of keys) {
      expect((await call(b.baseUrl, "/sync/v2/projects", { headers: json(key.sync.apiKey) })).status).toBe(200)
      expect((await call(b.baseUrl, "/indream/v1/projects", { headers: { "x-api-key": key.indream.apiKey } })).status).toBe(200)
    }
    const reset = await call(a.baseUrl, "/__projectkit/reset", { method: "POST", headers: { authorization: `Bearer ${adminToken}` } })
    expect(reset.status).toBe(204)
    // Within B's cached second, writes with those keys are refused cleanly, and store nothing.
    const answers = await Promise.all(keys.flatMap((key) => [
      call(b.baseUrl, "/sync/v2/projects", { method: "POST", headers: json(key.sync.apiKey), body: JSON.stringify({ name: "x" }) }),
      call(b.baseUrl, "/indream/v1/projects", {
        method: "POST",
        headers: { "x-api-key": key.indream.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ title: "x", editorState: indreamState(1000, 0) })
      })
    ]))
    expect(answers.map((answer) => answer.status).filter((status) => status !== 401)).toEqual([])
    expect(answers[0]!.body).toMatchObject({ statusCode: 401, message: "Invalid API key", errorCode: "invalid_api_key" })
  })
})

describe.skipIf(TestDatabase.postgresUrl === undefined)("the rate limiter on PostgreSQL, two instances", () => {
  it("shares one budget per tenant between instances instead of doubling it", async () => {
    const { location, release } = await postgresSchema()
    try {
      const rule = new RateLimit.RateLimitRule({ name: "two.instances", limit: 1, window: Duration.minutes(10), burst: 10 })
      const instance = () => Layer.build(RateLimits.layer.pipe(Layer.provide(Database.layerPg(location, { maxConnections: 8 }))))
      const allowed = await Effect.gen(function*() {
        const [first, second] = yield* Effect.all([instance(), instance()])
        const limiters = [first, second].map((context) => context.unsafeMap.get(RateLimit.RateLimiter.key) as RateLimit.RateLimiterService)
        // 40 requests of one tenant at once, alternating instances: 10 may pass, not 20.
        const decisions = yield* Effect.all(
          Array.from({ length: 40 }, (_, i) => limiters[i % 2]!.decide({ tenant: "org-1", rule })),
          { concurrency: "unbounded" }
        )
        const other = yield* limiters[1]!.decide({ tenant: "org-2", rule })
        expect(other._tag).toBe("Allowed")
        return decisions.filter((d) => d._tag === "Allowed").length
      }).pipe(Effect.scoped, Effect.runPromise)
      expect(allowed).toBe(rule.burst)
    } finally {
      await release()
    }
  }, 30_000)
})
