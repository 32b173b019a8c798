/**
 * A small `node:http` proxy in front of the reference server that breaks one behaviour: each
 * `Break` sees every request and decides what to forward and what to answer.
 */
import * as Effect from "effect/Effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { Dialect } from "../../src/Check.js"
import type * as Registration from "../../src/Dialect.js"
import { firstEvent } from "../../src/internal/eventStream.js"

export interface ProxyRequest {
  readonly method: string
  /** Path and query, e.g. `/sync/v2/projects?limit=2`. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface ProxyResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export type Forward = (request: ProxyRequest) => Promise<ProxyResponse>

/** A broken behaviour: answers a request, forwarding what it wants to the real server. */
export type Break = (request: ProxyRequest, forward: Forward) => Promise<ProxyResponse>

/** A broken behaviour of one dialect, and the checks that must catch it. */
export interface BrokenBehaviour {
  readonly name: string
  readonly dialect: Dialect
  readonly broken: Break
  /** Checks that must fail when the behaviour is broken. */
  readonly caughtBy: ReadonlyArray<string>
}

/** A broken behaviour as a dialect's list of breaks declares it: its dialect is the list's. */
export type DialectBreak = Omit<BrokenBehaviour, "dialect">

/**
 * A dialect's broken behaviours: those its list declares, and the one every dialect has — its
 * organizations not isolated (`notIsolated`).
 */
export const breaksOf = (dialect: Registration.Dialect, breaks: ReadonlyArray<DialectBreak>): ReadonlyArray<BrokenBehaviour> =>
  [...breaks, notIsolated(dialect)].map((behaviour) => ({ ...behaviour, dialect: dialect.name }))

/**
 * Every credential is read as the first one this proxy saw, in the headers the dialect carries
 * credentials in: one organization for everyone. Each dialect's ISO-001 check must catch it.
 */
export const notIsolated = (dialect: Registration.Dialect): DialectBreak => {
  const credentialHeaders = Object.keys(dialect.authenticate("credential")).map((header) => header.toLowerCase())
  const first = new Map<string, string>()
  return {
    name: "organizations are not isolated",
    caughtBy: [`${dialect.idPrefix}-ISO-001`],
    broken: (request, forward) => {
      const headers = { ...request.headers }
      for (const header of credentialHeaders) {
        const credential = headers[header]
        if (credential === undefined) continue
        if (!first.has(header)) first.set(header, credential)
        headers[header] = first.get(header)!
      }
      return forward({ ...request, headers })
    }
  }
}

export const identity: Break = (request, forward) => forward(request)

const hopByHop = new Set(["connection", "content-length", "transfer-encoding", "keep-alive", "content-encoding"])

const forwardTo = (target: string): Forward => async (request) => {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => !hopByHop.has(key) && key !== "host"))
  const response = await fetch(`${target}${request.url}`, {
    method: request.method,
    headers,
    ...(request.body === "" || request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body })
  })
  const out: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    if (!hopByHop.has(key)) out[key] = value
  })
  const eventStream = (response.headers.get("content-type") ?? "").startsWith("text/event-stream")
  return { status: response.status, headers: out, body: eventStream ? await firstEvent(response) : await response.text() }
}

/** Starts the proxy for the scope; answers its base URL. */
export const start = (target: string, broken: Break) =>
  Effect.acquireRelease(
    Effect.async<{ server: ReturnType<typeof createServer>; baseUrl: string }>((resume) => {
      const forward = forwardTo(target)
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const headers: Record<string, string> = {}
          for (const [key, value] of Object.entries(req.headers)) {
            if (typeof value === "string") headers[key] = value
            else if (Array.isArray(value)) headers[key] = value.join(", ")
          }
          const request = { method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") }
          broken(request, forward).then(
            (response) => {
              res.writeHead(response.status, response.headers)
              res.end(response.body)
            },
            (error: unknown) => {
              res.writeHead(502, { "content-type": "text/plain" })
              res.end(`proxy failure: ${String(error)}`)
            }
          )
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${port}` }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ baseUrl }) => baseUrl))

// ---------------------------------------------------------------------------------------------
// Helpers to write breaks
// ---------------------------------------------------------------------------------------------

export const parse = (body: string): unknown => {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const pathOf = (request: ProxyRequest) => new URL(request.url, "http://proxy").pathname

export const withJson = (response: ProxyResponse, edit: (json: unknown) => unknown): ProxyResponse => {
  const json = parse(response.body)
  return json === undefined ? response : { ...response, body: JSON.stringify(edit(json)) }
}

export const withQuery = (request: ProxyRequest, edit: (params: URLSearchParams) => void): ProxyRequest => {
  const url = new URL(request.url, "http://proxy")
  edit(url.searchParams)
  return { ...request, url: `${url.pathname}${url.search}` }
}

export const editBody = (request: ProxyRequest, edit: (body: Record<string, unknown>) => Record<string, unknown>): ProxyRequest => {
  const body = parse(request.body)
  return isObject(body) ? { ...request, body: JSON.stringify(edit(body)) } : request
}

export const onPath = (pattern: RegExp, method: string, broken: Break): Break => (request, forward) =>
  request.method === method && pattern.test(pathOf(request)) ? broken(request, forward) : forward(request)

export const mapResponses = (edit: (request: ProxyRequest, response: ProxyResponse) => ProxyResponse): Break => async (request, forward) =>
  edit(request, await forward(request))


/** Drops a field from a JSON object (or from each object of a list, or of a list's `items`). */
export const withoutField = (field: string) => (json: unknown): unknown => {
  const drop = (value: unknown) => {
    if (!isObject(value)) return value
    const { [field]: _, ...rest } = value
    return rest
  }
  if (Array.isArray(json)) return json.map(drop)
  if (isObject(json) && Array.isArray(json["items"])) return { ...json, items: json["items"].map(drop) }
  return drop(json)
}

/** Edits the JSON answers to `method` requests on `pattern`. */
export const editAnswers = (pattern: RegExp, method: string, edit: (json: unknown) => unknown): Break =>
  onPath(pattern, method, async (request, forward) => withJson(await forward(request), edit))

/** Forwards `method` requests on `pattern` without the query parameter `name`: the server never sees it. */
export const ignoreParam = (pattern: RegExp, method: string, name: string): Break =>
  onPath(pattern, method, (request, forward) => forward(withQuery(request, (params) => params.delete(name))))

/**
 * Breaks webhook deliveries: a POST to `route` that carries a `webhookUrl` gets the proxy's own
 * URL instead, so the proxy receives the deliveries in the receiver's place and passes them on
 * edited.
 */
export const editWebhooks = (route: RegExp, edit: (body: unknown) => unknown): Break => {
  const hooks = new Map<string, string>()
  return async (request, forward) => {
    const path = pathOf(request)
    if (path.startsWith("/__hook/")) {
      const target = hooks.get(path.slice("/__hook/".length))
      if (target !== undefined) {
        await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(edit(parse(request.body))) })
      }
      return { status: 204, headers: {}, body: "" }
    }
    const body = parse(request.body)
    if (request.method === "POST" && route.test(path) && isObject(body) && typeof body["webhookUrl"] === "string") {
      const id = String(hooks.size)
      hooks.set(id, body["webhookUrl"])
      return forward(editBody(request, (b) => ({ ...b, webhookUrl: `http://${request.headers["host"]}/__hook/${id}` })))
    }
    return forward(request)
  }
}
