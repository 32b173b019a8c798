/**
 * The real Sanity CLI against the server (issue 26): `@sanity/cli` 8.13.0 on Node 22, with the
 * `sanity` Studio package next to it (for `schemas deploy`), installed from the npm registry into a
 * folder outside the workspace (see `support/SanityCli.ts`), runs each management command as a
 * child process, pointed at the built server by environment variables alone; each test asserts the
 * command's exit code and what the server holds afterwards, read through the API. The control
 * plane sets the organization's plan and fires a webhook at a receiver of the test.
 *
 * The install needs the registry: when npm cannot reach it the tests skip, saying why (also in CI;
 * when the download works they always run).
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as SanityCli from "../support/SanityCli.js"
import * as ServerProcess from "../support/ServerProcess.js"
import * as TestDatabase from "../support/TestDatabase.js"

let installation: SanityCli.Installation = { skipped: "not installed yet" }
let server: ServerProcess.ServerProcess | undefined
let proxy: { readonly url: string; readonly close: () => Promise<void> } | undefined
let folder: { readonly dir: string; readonly remove: () => void } | undefined
let dropSchema: (() => Promise<void>) | undefined
let orgId = ""
let token = ""
let projectId = ""

const baseUrl = () => server!.baseUrl
const port = () => Number(new URL(baseUrl()).port)

/** A call to the server's Sanity API as the organization's person: status and body. */
const api = (path: string, init: { readonly method?: string; readonly body?: unknown; readonly token?: string; readonly here?: boolean } = {}) =>
  ServerProcess.call(baseUrl(), `/sanity${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.token ?? token}`,
      ...(init.here === true ? { "x-sanity-project-id": projectId } : {}),
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })

/** `sanity <args>` in the project folder; its output is shown when it fails. */
const sanity = async (args: ReadonlyArray<string>, options: { readonly input?: string } = {}) => {
  if (!("installed" in installation)) throw new Error(installation.skipped)
  const result = await SanityCli.sanity(
    installation.installed,
    { cwd: folder!.dir, serverPort: port(), proxyUrl: proxy!.url, token, ...options },
    args
  )
  return result
}

const succeeds = async (args: ReadonlyArray<string>, options: { readonly input?: string } = {}) => {
  const result = await sanity(args, options)
  expect(result.code, `sanity ${args.join(" ")}\n${result.output}`).toBe(0)
  return result.output
}

/** What a command that succeeded wrote as JSON on standard output (`--json`). */
const json = async <A>(args: ReadonlyArray<string>, options: { readonly input?: string } = {}): Promise<A> => {
  const result = await sanity(args, options)
  expect(result.code, `sanity ${args.join(" ")}\n${result.output}`).toBe(0)
  return JSON.parse(result.stdout) as A
}

beforeAll(async () => {
  installation = await SanityCli.install()
  if (!("installed" in installation)) {
    console.warn(`Skipping the Sanity CLI tests: ${installation.skipped}`)
    return
  }
  let database = ":memory:"
  if (TestDatabase.postgresUrl !== undefined) {
    const schema = await TestDatabase.createSchema(TestDatabase.postgresUrl)
    database = schema.url
    dropSchema = schema.drop
  }
  server = await ServerProcess.start(database)
  proxy = await SanityCli.forwardProxy(port())
  const org = await ServerProcess.createOrganization(baseUrl(), "sanity cli") as unknown as {
    readonly id: string
    readonly credentials: { readonly sanity: { readonly token: string } }
  }
  orgId = org.id
  token = org.credentials.sanity.token
  const project = await api("/v2021-06-07/projects", { method: "POST", body: { displayName: "CLI project" } })
  expect(project.status).toBe(201)
  projectId = (project.body as { id: string }).id
  folder = SanityCli.projectFolder(projectId, "production")
}, 600_000)

afterAll(async () => {
  await proxy?.close()
  if (server !== undefined) await ServerProcess.stop(server)
  await dropSchema?.()
  folder?.remove()
})

/** Each test needs the CLI; without it (the registry unreachable) it is skipped with the reason above. */
const cliTest = (name: string, body: () => Promise<void>, timeout = 60_000) =>
  it(name, async (context) => {
    if (!("installed" in installation)) return context.skip()
    await body()
  }, timeout)

/** A command's output as one line: the CLI wraps and marks its messages (` ›`) and may colour them. */
const flat = (output: string) =>
  output.replace(/\u001b\[[0-9;]*m/g, "").replace(/\s*›\s*/g, " ").replace(/\s+/g, " ")

interface Named {
  readonly name: string
}

describe.sequential(`sanity ${SanityCli.cliVersion} (Node ${SanityCli.nodeMajor}) against the server`, () => {
  cliTest("projects list", async () => {
    expect(await succeeds(["projects", "list"])).toContain(projectId)
  })

  cliTest("datasets create, list, visibility get and set", async () => {
    await succeeds(["datasets", "create", "production", "--visibility", "public"])
    await succeeds(["datasets", "create", "staging", "--visibility", "public"])
    const listed = await succeeds(["datasets", "list"])
    expect(listed).toContain("production")
    expect(listed).toContain("staging")
    expect((await succeeds(["datasets", "visibility", "get", "production"])).trim().split("\n")).toContain("public")
    await succeeds(["datasets", "visibility", "set", "staging", "private"])
    const datasets = (await api(`/v2021-06-07/projects/${projectId}/datasets`)).body as ReadonlyArray<Named & { aclMode: string }>
    expect(datasets.map((d) => [d.name, d.aclMode])).toEqual(expect.arrayContaining([["production", "public"], ["staging", "private"]]))
  })

  cliTest("datasets alias create, link, unlink and delete", async () => {
    const aliases = async () => (await api("/v2025-09-16/aliases", { here: true })).body
    await succeeds(["datasets", "alias", "create", "conf", "production"])
    expect(await aliases()).toEqual([{ name: "conf", datasetName: "production" }])
    await succeeds(["datasets", "alias", "link", "conf", "staging", "--force"])
    expect(await aliases()).toEqual([{ name: "conf", datasetName: "staging" }])
    expect(await succeeds(["datasets", "alias", "unlink", "conf", "--force"])).toContain("unlinked from staging")
    expect(await aliases()).toEqual([{ name: "conf", datasetName: null }])
    await succeeds(["datasets", "alias", "delete", "conf", "--force"])
    expect(await aliases()).toEqual([])
  })

  cliTest("a smaller plan (the control plane turns advancedDatasetManagement off): alias create refused, private datasets not offered", async () => {
    const plan = async (features: Readonly<Record<string, boolean>>) => {
      const updated = await ServerProcess.call(baseUrl(), `/__projectkit/orgs/${orgId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${ServerProcess.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify(Object.fromEntries(Object.entries(features).map(([name, on]) => [`sanityFeature.${name}`, on])))
      })
      expect(updated.status).toBe(200)
    }
    await plan({ advancedDatasetManagement: false, privateDataset: false })
    try {
      const refused = await sanity(["datasets", "alias", "create", "conf", "production"])
      expect(refused.code, refused.output).toBe(1)
      expect(flat(refused.output)).toContain("Error: This project cannot create a dataset alias - see https://www.sanity.io/pricing")
      expect((await api("/v2025-09-16/aliases", { here: true })).body).toEqual([])
      // Without privateDataset the CLI reads the plan and makes a public dataset when asked for a private one.
      expect(flat(await succeeds(["datasets", "create", "plain", "--visibility", "private"])))
        .toContain("Private datasets are not available for this project. Creating as public.")
      const datasets = (await api(`/v2021-06-07/projects/${projectId}/datasets`)).body as ReadonlyArray<Named & { aclMode: string }>
      expect(datasets.find((d) => d.name === "plain")?.aclMode).toBe("public")
    } finally {
      await plan({ advancedDatasetManagement: true, privateDataset: true })
      await api(`/v2021-06-07/projects/${projectId}/datasets/plain`, { method: "DELETE" })
    }
  })

  cliTest("datasets copy and copy --list", async () => {
    expect(await succeeds(["datasets", "copy", "production", "prodcopy", "--detach"])).toMatch(/Job jobId-\S+ started/)
    const jobs = (await api(`/v2021-06-07/projects/${projectId}/datasets/copy`)).body as ReadonlyArray<{ id: string; targetDataset: string }>
    expect(jobs.map((job) => job.targetDataset)).toEqual(["prodcopy"])
    expect(await succeeds(["datasets", "copy", "--list"])).toContain(jobs[0]!.id)
  })

  cliTest("datasets embeddings enable and status", async () => {
    await succeeds(["datasets", "embeddings", "enable", "production", "--projection", "{title}"])
    const settings = (await api(`/v2021-06-07/projects/${projectId}/datasets/production/settings/embeddings`)).body
    expect(settings).toEqual(expect.objectContaining({ enabled: true, projection: "{title}" }))
    expect(await succeeds(["datasets", "embeddings", "status", "production"])).toMatch(/Embeddings:\s+enabled/)
  })

  cliTest("backups enable, list, download and disable: the archive holds the dataset's documents", async () => {
    // A deployed schema is a document of the dataset: the backup taken when backups are turned on holds it.
    const deployed = await api(`/v2025-03-01/projects/${projectId}/datasets/production/schemas`, {
      method: "PUT",
      body: { schemas: [{ workspace: { name: "default" }, schema: [{ name: "post", type: "document" }] }] }
    })
    expect(deployed.status).toBe(200)
    await succeeds(["backups", "enable", "production"])
    const backups = (await api(`/v2024-02-21/projects/${projectId}/datasets/production/backups`)).body as {
      readonly backups: ReadonlyArray<{ readonly id: string }>
    }
    expect(backups.backups).toHaveLength(1)
    const backupId = backups.backups[0]!.id
    expect(await succeeds(["backups", "list", "production"])).toContain(backupId)

    const out = Path.join(folder!.dir, "backup.tar.gz")
    await succeeds(["backups", "download", "production", "--backup-id", backupId, "--out", out])
    const unpacked = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-sanity-backup-"))
    try {
      ChildProcess.execFileSync("tar", ["-xzf", out, "-C", unpacked])
      const lines = Fs.readFileSync(Path.join(unpacked, "data.ndjson"), "utf8").trim().split("\n")
      expect(lines.map((line) => JSON.parse(line) as { _id: string; _type: string })).toEqual([
        expect.objectContaining({ _id: "_.schemas.default", _type: "system.schema", schema: [{ name: "post", type: "document" }] })
      ])
    } finally {
      Fs.rmSync(unpacked, { recursive: true, force: true })
    }
    await succeeds(["backups", "disable", "production"])
  })

  cliTest("schemas deploy, list and delete: the Studio's schema, read by the `sanity` package next to the CLI", async () => {
    const schemas = async () =>
      (await api(`/v2025-03-01/projects/${projectId}/datasets/production/schemas`)).body as ReadonlyArray<{
        readonly _id: string
        readonly workspace: { readonly name: string }
        readonly schema: ReadonlyArray<{ readonly name: string }>
      }>
    expect(flat(await succeeds(["schemas", "deploy"]))).toContain("Deployed 1/1 schemas")
    const deployed = await schemas()
    expect(deployed.map((s) => [s._id, s.workspace.name])).toEqual([["_.schemas.default", "default"]])
    // What the Studio's config declares, as the CLI extracted it.
    expect(deployed[0]!.schema.map((type) => type.name)).toContain("post")
    expect(await succeeds(["schemas", "list"])).toContain("_.schemas.default")
    expect(flat(await succeeds(["schemas", "delete", "--ids", "_.schemas.default", "--yes"]))).toContain("Successfully deleted 1/1 schemas")
    expect(await schemas()).toEqual([])
    // An empty list is the CLI's error, as with the real API.
    const none = await sanity(["schemas", "list"])
    expect(none.code).toBe(1)
    expect(flat(none.output)).toContain('No schemas found in dataset "production"')
  }, 120_000)

  cliTest("datasets delete", async () => {
    await succeeds(["datasets", "delete", "staging", "--force"])
    const datasets = (await api(`/v2021-06-07/projects/${projectId}/datasets`)).body as ReadonlyArray<Named>
    expect(datasets.map((d) => d.name)).not.toContain("staging")
  })

  cliTest("cors list, add and delete", async () => {
    expect(await succeeds(["cors", "list"])).toContain("http://localhost:3333")
    const origins = async () =>
      ((await api(`/v2021-06-07/projects/${projectId}/cors`)).body as ReadonlyArray<{ origin: string; allowCredentials: boolean }>)
    await succeeds(["cors", "add", "https://cli.example.com", "--no-credentials", "--yes"])
    expect(await origins()).toContainEqual(expect.objectContaining({ origin: "https://cli.example.com", allowCredentials: false }))
    await succeeds(["cors", "delete", "https://cli.example.com"])
    expect((await origins()).map((o) => o.origin)).not.toContain("https://cli.example.com")
  })

  cliTest("tokens create, list, rotate and delete: real credentials", async () => {
    const created = await json<{
      id: string
      token: string
      memberships: ReadonlyArray<{ roleNames: ReadonlyArray<string> }>
    }>(["tokens", "create", "CI token", "--role", "editor", "--yes", "--json"])
    expect(created.memberships[0]?.roleNames).toEqual(["editor"])
    // The robot's token works on the API, with its role, and is one of the project's tokens.
    const me = await api("/v2021-06-07/users/me", { token: created.token })
    expect(me.status).toBe(200)
    expect(me.body).toEqual(expect.objectContaining({ role: "editor", provider: "sanity-token" }))
    const tokens = (await api(`/v2021-06-07/projects/${projectId}/tokens`)).body as ReadonlyArray<{ id: string }>
    expect(tokens.map((t) => t.id)).toContain(created.id)

    const listed = await succeeds(["tokens", "list"])
    expect(listed).toContain("CI token")
    expect(listed).toContain(created.id)

    const rotated = await json<{ id: string; token: string }>(["tokens", "rotate", "--json"], { input: `${created.token}\n` })
    expect(rotated.id).toBe(created.id)
    expect((await api("/v2021-06-07/users/me", { token: created.token })).status).toBe(401)
    expect((await api("/v2021-06-07/users/me", { token: rotated.token })).status).toBe(200)

    await succeeds(["tokens", "delete", created.id, "--yes"])
    expect((await api("/v2021-06-07/users/me", { token: rotated.token })).status).toBe(401)
    const left = (await api(`/v2021-06-07/projects/${projectId}/tokens`)).body as ReadonlyArray<{ id: string }>
    expect(left.map((t) => t.id)).not.toContain(created.id)
  })

  cliTest("users invite, list and list --no-invitations", async () => {
    await succeeds(["users", "invite", "someone@example.com", "--role", "editor"])
    const invitations = (await api(`/v2025-09-22/invitations/project/${projectId}`)).body as ReadonlyArray<{ email: string }>
    expect(invitations.map((i) => i.email)).toEqual(["someone@example.com"])
    expect(await succeeds(["users", "list"])).toContain("someone@example.com")
    const members = await succeeds(["users", "list", "--no-invitations"])
    expect(members).toContain("Administrator")
    expect(members).not.toContain("someone@example.com")
  })

  cliTest("hooks create (in CI it points to the web app, as the real one does)", async () => {
    // OFF CLI: unattended, `hooks create` prints the manage URL of a new webhook and exits 0; it makes none.
    expect(flat(await succeeds(["hooks", "create"]))).toContain(`/organizations/${orgId}/project/${projectId}/api/webhooks/new`)
    expect((await api(`/v2025-08-04/hooks/projects/${projectId}`)).body).toEqual([])
  })

  cliTest("hooks list, logs, attempt and delete: a webhook fired by the control plane, delivered to a receiver", async () => {
    // A receiver that fails the first delivery and takes the retry.
    const received: Array<{ readonly headers: Http.IncomingHttpHeaders; readonly body: string }> = []
    const receiver = Http.createServer((req, res) => {
      let body = ""
      req.on("data", (chunk: Buffer) => (body += chunk.toString()))
      req.on("end", () => {
        received.push({ headers: req.headers, body })
        res.writeHead(received.length === 1 ? 503 : 200, { "content-type": "text/plain" })
          .end(received.length === 1 ? "busy" : "received")
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
    try {
      const url = `http://127.0.0.1:${(receiver.address() as Net.AddressInfo).port}/sanity`
      const created = await api(`/v2025-08-04/hooks/projects/${projectId}`, {
        method: "POST",
        body: { name: "On publish", dataset: "production", url, type: "document", httpMethod: "POST", secret: "cli-secret" }
      })
      expect(created.status).toBe(201)
      const hookId = (created.body as { id: string }).id
      const listed = await succeeds(["hooks", "list"])
      expect(listed).toContain("Name: On publish")
      expect(listed).toContain(`URL: ${url}`)
      // Nothing has fired it yet: the log is empty, and the command says so without failing.
      await succeeds(["hooks", "logs", "On publish"])

      const fired = await ServerProcess.call(baseUrl(), `/__projectkit/orgs/${orgId}/views/sanity/hook-messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${ServerProcess.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ name: hookId, options: { document: JSON.stringify({ _id: "post-1", _type: "post" }) } })
      })
      expect(fired.status).toBe(201)
      await eventuallyPromise(async () => {
        const messages = (await api(`/v2025-08-04/hooks/projects/${projectId}/${hookId}/messages`)).body
        return (messages as ReadonlyArray<{ status: string }>)[0]?.status
      }, { until: (status) => status === "delivered", what: "the delivery made" })
      expect(received).toHaveLength(2)
      expect(received[1]!.body).toBe(JSON.stringify({ _id: "post-1", _type: "post" }))
      expect(received[1]!.headers["sanity-webhook-signature"]).toMatch(/^t=\d+,v1=[\w-]+$/)

      const logs = flat(await succeeds(["hooks", "logs", "On publish", "--detailed"]))
      expect(logs).toContain("Status: delivered")
      expect(logs).toContain("Result code: 200")
      expect(logs).toContain("Failures: 1")
      expect(logs).toContain("Success: HTTP 200")
      expect(logs).toMatch(/Failure: HTTP 503 \(run `sanity hook attempt (\w+)` for details\)/)
      const failedId = /sanity hook attempt (\w+)/.exec(logs)![1]!
      const attempt = flat(await succeeds(["hooks", "attempt", failedId]))
      expect(attempt).toContain("Status: Failed")
      expect(attempt).toContain("Status code: 503")
      expect(attempt).toContain("Failure: HTTP 503")
      expect(attempt).toContain("Response body: --- busy ---")

      await succeeds(["hooks", "delete", "On publish"])
      expect((await api(`/v2025-08-04/hooks/projects/${projectId}`)).body).toEqual([])
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
    }
  })

  cliTest("projects create", async () => {
    await succeeds(["projects", "create", "Made by the CLI", "--organization", orgId, "--yes"])
    const projects = (await api("/v2021-06-07/projects")).body as ReadonlyArray<{ displayName: string; organizationId: string }>
    expect(projects).toContainEqual(expect.objectContaining({ displayName: "Made by the CLI", organizationId: orgId }))
  })
})
