/**
 * The server started from code: `startServer` (Promise) and `Emulator.layer` (Effect), through
 * real HTTP; `close()` leaving nothing open (a child process that must exit by itself); and the
 * README's vitest `globalSetup` example, run as written by a real vitest in a folder of its own.
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, it } from "vitest"
import * as Emulator from "../src/Emulator.js"
import { startServer } from "../src/Emulator.js"

const here = import.meta.dirname
const packageRoot = Path.resolve(here, "..")

/** Runs `node args` to its end: exit code and output, or a failure after `timeoutMs`. */
const runNode = (args: ReadonlyArray<string>, options: { cwd?: string; timeoutMs: number }) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`node ${args.join(" ")} did not exit within ${options.timeoutMs} ms:\n${output}`))
    }, options.timeoutMs)
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })

describe("startServer", () => {
  it("serves every dialect on a free port, with the control plane's operations as calls", async () => {
    const [one, two] = await Promise.all([startServer(), startServer({ data: ":memory:", port: 0 })])
    try {
      expect(one.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(one.url).not.toBe(two.url)
      expect(one.dialectUrls).toEqual({
        sync: `${one.url}/sync`,
        sanity: `${one.url}/sanity`,
        indream: `${one.url}/indream`
      })
      expect(one.adminToken).toMatch(/^pk_admin_/)

      const org = await one.createOrganization("Acme")
      const key = { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" }
      const created = await fetch(`${one.dialectUrls["sync"]}/v2/projects`, { method: "POST", headers: key, body: JSON.stringify({ name: "p" }) })
      expect(created.status).toBe(201)
      // The admin token opens the control plane over HTTP too.
      expect((await fetch(`${one.url}/__projectkit/export`, { headers: { authorization: `Bearer ${one.adminToken}` } })).status).toBe(200)

      const snapshot = await one.exportState({ organization: org.id })
      expect(snapshot?.organization).toBe(org.id)
      expect(await one.resetOrganization(org.id)).toBe(true)
      expect(await (await fetch(`${one.url}/sync/v2/projects`, { headers: key })).json()).toMatchObject({ items: [] })
      // Into the other server: the same credentials work there.
      await two.importState(snapshot)
      expect(await (await fetch(`${two.url}/sync/v2/projects`, { headers: key })).json()).toMatchObject({ items: [{ name: "p" }] })
      await expect(two.importState({ format: "projectkit-snapshot", version: 9 })).rejects.toMatchObject({
        _tag: "SnapshotInvalid",
        message: expect.stringMatching(/version 9 is not supported/)
      })
      expect(await one.deleteOrganization(org.id)).toBe(true)
      expect(await one.deleteOrganization(org.id)).toBe(false)
      expect((await fetch(`${one.url}/sync/v2/projects`, { headers: key })).status).toBe(401)
      await two.reset()
      expect(await two.exportState()).toMatchObject({ tables: { organizations: [] } })
    } finally {
      await Promise.all([one.close(), two.close()])
    }
    // Closed: the port no longer answers; closing again is harmless.
    await expect(fetch(`${one.url}/__projectkit/health`)).rejects.toThrow()
    await one.close()
  }, 60_000)

  it("rejects with the reason when it cannot start", async () => {
    const taken = await startServer()
    try {
      const port = Number(new URL(taken.url).port)
      await expect(startServer({ port })).rejects.toMatchObject({ _tag: "ServeError" })
    } finally {
      await taken.close()
    }
  })

  it("close() leaves no handle open: a process that starts and closes a server exits by itself", async () => {
    const script = `
      import { startServer } from ${JSON.stringify(Path.join(packageRoot, "dist/index.js"))}
      const server = await startServer({ journal: { enabled: true }, latencyMs: 1 })
      const org = await server.createOrganization("Exit")
      // Keep-alive connections and a request in flight on the generation worker's clock.
      await fetch(server.url + "/sync/v2/generate", {
        method: "POST",
        headers: { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ model: "lipsync-2", input: [{ type: "video", url: "https://example.com/a.mp4" }, { type: "audio", url: "https://example.com/a.wav" }] })
      })
      await fetch(server.url + "/__projectkit/health")
      await server.close()
      console.log("closed")
    `
    const started = performance.now()
    const { code, output } = await runNode(["--input-type=module", "-e", script], { timeoutMs: 15_000 })
    expect(output).toContain("closed")
    expect(code).toBe(0)
    // Exited on its own, not after a keep-alive or worker timeout.
    expect(performance.now() - started).toBeLessThan(10_000)
  }, 30_000)

  it("runs the README's vitest globalSetup example as written", async () => {
    const readme = Fs.readFileSync(Path.join(packageRoot, "README.md"), "utf8")
    const files = Array.from(readme.matchAll(/```ts title=(\S+)\n([\s\S]*?)```/g), ([, name, code]) => ({ name: name!, code: code! }))
    expect(files.map((file) => file.name)).toEqual(["vitest.config.ts", "globalSetup.ts", "projects.test.ts"])
    // Outside the repository, as a user's project: @projectkit/server and vitest installed (linked).
    const project = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-readme-"))
    try {
      for (const file of files) Fs.writeFileSync(Path.join(project, file.name), file.code)
      Fs.writeFileSync(Path.join(project, "package.json"), JSON.stringify({ name: "readme-example", type: "module", private: true }))
      Fs.mkdirSync(Path.join(project, "node_modules/@projectkit"), { recursive: true })
      Fs.symlinkSync(packageRoot, Path.join(project, "node_modules/@projectkit/server"))
      Fs.symlinkSync(Fs.realpathSync(Path.join(packageRoot, "node_modules/vitest")), Path.join(project, "node_modules/vitest"))
      const vitest = Path.join(Fs.realpathSync(Path.join(packageRoot, "node_modules/vitest")), "vitest.mjs")
      const { code, output } = await runNode([vitest, "run"], { cwd: project, timeoutMs: 60_000 })
      expect(output).toMatch(/Tests\s+2 passed/)
      expect(code, output).toBe(0)
    } finally {
      Fs.rmSync(project, { recursive: true, force: true })
    }
  }, 90_000)
})

layer(Emulator.layer({ logLevel: "None" }))("Emulator.layer", (it) => {
  it.effect("provides a running server and its operations as Effects", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const org = yield* emulator.createOrganization("Effectful")
      const response = yield* Effect.promise(() =>
        fetch(`${emulator.dialectUrls["indream"]}/v1/projects`, { headers: { "x-api-key": org.credentials.indream.apiKey } })
      )
      expect(response.status).toBe(200)
      expect(yield* emulator.resetOrganization(org.id)).toBe(true)
      expect(yield* emulator.deleteOrganization(org.id)).toBe(true)
      const refused = yield* Effect.flip(emulator.importState({}))
      expect(refused._tag).toBe("SnapshotInvalid")
    }))
})
