/**
 * Every answer of the Sanity dialect to a scripted session — each endpoint, each refusal (401,
 * 403, 404, 400, 409), the project-host forms, framework failures — recorded byte for byte (status,
 * content type, body text) and compared with the committed recording. Ids, secrets and times
 * change from run to run, so each is replaced by a name given in order of first appearance; the
 * rest must not change unless on purpose (the diff then shows what the wire does differently).
 */
import { expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import * as ServerClock from "../support/ServerClock.js"
import { createOrganization, TestServer, layer as testServer } from "../support/TestServer.js"

const server = testServer({
  sanity: { copyPending: "100 millis", copyRunning: "100 millis", embeddingsUpdating: "100 millis", pollInterval: "20 millis" }
})

const v = "/v2021-06-07"

/** Fields whose values change from run to run. */
const volatileFields = new Set([
  "id",
  "key",
  "jobId",
  "job_id",
  "listener_id",
  "userId",
  "projectUserId",
  "organizationId",
  "createdByUserId",
  "sanityUserId",
  "projectId",
  "authors"
])
const isoTime = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g

interface Recording {
  readonly lines: Array<string>
  readonly aliases: Map<string, string>
}

/** Registers the run-dependent values of a JSON body under stable names. */
const collect = (recording: Recording, value: unknown, field?: string): void => {
  if (Array.isArray(value)) {
    for (const item of value) collect(recording, item, field)
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) collect(recording, inner, key)
  } else if (field !== undefined && volatileFields.has(field) && (typeof value === "string" || typeof value === "number")) {
    alias(recording, String(value))
  }
}

/** Values made by the server are random, and long enough to name without ambiguity. */
const alias = (recording: Recording, value: string) => {
  if (value.length >= 7 && !recording.aliases.has(value)) recording.aliases.set(value, `<${recording.aliases.size + 1}>`)
}

const normalize = (recording: Recording, text: string) => {
  // A person's name is made of the first characters of their id.
  let result = text.replace(isoTime, "<time>").replace(/projectkit user [0-9a-f]{8}/g, "projectkit user <name>")
  const known = [...recording.aliases.entries()].sort(([a], [b]) => b.length - a.length)
  for (const [value, name] of known) result = result.split(value).join(name)
  return result
}

layer(server, { excludeTestServices: true })("Sanity dialect, recorded", (it) => {
  it.effect("answers the scripted session exactly as recorded", () =>
    Effect.gen(function*() {
      const { adminToken, baseUrl } = yield* TestServer
      const recording: Recording = { lines: [], aliases: new Map() }

      /** One request, recorded: what was asked, the status, the content type and the exact body. */
      const send = (
        token: string | null,
        method: string,
        path: string,
        options: { readonly body?: string; readonly headers?: Record<string, string>; readonly record?: boolean } = {}
      ) =>
        Effect.promise(async () => {
          // node:http rather than fetch: a request may name its project by the Host header.
          const url = new URL(`${baseUrl}/sanity${path}`)
          const response = await new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
            const outgoing = Http.request({
              host: url.hostname,
              port: url.port,
              path: `${url.pathname}${url.search}`,
              method,
              headers: {
                ...(token === null ? {} : { authorization: `Bearer ${token}` }),
                ...(options.body === undefined ? {} : { "content-type": "application/json" }),
                ...options.headers
              }
            }, (incoming) => {
              const chunks: Array<Buffer> = []
              incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
              incoming.on("end", () =>
                resolve({
                  status: incoming.statusCode ?? 0,
                  contentType: incoming.headers["content-type"] ?? "",
                  text: Buffer.concat(chunks).toString("utf8")
                }))
              incoming.on("error", reject)
            })
            outgoing.on("error", reject)
            outgoing.end(options.body)
          })
          const text = response.text
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            // a stream of events, or not JSON at all
          }
          collect(recording, json)
          for (const match of text.matchAll(/"(?:job_id|listener_id)":"([^"]+)"/g)) alias(recording, match[1]!)
          if (options.record !== false) {
            recording.lines.push(
              normalize(
                recording,
                `${method} ${path}${options.body === undefined ? "" : ` ${options.body}`}\n` +
                  `  ${response.status} ${response.contentType}\n  ${text}`
              )
            )
          }
          return { status: response.status, json: json as Record<string, unknown> }
        })

      /** Created ids are random, and lists order equal creation times by id: the server's clock moves between two. */
      const tick = ServerClock.advance("1 second")

      const org = yield* createOrganization("recorded")
      alias(recording, org.id)
      const token = org.credentials.sanity.token
      alias(recording, token)
      yield* tick
      const addMember = (role: string) =>
        Effect.promise(async () => {
          const response = await fetch(`${baseUrl}/__projectkit/orgs/${org.id}/members?sanityRole=${role}`, {
            method: "POST",
            headers: { authorization: `Bearer ${adminToken}` }
          })
          const body = (await response.json()) as { userId: string; credentials: { sanity: { token: string } } }
          alias(recording, body.userId)
          alias(recording, body.credentials.sanity.token)
          return body.credentials.sanity.token
        })
      const viewer = yield* addMember("viewer")
      const other = yield* createOrganization("other")
      alias(recording, other.id)
      const outsider = other.credentials.sanity.token
      alias(recording, outsider)

      // Authentication
      yield* send(null, "GET", `${v}/projects`)
      yield* send("sk-unknown", "GET", `${v}/projects`)
      yield* send(null, "GET", `${v}/projects`, { headers: { authorization: "Bearer " } })

      // Projects
      const created = yield* send(token, "POST", `${v}/projects`, {
        body: JSON.stringify({ displayName: "  Recorded  ", metadata: { color: "#ff0000", keep: "me" } })
      })
      const project = String(created.json.id)
      yield* tick
      const second = String((yield* send(token, "POST", `${v}/projects`, { body: JSON.stringify({ displayName: "Second" }) })).json.id)
      yield* send(viewer, "POST", `${v}/projects`, { body: JSON.stringify({ displayName: "No" }) })
      yield* send(token, "POST", `${v}/projects`, { body: JSON.stringify({ displayName: "No", organizationId: "elsewhere" }) })
      yield* send(token, "POST", `${v}/projects`, { body: JSON.stringify({ displayName: "   " }) })
      yield* send(token, "GET", `${v}/projects`)
      yield* send(token, "GET", `${v}/projects?includeMembers=false&includeFeatures=false`)
      yield* send(token, "GET", `${v}/projects?organizationId=elsewhere`)
      yield* send(token, "GET", `${v}/projects/${project}`)
      yield* send(token, "GET", `${v}/projects/zzzzzzzz`)
      yield* send(outsider, "GET", `${v}/projects/${project}`)
      yield* send(token, "PATCH", `${v}/projects/${project}`, {
        body: JSON.stringify({ displayName: "Renamed", metadata: { keep: null, extra: 1 } })
      })
      yield* send(token, "PATCH", `${v}/projects/${project}`, { body: JSON.stringify({ metadata: { color: "#FF0000" } }) })
      yield* send(token, "PATCH", `${v}/projects/${project}`, { body: JSON.stringify({ studioHost: `rec-${project}` }) })
      yield* send(token, "PATCH", `${v}/projects/${project}`, { body: JSON.stringify({ studioHost: "another" }) })
      yield* send(token, "PATCH", `${v}/projects/${second}`, { body: JSON.stringify({ studioHost: "Not Valid" }) })
      yield* send(token, "PATCH", `${v}/projects/${second}`, { body: JSON.stringify({ studioHost: `rec-${project}` }) })
      yield* send(token, "PATCH", `${v}/projects/${second}`, {
        body: JSON.stringify({ isDisabledByUser: true, activityFeedEnabled: false })
      })
      yield* send(viewer, "PATCH", `${v}/projects/${project}`, { body: JSON.stringify({ displayName: "No" }) })
      yield* send(token, "PATCH", `${v}/projects/zzzzzzzz`, { body: JSON.stringify({ displayName: "No" }) })
      yield* send(viewer, "DELETE", `${v}/projects/${second}`)

      // CORS origins
      const host = { "x-sanity-project-id": project }
      yield* send(token, "GET", `${v}/projects/${project}/cors`)
      const origin = (yield* send(token, "POST", `${v}/projects/${project}/cors`, {
        body: JSON.stringify({ origin: "HTTPS://Example.com:443/", allowCredentials: true })
      })).json.id
      yield* send(token, "POST", `${v}/projects/${project}/cors`, { body: JSON.stringify({ origin: "https://example.com" }) })
      yield* send(token, "POST", `${v}/projects/${project}/cors`, { body: JSON.stringify({ origin: "example.com/path" }) })
      yield* send(viewer, "POST", `${v}/projects/${project}/cors`, { body: JSON.stringify({ origin: "https://viewer.example" }) })
      yield* send(token, "DELETE", `${v}/projects/${project}/cors/${origin}`)
      yield* send(token, "DELETE", `${v}/projects/${project}/cors/${origin}`)
      yield* send(token, "DELETE", `${v}/projects/${project}/cors/not-a-number`)
      yield* send(viewer, "DELETE", `${v}/projects/${project}/cors/${origin}`)
      yield* send(token, "POST", `${v}/projects/${project}/cors`, { body: JSON.stringify({ origin: "https://example.com" }) })
      yield* send(token, "GET", `${v}/cors`, { headers: host })
      const hosted = (yield* send(token, "POST", `${v}/cors`, { headers: host, body: JSON.stringify({ origin: "http://*.local:*" }) }))
        .json.id
      yield* send(token, "DELETE", `${v}/cors/${hosted}`, { headers: host })
      yield* send(token, "GET", `${v}/cors`)
      yield* send(token, "GET", `${v}/cors`, { headers: { host: "127.0.0.1:4000" } })
      yield* send(token, "GET", `${v}/cors`, { headers: { host: `${project}.api.sanity.io` } })

      // Datasets
      const datasets = `${v}/projects/${project}/datasets`
      yield* send(token, "PUT", `${datasets}/production`)
      yield* tick
      yield* send(token, "PUT", `${datasets}/private`, {
        body: JSON.stringify({ aclMode: "private", embeddings: { enabled: true, projection: "{title}" } })
      })
      yield* send(token, "PUT", `${datasets}/Not_Valid`, { body: "{}" })
      yield* send(token, "PUT", `${datasets}/production`, { body: "{}" })
      yield* send(token, "PUT", `${datasets}/other`, { body: JSON.stringify({ embeddings: { enabled: true, projection: "title" } }) })
      yield* send(token, "PUT", `${datasets}/bad-acl`, { body: JSON.stringify({ aclMode: "secret" }) })
      yield* send(viewer, "PUT", `${datasets}/staging`, { body: "{}" })
      yield* send(outsider, "PUT", `${datasets}/staging`, { body: "{}" })
      yield* send(token, "GET", datasets)
      yield* send(token, "GET", `${datasets}/production`)
      yield* send(token, "GET", `${datasets}/missing`)
      yield* send(token, "PATCH", `${datasets}/production`, { body: JSON.stringify({ aclMode: "private" }) })
      yield* send(token, "PATCH", `${datasets}/production`, { body: JSON.stringify({ aclMode: "public" }) })
      yield* send(viewer, "PATCH", `${datasets}/production`, { body: JSON.stringify({ aclMode: "private" }) })
      yield* send(token, "PATCH", `${datasets}/missing`, { body: "{}" })
      yield* send(token, "GET", `${datasets}/production/settings/embeddings`)
      yield* send(token, "PUT", `${datasets}/production/settings/embeddings`, {
        body: JSON.stringify({ enabled: true, projection: "nope" })
      })
      yield* send(viewer, "PUT", `${datasets}/production/settings/embeddings`, { body: JSON.stringify({ enabled: true }) })
      yield* send(token, "PUT", `${datasets}/production/settings/embeddings`, {
        body: JSON.stringify({ enabled: true, projection: "{title, body}" })
      })
      yield* send(token, "PUT", `${datasets}/production/settings/embeddings`, { body: JSON.stringify({ enabled: false }) })
      yield* send(token, "DELETE", `${datasets}/private`)
      yield* send(token, "DELETE", `${datasets}/private`)
      yield* send(viewer, "DELETE", `${datasets}/production`)

      // The project host's dataset routes
      yield* send(token, "GET", `${v}/datasets`, { headers: host })
      yield* send(token, "GET", `${v}/datasets`)
      yield* send(outsider, "GET", `${v}/datasets`, { headers: host })
      yield* send(token, "PUT", `${v}/datasets/hosted`, { headers: host })
      yield* send(token, "GET", `${v}/datasets/hosted`, { headers: host })
      yield* send(token, "PATCH", `${v}/datasets/hosted`, { headers: host, body: JSON.stringify({ aclMode: "private" }) })
      yield* send(token, "GET", `${v}/datasets/hosted/settings/embeddings`, { headers: host })
      yield* send(token, "PUT", `${v}/datasets/hosted/settings/embeddings`, { headers: host, body: JSON.stringify({ enabled: false }) })
      yield* send(token, "PUT", `${v}/datasets/hosted/copy`, { headers: host, body: JSON.stringify({ targetDataset: "production" }) })
      yield* send(token, "DELETE", `${v}/datasets/hosted`, { headers: host })
      yield* send(token, "GET", `${v}/features`, { headers: host })
      yield* send(token, "GET", `${v}/features`)

      // Copy jobs
      yield* send(token, "PUT", `${datasets}/production/copy`, { body: JSON.stringify({ targetDataset: "Bad Name" }) })
      yield* send(viewer, "PUT", `${datasets}/production/copy`, { body: JSON.stringify({ targetDataset: "copied" }) })
      const job = String((yield* send(token, "PUT", `${datasets}/production/copy`, {
        body: JSON.stringify({ targetDataset: "copied", skipHistory: true })
      })).json.jobId)
      yield* send(token, "PUT", `${datasets}/production/copy`, { body: JSON.stringify({ targetDataset: "copied" }) })
      yield* send(token, "GET", `${datasets}/production/copy?state=pending,running`)
      yield* send(token, "GET", `${datasets}/missing/copy`)
      yield* send(token, "GET", `${v}/projects/zzzzzzzz/datasets/copy`)
      yield* send(token, "GET", `${v}/jobs/${job}`, { record: false }).pipe(
        eventually({ until: ({ json }) => json.state === "completed" }),
        Effect.orDie
      )
      yield* send(token, "GET", `${v}/jobs/${job}`)
      yield* send(token, "GET", `${datasets}/production/copy?offset=0&limit=5`)
      yield* send(token, "GET", `${datasets}/copy`)
      yield* send(token, "GET", `${datasets}/copied`)
      yield* send(token, "GET", `${v}/jobs/${job}/listen`)
      yield* send(token, "GET", `${v}/jobs/jobId-unknown`)
      yield* send(token, "GET", `${v}/jobs/jobId-unknown/listen`)
      yield* send(outsider, "GET", `${v}/jobs/${job}`)

      // Features and permissions, users
      yield* send(token, "GET", `${v}/projects/${project}/features`)
      yield* send(token, "GET", `${v}/projects/${project}/features/privateDataset`)
      yield* send(token, "GET", `${v}/projects/${project}/features/nope`)
      yield* send(token, "GET", `${v}/projects/${project}/permissions`)
      yield* send(viewer, "GET", `${v}/projects/${project}/permissions`)
      yield* send(outsider, "GET", `${v}/projects/${project}/permissions`)
      const me = String((yield* send(token, "GET", `${v}/users/me`)).json.id)
      yield* send(token, "GET", `${v}/users/${me}`)
      yield* send(token, "GET", `${v}/users/${me},nobody1234`)
      yield* send(token, "GET", `${v}/users/nobody1234`)
      yield* send(token, "GET", `${v}/projects/${project}/users/me`)
      yield* send(token, "GET", `${v}/projects/${project}/users/nobody1234`)
      yield* send(outsider, "GET", `${v}/users/${me}`)

      // Project tokens
      const tokens = `${v}/projects/${project}/tokens`
      const robot = (yield* send(token, "POST", tokens, { body: JSON.stringify({ label: "ci", roleName: "viewer" }) })).json
      yield* tick
      const developer = (yield* send(token, "POST", tokens, { body: JSON.stringify({ label: "deploy", roleName: "developer" }) }))
        .json
      yield* send(token, "POST", tokens, { body: JSON.stringify({ label: "x", roleName: "owner" }) })
      yield* send(token, "POST", tokens, { body: JSON.stringify({ label: "", roleName: "viewer" }) })
      yield* send(viewer, "GET", tokens)
      yield* send(token, "GET", tokens)
      const robotKey = String(robot.key)
      yield* send(robotKey, "GET", `${v}/projects`)
      yield* send(robotKey, "GET", `${v}/projects/${second}`)
      yield* send(robotKey, "GET", `${v}/users/me`)
      yield* send(robotKey, "PUT", `${datasets}/by-robot`, { body: "{}" })
      yield* send(String(developer.key), "PUT", `${datasets}/by-robot`, { body: "{}" })
      yield* send(String(developer.key), "POST", `${v}/projects`, { body: JSON.stringify({ displayName: "No" }) })
      yield* send(token, "GET", `${v}/projects/${project}`)
      yield* send(token, "DELETE", `${tokens}/${robot.id}`)
      yield* send(robotKey, "GET", `${v}/projects`)
      yield* send(token, "DELETE", `${tokens}/${robot.id}`)
      yield* send(viewer, "DELETE", `${tokens}/${developer.id}`)

      // Tags
      const tags = `${v}/projects/${project}/tags`
      yield* send(token, "POST", tags, {
        body: JSON.stringify({ name: "live", title: "Live", description: "Serving", metadata: { tone: "positive" } })
      })
      yield* tick
      yield* send(token, "POST", tags, { body: JSON.stringify({ name: "spare", title: "Spare" }) })
      yield* send(token, "POST", tags, { body: JSON.stringify({ name: "live", title: "Again" }) })
      yield* send(token, "POST", tags, { body: JSON.stringify({ name: "Not Valid", title: "x" }) })
      yield* send(token, "POST", tags, { body: JSON.stringify({ name: "untitled", title: "  " }) })
      yield* send(viewer, "POST", tags, { body: JSON.stringify({ name: "viewer", title: "Viewer" }) })
      yield* send(token, "PUT", `${tags}/live`, { body: JSON.stringify({ title: "Production", metadata: { color: "green" } }) })
      yield* send(token, "PUT", `${tags}/live`, { body: JSON.stringify({ name: "spare" }) })
      yield* send(token, "PUT", `${tags}/live`, { body: JSON.stringify({ title: "" }) })
      yield* send(viewer, "PUT", `${tags}/live`, { body: JSON.stringify({ title: "Viewer" }) })
      yield* send(token, "PUT", `${tags}/missing`, { body: JSON.stringify({ title: "Missing" }) })
      yield* send(token, "PUT", `${datasets}/production/tags/live`)
      yield* send(token, "PUT", `${datasets}/production/tags/live`)
      yield* send(token, "PUT", `${datasets}/missing/tags/live`)
      yield* send(token, "PUT", `${datasets}/production/tags/missing`)
      yield* send(viewer, "PUT", `${datasets}/production/tags/spare`)
      yield* send(token, "GET", `${datasets}/production/tags`)
      yield* send(token, "GET", `${datasets}/copied/tags`)
      yield* send(token, "GET", `${datasets}/missing/tags`)
      yield* send(token, "GET", `${datasets}/production`)
      yield* send(token, "GET", tags)
      yield* send(token, "DELETE", `${tags}/live`)
      yield* send(viewer, "DELETE", `${tags}/spare`)
      yield* send(token, "DELETE", `${datasets}/production/tags/live`)
      yield* send(token, "DELETE", `${datasets}/production/tags/live`)
      yield* send(token, "DELETE", `${tags}/live`)
      yield* send(token, "DELETE", `${tags}/live`)

      // Failures below the contract
      yield* send(token, "GET", `${v}/no-such-thing`)
      yield* send(token, "GET", `/2021-06-07/projects/${project}`)
      yield* send(token, "PUT", `${datasets}/malformed`, { body: "{nope" })
      yield* send(token, "PATCH", `${v}/projects/${project}`, { body: JSON.stringify({ displayName: 42 }) })

      // Deleting a project takes its datasets, tags and tokens with it.
      yield* send(token, "DELETE", `${v}/projects/${project}`)
      yield* send(String(developer.key), "GET", `${v}/projects`)
      yield* send(token, "GET", `${v}/projects/${project}`)
      yield* send(token, "DELETE", `${v}/projects/${project}`)
      yield* send(token, "GET", `${v}/projects`)

      yield* Effect.promise(() =>
        expect(`${recording.lines.join("\n\n")}\n`).toMatchFileSnapshot("./__snapshots__/responses.txt")
      )
    }))
})
