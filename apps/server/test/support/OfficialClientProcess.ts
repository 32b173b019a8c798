/**
 * `@sanity/client` 8.15 for the official-client tests, which run on Node 20: 8.x needs Node
 * >= 22.12, so its calls run in a child process (OfficialClientChild.mjs) on the Node 22 and the
 * 8.15 client that the Sanity CLI's installation holds (SanityCli.ts; `@sanity/cli` 8.13.0 depends
 * on `@sanity/client` 8.15.0). The test holds a stand-in with the client's shape: each method call
 * on it (`client.projects.list(…)`, `client.observable.datasets.list()`, `client.request(…)`, a
 * `withConfig` client's too) is sent to the child as one JSON line and answered as the real one
 * answered — the value, every value of an Observable, the `ClientError` (as `RemoteClientError`),
 * or what it threw before sending (`ThrownBeforeSending`).
 */
import type { Vitest } from "@effect/vitest"
import type { ClientConfig, InitializedClientConfig, SanityClient } from "@sanity/client"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as Readline from "node:readline"
import { inProcess, OfficialClient, RemoteClientError, ThrownBeforeSending, workspaceVersion } from "./OfficialSanity.js"
import * as SanityCli from "./SanityCli.js"

/** The version the CLI's installation must hold (the test says it runs this one). */
export const clientVersion = "8.15.0"

const childScript = Path.resolve(import.meta.dirname, "OfficialClientChild.mjs")

/** Which client, as the child makes it: `createClient(config)`, then `withConfig` with each in turn. */
interface ClientDescription {
  readonly config: ClientConfig
  readonly withConfig: ReadonlyArray<Partial<ClientConfig>>
}

type Outcome =
  | { readonly value?: unknown }
  | { readonly values: ReadonlyArray<unknown> }
  | { readonly clientError: { readonly statusCode: number; readonly body: unknown; readonly message: string } }
  | { readonly thrown: { readonly message: string; readonly synchronously: boolean } }

interface Child {
  readonly version: string
  /** The Node version the child runs on (`v22.…`). */
  readonly node: string
  readonly ask: (request: {
    readonly client: ClientDescription
    readonly path: ReadonlyArray<string>
    readonly args: ReadonlyArray<unknown>
    readonly observable: boolean
  }) => Promise<Outcome>
  readonly stop: () => Promise<void>
}

/** Starts the child on the installation's Node 22 and waits for it to say which client it loaded. */
const startChild = (cli: SanityCli.InstalledCli) =>
  new Promise<Child>((resolve, reject) => {
    const folder = Path.dirname(Path.dirname(Path.dirname(cli.node)))
    const child = ChildProcess.spawn(cli.node, [childScript, folder], { stdio: ["pipe", "pipe", "pipe"] })
    let errors = ""
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()))
    const pending = new Map<number, (outcome: Outcome) => void>()
    let nextId = 0
    let started = false
    const exited = new Promise<void>((done) =>
      child.once("exit", (code) => {
        const reason = `the @sanity/client child process exited (${code}):\n${errors}`
        if (!started) reject(new Error(reason))
        for (const settle of pending.values()) settle({ thrown: { message: reason, synchronously: false } })
        pending.clear()
        done()
      })
    )
    child.once("error", reject)
    Readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const message = JSON.parse(line) as { readonly ready: { readonly version: string; readonly node: string } } | (Outcome & { readonly id: number })
      if ("ready" in message) {
        started = true
        resolve({
          version: message.ready.version,
          node: message.ready.node,
          ask: (request) =>
            new Promise<Outcome>((settle) => {
              const id = nextId++
              pending.set(id, settle)
              child.stdin.write(`${JSON.stringify({ id, ...request })}\n`)
            }),
          stop: () => {
            child.stdin.end()
            if (child.exitCode === null) child.kill("SIGTERM")
            return exited
          }
        })
        return
      }
      const settle = pending.get(message.id)
      pending.delete(message.id)
      settle?.(message)
    })
  })

/** The outcome as the in-process client gives it: a value, or a rejection of the matching kind. */
const settled = (outcome: Outcome): Promise<unknown> => {
  if ("clientError" in outcome) {
    const { body, message, statusCode } = outcome.clientError
    return Promise.reject(new RemoteClientError(statusCode, { body }, message))
  }
  if ("thrown" in outcome) {
    return Promise.reject(
      outcome.thrown.synchronously ? new ThrownBeforeSending(outcome.thrown.message) : new Error(outcome.thrown.message)
    )
  }
  return Promise.resolve("values" in outcome ? outcome.values : outcome.value)
}

/**
 * The stand-in for a client: any chain of names ending in a call is a method call in the child;
 * `config()` answers the configuration the child's client had when made (`known`), `withConfig`
 * makes the stand-in of a derived client, and under `observable` a call answers an object with
 * the Observable's `forEach`.
 */
const standIn = (child: Child, client: ClientDescription, known: InitializedClientConfig | undefined): SanityClient => {
  const send = (path: ReadonlyArray<string>, args: ReadonlyArray<unknown>, observable: boolean) =>
    child.ask({ client, path, args, observable }).then(settled)
  const member = (path: ReadonlyArray<string>, observable: boolean): unknown =>
    new Proxy(() => undefined, {
      // `then`: a stand-in is not a promise (an `await` must not take it for one).
      get: (_target, name) => typeof name === "string" && name !== "then" ? member([...path, name], observable) : undefined,
      apply: (_target, _this, args: Array<unknown>) =>
        observable
          ? {
            forEach: (next: (value: unknown) => void) =>
              send(path, args, true).then((values) => (values as ReadonlyArray<unknown>).forEach(next))
          }
          : send(path, args, false)
    })
  const root = {
    config: () => {
      if (known === undefined) throw new Error("config() of a withConfig stand-in is not known here")
      return known
    },
    withConfig: (config: Partial<ClientConfig>) =>
      standIn(child, { config: client.config, withConfig: [...client.withConfig, config] }, undefined),
    observable: member([], true)
  }
  return new Proxy(root, {
    get: (target, name) =>
      name === "config" || name === "withConfig" || name === "observable"
        ? target[name]
        : typeof name === "string" && name !== "then"
        ? member([name], false)
        : undefined
  }) as unknown as SanityClient
}

/** `OfficialClient` for the installation's `@sanity/client`, its child process stopped with the scope. */
export const layer = (cli: SanityCli.InstalledCli) =>
  Layer.scoped(
    OfficialClient,
    Effect.gen(function*() {
      const child = yield* Effect.acquireRelease(Effect.promise(() => startChild(cli)), (child) => Effect.promise(child.stop))
      if (child.version !== clientVersion) {
        return yield* Effect.dieMessage(`the Sanity CLI's installation holds @sanity/client ${child.version}, not ${clientVersion}`)
      }
      if (!child.node.startsWith(`v${SanityCli.nodeMajor}.`)) {
        return yield* Effect.dieMessage(`the @sanity/client child runs on Node ${child.node}, not ${SanityCli.nodeMajor}`)
      }
      return {
        version: child.version,
        make: (config: ClientConfig) =>
          Effect.promise(async () => {
            const description: ClientDescription = { config, withConfig: [] }
            const known = await child.ask({ client: description, path: ["config"], args: [], observable: false }).then(settled)
            return standIn(child, description, known as InitializedClientConfig)
          })
      }
    })
  )

/**
 * The layer, once the Sanity CLI's installation (with Node 22 and this client) is in place; a
 * clear reason instead when npm could not install it (the registry unreachable).
 */
export const prepare = async (): Promise<{ readonly layer: ReturnType<typeof layer> } | { readonly skipped: string }> => {
  const installation = await SanityCli.install()
  return "installed" in installation ? { layer: layer(installation.installed) } : { skipped: installation.skipped }
}

/**
 * Runs `scenarios` once with the workspace's client in this process and once with 8.15 in the
 * child process, each under a describe naming its version; the 8.15 run is one skipped test,
 * saying why, when the installation could not be made.
 */
export const forBothVersions = <R>(
  it: Vitest.MethodsNonLive<R, true>,
  prepared: Awaited<ReturnType<typeof prepare>>,
  scenarios: (it: Vitest.MethodsNonLive<R | OfficialClient, true>) => void
) => {
  it.layer(inProcess)(`@sanity/client ${workspaceVersion} in this process`, scenarios)
  if ("layer" in prepared) {
    it.layer(prepared.layer)(`@sanity/client ${clientVersion} in a Node 22 child process`, scenarios)
  } else {
    console.warn(`Skipping the @sanity/client ${clientVersion} runs: ${prepared.skipped}`)
    it.effect.skip(`@sanity/client ${clientVersion} in a Node 22 child process: ${prepared.skipped.split("\n")[0]}`, () => Effect.void)
  }
}
