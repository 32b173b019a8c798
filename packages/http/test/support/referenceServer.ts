/**
 * A vitest `globalSetup` for the adapters' Promise tests and README examples (sync, editor,
 * sanity): starts the built reference server (`apps/server/dist/bin.js`, which turbo builds before
 * those tests) on SQLite in memory, creates one organization, and provides
 * `inject("referenceServer")` — its URL, admin token and the organization's credentials.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import type { TestProject } from "vitest/node"

const bin = Path.resolve(import.meta.dirname, "../../../../apps/server/dist/bin.js")
const adminToken = "adapters-test-admin-token"

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = Net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as Net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

export default async function setup(project: TestProject) {
  if (!Fs.existsSync(bin)) throw new Error(`${bin} is missing: build the server first (turbo run build --filter=@projectkit/server)`)
  const port = await freePort()
  const child = ChildProcess.spawn(
    process.execPath,
    [bin, "--port", String(port), "--host", "127.0.0.1", "--data", ":memory:", "--admin-token", adminToken],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM")
    await exited
  }
  const url = `http://127.0.0.1:${port}`
  try {
    let healthy = false
    for (let attempt = 0; attempt < 600 && !healthy; attempt++) {
      if (child.exitCode !== null) throw new Error(`the reference server exited early:\n${output}`)
      healthy = await fetch(`${url}/__projectkit/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false)
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    if (!healthy) throw new Error(`the reference server did not become healthy:\n${output}`)
    const created = await fetch(`${url}/__projectkit/orgs`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `adapters ${project.name}` })
    })
    if (created.status !== 201) throw new Error(`could not create an organization: ${created.status} ${await created.text()}`)
    const organization = await created.json() as {
      readonly id: string
      readonly credentials: {
        readonly sync: { readonly apiKey: string }
        readonly editor: { readonly apiKey: string }
        readonly sanity: { readonly token: string }
      }
    }
    project.provide("referenceServer", { url, adminToken, credentials: organization.credentials })
  } catch (error) {
    await stop()
    throw error
  }
  return stop
}

declare module "vitest" {
  export interface ProvidedContext {
    readonly referenceServer: {
      readonly url: string
      readonly adminToken: string
      readonly credentials: {
        readonly sync: { readonly apiKey: string }
        readonly editor: { readonly apiKey: string }
        readonly sanity: { readonly token: string }
      }
    }
  }
}
