/**
 * Data in (nearly) every table of every dialect for one organization, made over HTTP as a client
 * would: sync.so projects, assets and generations; Indream projects, an uploaded file bound to one,
 * an export and an idempotent create; Sanity projects, CORS origins, datasets, tags (one on a
 * dataset), an alias, an invitation, webhooks (one fired, its delivery given up after its one
 * attempt under `frozenLifecycles`), a deployed schema and a backup, a project token, a copy job and
 * embeddings; a second member. What the snapshot and per-organization reset tests
 * start from. (Server webhook deliveries are left out: their worker would change them while a test reads.)
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"

import { examples } from "./IndreamDocuments.js"

export interface OrgCredentials {
  readonly id: string
  readonly credentials: {
    readonly sync: { readonly apiKey: string }
    readonly indream: { readonly apiKey: string }
    readonly sanity: { readonly token: string }
  }
}

export interface Populated {
  readonly syncProject: string
  readonly indreamProject: string
  readonly sanityProject: string
  /** A Sanity project token (robot) of `sanityProject`. */
  readonly sanityProjectToken: string
}

/** Lifecycles long enough that nothing moves on its own while a test compares two exports. */
export const frozenLifecycles = {
  generations: { pending: "1 hour", processing: "1 hour", pollInterval: "100 millis" },
  indream: { exports: { pending: "1 hour", processing: "1 hour", pollInterval: "100 millis" } },
  sanity: {
    copyPending: "1 hour",
    copyRunning: "1 hour",
    embeddingsUpdating: "1 hour",
    pollInterval: "100 millis",
    // One attempt, then given up: a fired webhook's rows stop changing once it is made.
    hookDeliveries: { retryBaseDelay: "1 hour", maxAttempts: 1, timeout: "2 seconds", pollInterval: "50 millis" }
  }
} as const

const call = async (
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  expected: ReadonlyArray<number> = [200, 201, 202, 204]
) => {
  const raw = body instanceof Uint8Array
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(raw ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  if (!expected.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return text === "" ? {} : JSON.parse(text) as Record<string, unknown>
}

export const populate = async (baseUrl: string, adminToken: string, org: OrgCredentials, tag = "a"): Promise<Populated> => {
  const sync = { "x-api-key": org.credentials.sync.apiKey }
  const sanity = { authorization: `Bearer ${org.credentials.sanity.token}` }
  const admin = { authorization: `Bearer ${adminToken}` }

  await call(baseUrl, "POST", `/__projectkit/orgs/${org.id}/members?sanityRole=viewer`, admin)

  const syncProject = String((await call(baseUrl, "POST", "/sync/v2/projects", sync, { name: `Project ${tag}` })).id)
  await call(baseUrl, "POST", "/sync/v2/projects", sync, { name: `Shared ${tag}`, visibility: "ORGANIZATION" })
  const video = { type: "video", url: "https://example.com/a.mp4" }
  const audio = { type: "audio", url: "https://example.com/a.wav" }
  await call(baseUrl, "POST", "/sync/v2/assets", sync, {
    url: video.url,
    type: "VIDEO",
    name: "clip",
    durationSeconds: 3.25,
    projectId: syncProject
  })
  await call(baseUrl, "POST", "/sync/v2/generate", sync, { model: "lipsync-2", input: [video, audio], projectId: syncProject })
  // An asset uploaded through an upload URL: its bytes are rows too (sync_uploads, sync_upload_chunks).
  const bytes = new TextEncoder().encode(`uploaded bytes ${tag}`)
  const slot = await call(baseUrl, "POST", "/sync/v2/assets/upload", sync, { fileName: `${tag}.wav`, contentType: "audio/wav", size: bytes.length })
  const put = await fetch(String(slot.uploadUrl), { method: "PUT", headers: { "content-type": "audio/wav" }, body: bytes })
  if (put.status !== 200) throw new Error(`PUT ${String(slot.uploadUrl)}: ${put.status} ${await put.text()}`)
  await call(baseUrl, "POST", "/sync/v2/assets", sync, { url: slot.url, type: "AUDIO" })
  // A generation with an uploaded file (an UPLOAD asset with its hash) and a batch with its lines (multipart).
  const upload = new FormData()
  upload.append("video", new Blob([new Uint8Array(64).fill(1)], { type: "video/mp4" }), "take.mp4")
  upload.append("model", "lipsync-2")
  upload.append("input", JSON.stringify(audio))
  const uploaded = await fetch(`${baseUrl}/sync/v2/generate`, { method: "POST", headers: sync, body: upload })
  if (uploaded.status !== 201) throw new Error(`POST /sync/v2/generate (multipart): ${uploaded.status} ${await uploaded.text()}`)
  const batch = new FormData()
  const lines = Array.from({ length: 20 }, (_, index) =>
    JSON.stringify({ request_id: `${tag}-${index}`, endpoint: "/v2/generate", payload: { model: "lipsync-2", input: [video, audio] } }))
  batch.append("input", new Blob([lines.join("\n")]), "batch.jsonl")
  const batched = await fetch(`${baseUrl}/sync/v2/batch`, { method: "POST", headers: sync, body: batch })
  if (batched.status !== 201) throw new Error(`POST /sync/v2/batch: ${batched.status} ${await batched.text()}`)

  const indream = { "x-api-key": org.credentials.indream.apiKey }
  const indreamState = examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
  const indreamProject = String(
    ((await call(baseUrl, "POST", "/indream/v1/projects", { ...indream, "idempotency-key": `create-${tag}` }, {
      title: `Reel ${tag}`,
      editorState: indreamState
    })).data as Record<string, unknown>).projectId
  )
  await call(
    baseUrl,
    "POST",
    "/indream/v1/uploads",
    { ...indream, "content-type": "image/png", "x-file-name": "logo.png", "x-project-id": indreamProject },
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])
  )
  await call(baseUrl, "POST", `/indream/v1/projects/${indreamProject}/exports`, indream, {
    ratio: "16:9",
    scale: 1,
    fps: 30,
    format: "mp4",
    clientTaskId: `render-${tag}`
  })

  const v = "/sanity/v2021-06-07"
  const sanityProject = String((await call(baseUrl, "POST", `${v}/projects`, sanity, { displayName: `Studio ${tag}` })).id)
  const project = `${v}/projects/${sanityProject}`
  await call(baseUrl, "POST", `${project}/cors`, sanity, { origin: `https://${tag}.studio.example.com`, allowCredentials: true })
  await call(baseUrl, "PUT", `${project}/datasets/production`, sanity, { aclMode: "public" })
  await call(baseUrl, "PUT", `${project}/datasets/staging`, sanity, { aclMode: "private" })
  await call(baseUrl, "PUT", `${project}/datasets/production/settings/embeddings`, sanity, { enabled: true })
  await call(baseUrl, "POST", `${project}/tags`, sanity, { name: "release", title: "Release", metadata: { tone: "positive" } })
  await call(baseUrl, "PUT", `${project}/datasets/production/tags/release`, sanity)
  const here = { ...sanity, "x-sanity-project-id": sanityProject }
  await call(baseUrl, "PUT", "/sanity/v2025-09-16/aliases/conference", here, { datasetName: "production" })
  await call(baseUrl, "POST", `/sanity/v2025-09-22/invitations/project/${sanityProject}`, sanity, { email: `${tag}@example.com`, role: "editor" })
  await call(baseUrl, "POST", `/sanity/v2025-08-04/hooks/projects/${sanityProject}`, sanity, {
    name: "publish",
    dataset: "production",
    url: `https://${tag}.hooks.example.com/sanity`,
    type: "document",
    httpMethod: "POST"
  })
  // A webhook fired by the control plane at a port nothing listens on: a message and its failed attempt.
  const unreachable = await call(baseUrl, "POST", `/sanity/v2025-08-04/hooks/projects/${sanityProject}`, sanity, {
    name: "unreachable",
    dataset: "production",
    url: "http://127.0.0.1:9/sanity"
  })
  await call(baseUrl, "POST", `/__projectkit/orgs/${org.id}/views/sanity/hook-messages`, admin, { name: String(unreachable.id) })
  await eventuallyPromise(
    () => call(baseUrl, "GET", `/sanity/v2025-08-04/hooks/projects/${sanityProject}/${String(unreachable.id)}/messages`, sanity),
    {
      until: (messages) => ["failed", "delivered"].includes((messages as unknown as ReadonlyArray<{ status: string }>)[0]?.status ?? ""),
      what: "the delivery made once"
    }
  )
  await call(baseUrl, "PUT", `/sanity/v2025-03-01/projects/${sanityProject}/datasets/production/schemas`, sanity, {
    schemas: [{ workspace: { name: "default" }, schema: [{ name: "post", type: "document" }], version: "2025-05-01" }]
  })
  // Backups turned on take one at once, of the schema just deployed.
  await call(baseUrl, "PUT", `/sanity/v2025-08-29/projects/${sanityProject}/datasets/production/settings/backups`, sanity, { enabled: true })
  const created = await call(baseUrl, "POST", `${project}/tokens`, sanity, { label: "ci", roleName: "viewer" })
  await call(baseUrl, "PUT", `${project}/datasets/production/copy`, sanity, { targetDataset: "copy" })
  return { syncProject, indreamProject, sanityProject, sanityProjectToken: String(created.key) }
}

/** The organization's Indream projects, and what the first one's bound file answers (its URL needs no key). */
const indreamFiles = async (baseUrl: string, org: OrgCredentials) => {
  const indream = { "x-api-key": org.credentials.indream.apiKey }
  const projects = (await call(baseUrl, "GET", "/indream/v1/projects", indream)).data as ReadonlyArray<{ projectId: string }>
  const first = projects[0]
  const assets = first === undefined
    ? []
    : (await call(baseUrl, "GET", `/indream/v1/projects/${first.projectId}/assets`, indream)).data as ReadonlyArray<{ fileUrl: string }>
  const file = assets[0] === undefined ? undefined : await fetch(assets[0].fileUrl)
  return {
    indreamProjects: projects.length,
    indreamFile: file === undefined ? 0 : (await file.arrayBuffer()).byteLength
  }
}

/** How many rows the organization has in each table, through its own credentials. */
export const visible = async (baseUrl: string, org: OrgCredentials, populated: Populated) => {
  const sync = { "x-api-key": org.credentials.sync.apiKey }
  const sanity = { authorization: `Bearer ${org.credentials.sanity.token}` }
  const items = (body: Record<string, unknown>, key = "items") => (body[key] as ReadonlyArray<unknown>).length
  return {
    syncProjects: items(await call(baseUrl, "GET", "/sync/v2/projects", sync)),
    syncAssets: items(await call(baseUrl, "GET", "/sync/v2/assets", sync)),
    ...(await indreamFiles(baseUrl, org)),
    sanityProjects: (await fetch(`${baseUrl}/sanity/v2021-06-07/projects`, { headers: sanity }).then((r) => r.json()) as ReadonlyArray<unknown>)
      .length,
    sanityProjectToken: (await fetch(`${baseUrl}/sanity/v2021-06-07/projects/${populated.sanityProject}`, {
      headers: { authorization: `Bearer ${populated.sanityProjectToken}` }
    })).status
  }
}
