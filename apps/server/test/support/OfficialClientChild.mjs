/**
 * A child process that holds another `@sanity/client` than the workspace's (8.15 needs Node 22,
 * the tests run on Node 20) and makes the calls its parent asks for, one JSON line each way
 * (see OfficialClientProcess.ts). Run as `node OfficialClientChild.mjs <folder>`: the client is
 * the one installed in `<folder>/node_modules`, never the workspace's.
 *
 * Asked: `{id, client: {config, withConfig: [config…]}, path: [name…], args, observable?}`.
 * Answered: `{id, value}` (an Observable: `{id, values}`, every value it gave), or `{id, clientError:
 * {statusCode, body, message}}` for the client's own `ClientError`, or `{id, thrown: {message,
 * synchronously}}` for anything else (`synchronously`: the method threw before it sent anything).
 * The first line it writes is `{ready: {version, node}}`.
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import * as Readline from "node:readline"
import { pathToFileURL } from "node:url"

const folder = process.argv[2]
if (folder === undefined) throw new Error("usage: node OfficialClientChild.mjs <folder holding node_modules/@sanity/client>")
const require = createRequire(Path.join(folder, "package.json"))
const packageJson = JSON.parse(Fs.readFileSync(require.resolve("@sanity/client/package.json"), "utf8"))
const { ClientError, createClient } = await import(pathToFileURL(require.resolve("@sanity/client")).href)

const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)

/** One client per description, as the parent's handle describes it: created, then `withConfig` in turn. */
const clients = new Map()
const clientOf = (description) => {
  const key = JSON.stringify(description)
  let client = clients.get(key)
  if (client === undefined) {
    client = description.withConfig.reduce((current, config) => current.withConfig(config), createClient(description.config))
    clients.set(key, client)
  }
  return client
}

const failure = (error) =>
  error instanceof ClientError
    ? { clientError: { statusCode: error.statusCode, body: error.response?.body, message: error.message } }
    : { thrown: { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), synchronously: false } }

const answer = async (request) => {
  const client = clientOf(request.client)
  const root = request.observable === true ? client.observable : client
  const owner = request.path.slice(0, -1).reduce((value, name) => value[name], root)
  const method = owner[request.path.at(-1)]
  if (typeof method !== "function") {
    return { thrown: { message: `${request.path.join(".")} is not a method of @sanity/client ${packageJson.version}`, synchronously: true } }
  }
  let result
  try {
    result = method.apply(owner, request.args)
  } catch (error) {
    return { thrown: { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), synchronously: true } }
  }
  try {
    if (request.observable === true) {
      const values = []
      await result.forEach((value) => values.push(value))
      return { values }
    }
    return { value: await result }
  } catch (error) {
    return failure(error)
  }
}

write({ ready: { version: packageJson.version, node: process.version } })
const lines = Readline.createInterface({ input: process.stdin })
lines.on("line", (line) => {
  const request = JSON.parse(line)
  answer(request).then(
    (outcome) => write({ id: request.id, ...outcome }),
    (error) => write({ id: request.id, thrown: { message: String(error), synchronously: false } })
  )
})
