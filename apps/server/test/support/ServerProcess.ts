/**
 * Real server processes (`dist/bin.js`) on a database of the test's choosing, for tests that need
 * several instances on one database or a process to stop and kill.
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"

const bin = Path.resolve(import.meta.dirname, "../../dist/bin.js")

export const adminToken = "process-admin-token"

export interface ServerProcess {
  readonly process: ChildProcess.ChildProcess
  readonly baseUrl: string
  readonly exited: Promise<number | null>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = Net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address() as Net.AddressInfo
      probe.close(() => resolve(address.port))
    })
  })

/** Starts a server on `database` (a SQLite file or a postgres:// URL) and waits until it is healthy. */
export const start = async (database: string, extraArgs: ReadonlyArray<string> = []): Promise<ServerProcess> => {
  const port = await freePort()
  const child = ChildProcess.spawn(
    process.execPath,
    [bin, "--port", String(port), "--data", database, "--admin-token", adminToken, "--log-format", "json", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const baseUrl = `http://127.0.0.1:${port}`
  // The port accepts connections before the storage is migrated: a probe that hangs is retried.
  const state = await eventuallyPromise(
    async () =>
      child.exitCode !== null ? "exited" : await fetch(`${baseUrl}/__projectkit/health`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.ok ? "healthy" : "starting", () => "starting"),
    { until: (state) => state !== "starting", within: "20 seconds", every: "50 millis" }
  ).catch(() => "starting")
  if (state === "healthy") return { process: child, baseUrl, exited }
  if (state === "exited") throw new Error(`the server exited early:\n${output}`)
  child.kill("SIGKILL")
  throw new Error(`the server did not become healthy:\n${output}`)
}

/** Stops a server cleanly and waits for it to exit. */
export const stop = async (server: ServerProcess) => {
  if (server.process.exitCode === null) server.process.kill("SIGTERM")
  await server.exited
}

/** A JSON request: status and parsed body. */
export const call = async (baseUrl: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${baseUrl}${path}`, init)
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) as unknown }
}

/** A new organization, through the control plane of `baseUrl`. */
export const createOrganization = async (baseUrl: string, name: string) => {
  const created = await call(baseUrl, "/__projectkit/orgs", {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name })
  })
  if (created.status !== 201) throw new Error(`could not create an organization: ${created.status}`)
  return created.body as { id: string; credentials: { sync: { apiKey: string }; indream: { apiKey: string } } }
}
