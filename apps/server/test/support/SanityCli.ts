/**
 * The real Sanity CLI (`@sanity/cli`, pinned) on a real Node 22 (the npm package `node@22`),
 * installed by npm from the registry into a folder under the OS temp dir (outside the workspace,
 * kept between runs so reruns are fast), and run as child processes against a server.
 *
 * How it reaches the server (issue 26): cli-core takes an unknown `SANITY_INTERNAL_ENV` as its API
 * host, and sends project-host calls to `http://{projectId}.localhost:{port}/sanity/…`; only the
 * name `{projectId}.localhost` needs resolving, which `forwardProxy` does for Node's env proxy
 * (`HTTP_PROXY` + `NODE_USE_ENV_PROXY=1`): every tunnel it is asked for goes to the server, whose
 * router reads the project from the Host header as the real one does.
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

export const cliVersion = "8.13.0"
export const nodeMajor = "22"
/**
 * The Studio package next to the CLI, which `schemas deploy` loads to read `sanity.config.ts`
 * (cli-core resolves `sanity` from the project folder), with its peers. 6.15.0: a 6.x whose
 * dependencies all resolve with the CLI pinned (newer ones pull a newer `@sanity/cli`).
 */
export const studioVersion = "6.15.0"

export interface CliResult {
  readonly code: number | null
  /** Standard output and error, as they came. */
  readonly output: string
  /** Standard output alone (what `--json` writes). */
  readonly stdout: string
}

export interface InstalledCli {
  readonly node: string
  readonly runJs: string
}

/** Why the CLI could not be installed, when it could not (the registry unreachable, say). */
export type Installation = { readonly installed: InstalledCli } | { readonly skipped: string }

const folder = Path.join(Os.tmpdir(), `projectkit-sanity-cli-${cliVersion}-node${nodeMajor}-studio${studioVersion}`)

const run = (command: string, args: ReadonlyArray<string>, options: ChildProcess.SpawnOptions & { readonly input?: string }) =>
  new Promise<CliResult>((resolve, reject) => {
    const child = ChildProcess.spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] })
    let output = ""
    let stdout = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      stdout += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, output, stdout }))
    child.stdin?.end(options.input ?? "")
  })

const installedIn = (dir: string): InstalledCli => ({
  node: Path.join(dir, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node"),
  runJs: Path.join(dir, "node_modules", "@sanity", "cli", "bin", "run.js")
})

const isInstalled = (dir: string) => {
  const cli = installedIn(dir)
  return Fs.existsSync(Path.join(dir, "installed.json")) && Fs.existsSync(cli.node) && Fs.existsSync(cli.runJs)
}

/**
 * npm's environment without the settings a workspace's package manager passes to its scripts
 * (`npm_config_*` of pnpm), but for where packages come from and where they are cached.
 */
const npmEnvironment = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) =>
      !key.toLowerCase().startsWith("npm_") || ["npm_config_registry", "npm_config_cache"].includes(key.toLowerCase())
    )
  )

/**
 * Installs (or finds installed) the pinned CLI and Node 22 with npm; a clear reason when it cannot.
 * It installs into a folder of its own and then moves it into place, so that two test runs at once
 * never see a half-installed one.
 */
export const install = async (): Promise<Installation> => {
  if (isInstalled(folder)) return { installed: installedIn(folder) }
  // Test files running at once (the CLI's, the official client's) share one install: whoever makes
  // the lock installs, the others wait for it to be done (or abandoned: then they try themselves).
  const lock = `${folder}.lock`
  const holder = Path.join(lock, "pid")
  // Abandoned: its process is gone (killed mid-install), or it has taken far too long.
  const stale = () => {
    try {
      const pid = Number(Fs.readFileSync(holder, "utf8"))
      if (pid !== process.pid) process.kill(pid, 0)
      return Date.now() - Fs.statSync(lock).mtimeMs > installTimeoutMs
    } catch {
      // No process alive behind it, or no lock at all; a lock made this instant has no pid yet.
      try {
        return Date.now() - Fs.statSync(lock).mtimeMs > 10_000 || Fs.existsSync(holder)
      } catch {
        return true
      }
    }
  }
  try {
    Fs.mkdirSync(lock)
    Fs.writeFileSync(holder, String(process.pid))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return installUnlocked()
    await eventuallyPromise(() => {
      if (!isInstalled(folder) && !stale()) throw new Error("another test file is installing the Sanity CLI")
    }, { within: `${installTimeoutMs} millis`, every: "500 millis", what: "the Sanity CLI installed by another test file" })
    if (isInstalled(folder)) return { installed: installedIn(folder) }
    Fs.rmSync(lock, { recursive: true, force: true })
    return install()
  }
  try {
    return await installUnlocked()
  } finally {
    Fs.rmSync(lock, { recursive: true, force: true })
  }
}

/** How long an install may take before another test file stops waiting for it. */
const installTimeoutMs = 15 * 60 * 1000

const installUnlocked = async (): Promise<Installation> => {
  const staging = Fs.mkdtempSync(`${folder}-installing-`)
  try {
    // The Studio depends on `@sanity/cli` too: pinned, so that one CLI is installed.
    Fs.writeFileSync(
      Path.join(staging, "package.json"),
      JSON.stringify({ name: "projectkit-sanity-cli", private: true, overrides: { "@sanity/cli": cliVersion } })
    )
    const npm = process.platform === "win32" ? "npm.cmd" : "npm"
    const result = await run(
      npm,
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `@sanity/cli@${cliVersion}`,
        `node@${nodeMajor}`,
        `sanity@${studioVersion}`,
        "react@19",
        "react-dom@19",
        "styled-components@6"
      ],
      { cwd: staging, env: npmEnvironment() }
    )
    const cli = installedIn(staging)
    if (result.code !== 0 || !Fs.existsSync(cli.node) || !Fs.existsSync(cli.runJs)) {
      return {
        skipped: `npm could not install @sanity/cli@${cliVersion}, node@${nodeMajor} and sanity@${studioVersion} (is the registry reachable?):\n${result.output}`
      }
    }
    Fs.writeFileSync(Path.join(staging, "installed.json"), JSON.stringify({ cli: cliVersion, node: nodeMajor, studio: studioVersion }))
    try {
      Fs.renameSync(staging, folder)
    } catch (error) {
      // Another run put its installation in place first: use that one.
      if (!isInstalled(folder)) throw error
    }
    return { installed: installedIn(folder) }
  } finally {
    Fs.rmSync(staging, { recursive: true, force: true })
  }
}

/**
 * A forward proxy that sends every request and every tunnel (`CONNECT`, which Node's env proxy
 * uses for http targets too) to the server at `targetPort`, whatever host was asked for.
 */
export const forwardProxy = async (targetPort: number) => {
  const server = Http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    const upstream = Http.request(
      { host: "127.0.0.1", port: targetPort, method: request.method, path: url.pathname + url.search, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    upstream.on("error", (error) => response.writeHead(502).end(String(error)))
    request.pipe(upstream)
  })
  server.on("connect", (_request: Http.IncomingMessage, socket: Net.Socket, head: Buffer) => {
    const upstream = Net.connect(targetPort, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on("error", () => socket.destroy())
    socket.on("error", () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as Net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/**
 * A Sanity project folder: `sanity.cli.ts` naming the project and dataset, and a minimal
 * `sanity.config.ts` with one document type. Made inside the installation's folder, so that the
 * `sanity` package it holds is the project's (cli-core resolves it from the project folder).
 */
export const projectFolder = (projectId: string, dataset: string) => {
  const dir = Fs.mkdtempSync(Path.join(folder, "project-"))
  Fs.writeFileSync(Path.join(dir, "sanity.cli.ts"), `export default {api: {projectId: ${JSON.stringify(projectId)}, dataset: ${JSON.stringify(dataset)}}}\n`)
  Fs.writeFileSync(
    Path.join(dir, "sanity.config.ts"),
    `export default {name: "default", projectId: ${JSON.stringify(projectId)}, dataset: ${JSON.stringify(dataset)}, ` +
      `schema: {types: [{name: "post", title: "Post", type: "document", fields: [{name: "title", type: "string"}]}]}}\n`
  )
  return { dir, remove: () => Fs.rmSync(dir, { recursive: true, force: true }) }
}


/** Runs `sanity <args>` in `cwd` against the server at `serverPort`, through `proxyUrl`, as `token`. */
export const sanity = (
  cli: InstalledCli,
  options: { readonly cwd: string; readonly serverPort: number; readonly proxyUrl: string; readonly token: string; readonly input?: string },
  args: ReadonlyArray<string>
): Promise<CliResult> =>
  run(cli.node, [cli.runJs, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? Os.tmpdir(),
      SANITY_INTERNAL_ENV: `http://localhost:${options.serverPort}/sanity`,
      SANITY_AUTH_TOKEN: options.token,
      HTTP_PROXY: options.proxyUrl,
      NODE_USE_ENV_PROXY: "1",
      DO_NOT_TRACK: "1",
      NO_UPDATE_NOTIFIER: "1",
      NO_COLOR: "1",
      CI: "true"
    },
    ...(options.input === undefined ? {} : { input: options.input })
  })
