/**
 * The control routes the Studio uses, over HTTP: admin token only, one organization at a time,
 * no secrets, and sync.so project changes that the API sees exactly as its own.
 */
import { IndreamEditorState } from "@projectkit/indream"
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { request, TestServer, layer as testServer } from "../support/TestServer.js"

interface Created {
  readonly id: string
  readonly credentials: {
    readonly sync: { readonly apiKey: string }
    readonly indream: { readonly apiKey: string }
    readonly sanity: { readonly token: string }
  }
  readonly webhookSecret: string
}

interface StudioRecord {
  readonly id: string
  readonly title: string
  readonly parent?: string | null
  readonly inFlight: boolean
  readonly cells: Record<string, unknown>
}

interface ViewData {
  readonly organization: { readonly id: string; readonly members: number }
  readonly views: ReadonlyArray<{ readonly id: string; readonly records: ReadonlyArray<StudioRecord> }>
}

const records = (data: ViewData, view: string) => data.views.find((v) => v.id === view)?.records ?? []

const admin = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" })

const organization = (name: string) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const created = yield* request("/__projectkit/orgs", { method: "POST", headers: admin(adminToken), body: JSON.stringify({ name }) })
    expect(created.status).toBe(201)
    return created.body as Created
  })

layer(testServer())("Studio control routes", (it) => {
  it.effect("answer the admin alone", () =>
    Effect.gen(function*() {
      const org = yield* organization("Locked")
      for (const [method, path] of [
        ["GET", "/__projectkit/orgs"],
        ["GET", "/__projectkit/studio/views"],
        ["GET", `/__projectkit/orgs/${org.id}/views/sync`],
        ["POST", `/__projectkit/orgs/${org.id}/views/sync/projects`],
        ["DELETE", `/__projectkit/orgs/${org.id}/views/sync/projects/x`]
      ] as const) {
        const refused = yield* request(path, { method, headers: { "x-api-key": org.credentials.sync.apiKey } })
        expect(refused.status, `${method} ${path}`).toBe(401)
      }
    }))

  it.effect("list organizations, and show one's data without another's or any secret", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const mine = yield* organization("Mine")
      const theirs = yield* organization("Theirs")
      yield* request("/sync/v2/projects", {
        method: "POST",
        headers: { "x-api-key": theirs.credentials.sync.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "Not yours" })
      })
      yield* request("/sync/v2/projects", {
        method: "POST",
        headers: { "x-api-key": mine.credentials.sync.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "Yours" })
      })
      const list = yield* request("/__projectkit/orgs", { headers: admin(adminToken) })
      expect(list.status).toBe(200)
      const ids = (list.body as { organizations: Array<{ id: string; members: number }> }).organizations.map((o) => o.id)
      expect(ids).toEqual(expect.arrayContaining([mine.id, theirs.id]))

      // Every dialect's data, as views: records with titles and cells, never rows with storage names.
      const views = (yield* request("/__projectkit/studio/views", { headers: admin(adminToken) })).body as {
        served: Array<string>
        dialects: Array<{ dialect: string; title: string; views: Array<{ id: string }> }>
      }
      expect(views.served).toEqual(["sync", "sanity", "indream"])
      expect(views.dialects.map((d) => [d.dialect, d.title])).toEqual([["sync", "sync.so"], ["sanity", "Sanity"], ["indream", "Indream"]])
      let text = ""
      for (const { dialect } of views.dialects) {
        const data = yield* request(`/__projectkit/orgs/${mine.id}/views/${dialect}`, { headers: admin(adminToken) })
        expect(data.status).toBe(200)
        text += JSON.stringify(data.body)
        if (dialect === "sync") {
          const body = data.body as ViewData
          expect(body.organization).toMatchObject({ id: mine.id, members: 1 })
          expect(records(body, "projects").map((p) => p.title)).toEqual(["Yours"])
        }
      }
      for (const secret of [mine.credentials.sync.apiKey, mine.credentials.sanity.token, mine.webhookSecret]) {
        expect(text).not.toContain(secret)
      }
      expect(text).not.toMatch(/secret|_hash|_id|sync_projects/)
      expect(text).not.toContain(theirs.id)

      const unknown = yield* request("/__projectkit/orgs/nope/views/sync", { headers: admin(adminToken) })
      expect(unknown).toMatchObject({ status: 404, body: { error: "not_found" } })
      const noDialect = yield* request(`/__projectkit/orgs/${mine.id}/views/nope`, { headers: admin(adminToken) })
      expect(noDialect).toMatchObject({ status: 404, body: { error: "not_found" } })
    }))

  it.effect("create, rename and delete sync.so projects as the API would", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* organization("Projects")
      const other = yield* organization("Other")
      const api = { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" }
      const projects = `/__projectkit/orgs/${org.id}/views/sync/projects`
      const created = yield* request(projects, {
        method: "POST",
        headers: admin(adminToken),
        body: JSON.stringify({ name: "  From the Studio  " })
      })
      expect(created.status).toBe(201)
      const project = created.body as { id: string }
      expect(created.body).toMatchObject({ title: "From the Studio", cells: { visibility: "ORGANIZATION", mode: "CREATOR" } })
      // A visibility the dialect does not have, or a field it does not know: refused, nothing made.
      for (const options of [{ visibility: "EVERYONE" }, { colour: "red" }]) {
        const refused = yield* request(projects, {
          method: "POST",
          headers: admin(adminToken),
          body: JSON.stringify({ name: "Refused", options })
        })
        expect(refused).toMatchObject({ status: 400, body: { error: "bad_request" } })
      }
      const listed = (yield* request("/sync/v2/projects", { headers: api })).body as { items: Array<{ name: string }> }
      expect(listed.items.map((p) => p.name)).not.toContain("Refused")
      const seen = yield* request(`/sync/v2/projects/${project.id}`, { headers: api })
      expect(seen).toMatchObject({ status: 200, body: { name: "From the Studio" } })

      // A USER project of the API's user: the Studio changes it as its owner.
      const own = yield* request("/sync/v2/projects", { method: "POST", headers: api, body: JSON.stringify({ name: "Private" }) })
      const ownId = (own.body as { id: string }).id
      const renamed = yield* request(`${projects}/${ownId}`, {
        method: "PATCH",
        headers: admin(adminToken),
        body: JSON.stringify({ name: "Renamed" })
      })
      expect(renamed).toMatchObject({ status: 200, body: { title: "Renamed", cells: { visibility: "USER" } } })
      expect((yield* request(`/sync/v2/projects/${ownId}`, { headers: api })).body).toMatchObject({ name: "Renamed" })

      // Never across organizations.
      const across = yield* request(`/__projectkit/orgs/${other.id}/views/sync/projects/${ownId}`, {
        method: "DELETE",
        headers: admin(adminToken)
      })
      expect(across).toMatchObject({ status: 404, body: { error: "not_found" } })
      expect((yield* request(`/sync/v2/projects/${ownId}`, { headers: api })).status).toBe(200)

      // Deleting leaves the project's generations, ungrouped.
      const generation = yield* request("/sync/v2/generate", {
        method: "POST",
        headers: api,
        body: JSON.stringify({
          model: "lipsync-2",
          input: [
            { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
            { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
          ],
          projectId: project.id
        })
      })
      expect(generation.status).toBe(201)
      const generationId = (generation.body as { id: string }).id
      const deleted = yield* request(`${projects}/${project.id}`, {
        method: "DELETE",
        headers: admin(adminToken)
      })
      expect(deleted.status).toBe(204)
      expect((yield* request(`/sync/v2/projects/${project.id}`, { headers: api })).status).toBe(404)
      expect((yield* request(`/sync/v2/generate/${generationId}`, { headers: api })).body).toMatchObject({ projectId: null })
      const again = yield* request(`${projects}/${project.id}`, {
        method: "DELETE",
        headers: admin(adminToken)
      })
      expect(again.status).toBe(404)
    }))
})

layer(testServer({ indream: { syncRateLimit: { limit: 2, window: "1 minute", burst: 3 } } }))("Studio Indream view", (it) => {
  it.effect("shows each Indream project's sync budget as the limiter keeps it", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* organization("Indream")
      const indream = { "x-api-key": org.credentials.indream.apiKey, "content-type": "application/json" }
      const editorState = IndreamEditorState.blank()
      const created = yield* request("/indream/v1/projects", {
        method: "POST",
        headers: indream,
        body: JSON.stringify({ title: "Cut", editorState })
      })
      expect(created.status).toBe(201)
      const projectId = (created.body as { data: { projectId: string } }).data.projectId
      const budget = () =>
        Effect.map(
          request(`/__projectkit/orgs/${org.id}/views/indream`, { headers: admin(adminToken) }),
          (data) => records(data.body as ViewData, "projects").find((p) => p.id === projectId)?.cells["syncBudget"]
        )
      expect(yield* budget()).toEqual({ value: 3, max: 3, caption: "3 of 3 now (2 per 60 s)" })
      const synced = yield* request(`/indream/v1/projects/${projectId}/sync`, {
        method: "POST",
        headers: indream,
        body: JSON.stringify({ editorState: { ...editorState, compositionWidth: 1280 }, stateVersion: "1" })
      })
      expect(synced.status).toBe(200)
      expect(yield* budget()).toMatchObject({ value: 2, caption: "2 of 3 now (2 per 60 s)" })
    }))

  it.effect("report each Sanity copy job's progress as the dialect's job events do", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* organization("Copies")
      const auth = { authorization: `Bearer ${org.credentials.sanity.token}`, "content-type": "application/json" }
      const base = "/sanity/v2021-06-07/projects"
      const project = (yield* request(base, { method: "POST", headers: auth, body: JSON.stringify({ displayName: "Copied" }) }))
        .body as { id: string }
      expect((yield* request(`${base}/${project.id}/datasets/production`, { method: "PUT", headers: auth, body: "{}" })).status)
        .toBeLessThan(300)
      const copy = yield* request(`${base}/${project.id}/datasets/production/copy`, {
        method: "PUT",
        headers: auth,
        body: JSON.stringify({ targetDataset: "staging" })
      })
      expect(copy.status).toBeLessThan(300)
      const [job] = yield* Effect.map(
        request(`/__projectkit/orgs/${org.id}/views/sanity`, { headers: admin(adminToken) }),
        (data) => records(data.body as ViewData, "copy-jobs")
      )
      // Pending: 0, as `SanityWire.jobEvent` says (then 50 running, 100 done; the e2e test sees 100).
      const state = job!.cells["state"]
      expect(job).toMatchObject({ parent: project.id, title: "Copy to staging", inFlight: state !== "completed" })
      expect(job!.cells["progress"]).toBe(state === "pending" ? 0 : state === "running" ? 50 : 100)
    }))
})

describe("Studio page", () => {
  layer(testServer())((it) => {
    it.effect("is served with a policy that keeps it on this server", () =>
      Effect.gen(function*() {
        const { baseUrl } = yield* TestServer
        const page = yield* Effect.promise(() => fetch(`${baseUrl}/__projectkit/studio`))
        expect(page.status).toBe(200)
        expect(page.headers.get("content-type")).toContain("text/html")
        expect(page.headers.get("content-security-policy")).toContain("default-src 'self'")
        const html = yield* Effect.promise(() => page.text())
        expect(html).not.toMatch(/https?:\/\//)
        const script = yield* Effect.promise(() => fetch(`${baseUrl}/__projectkit/studio/studio.js`, { headers: { "accept-encoding": "gzip" } }))
        expect(script.status).toBe(200)
        expect(script.headers.get("content-encoding")).toBe("gzip")
      }))
  })
})

layer(testServer())("Studio view actions", (it) => {
  it.effect("run as the view declares them, and what a view does not offer is not found", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* organization("Platform")
      const views = yield* request("/__projectkit/studio/views", { headers: admin(adminToken) })
      expect(views).toMatchObject({ status: 200, body: { served: ["sync", "sanity", "indream"] } })
      const projects = `/__projectkit/orgs/${org.id}/views/sync/projects`
      const created = yield* request(projects, {
        method: "POST",
        headers: admin(adminToken),
        body: JSON.stringify({ name: "Routed", options: { visibility: "USER" } })
      })
      expect(created).toMatchObject({ status: 201, body: { title: "Routed", cells: { visibility: "USER" } } })
      const data = (yield* request(`/__projectkit/orgs/${org.id}/views/sync`, { headers: admin(adminToken) })).body as ViewData
      expect(records(data, "projects").map((p) => p.title)).toEqual(["Routed"])
      const empty = yield* request(projects, { method: "POST", headers: admin(adminToken), body: JSON.stringify({ name: "  " }) })
      expect(empty.status).toBe(400)
      const noAction = yield* request(`/__projectkit/orgs/${org.id}/views/sync/generations`, {
        method: "POST",
        headers: admin(adminToken),
        body: JSON.stringify({ name: "Nope" })
      })
      expect(noAction).toMatchObject({ status: 404, body: { error: "not_found" } })
    }))
})
