/**
 * Broken editor behaviours, one each, and the checks that must catch them.
 */
import { type BrokenBehaviour, editBody, isObject, mapResponses, onPath, parse, pathOf, type ProxyRequest, withJson } from "../BreakingProxy.js"

const project = /^\/editor\/v1\/projects\/([^/]+)$/
const syncRoute = /^\/editor\/v1\/projects\/([^/]+)\/sync$/
const task = /^\/editor\/v1\/exports\/([^/]+)$/
const tasks = /^\/editor\/v1\/exports\/?$/

const json = (status: number, body: unknown) => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

const withoutProjectId = (value: unknown) => {
  if (!isObject(value)) return value
  const { projectId: _, ...rest } = value
  return rest
}

const as = (request: ProxyRequest, method: string, url: string, body: unknown): ProxyRequest => ({
  ...request,
  method,
  url,
  headers: { ...request.headers, "content-type": "application/json" },
  body: JSON.stringify(body)
})

export const editorBreaks: ReadonlyArray<BrokenBehaviour> = [
  {
    name: "PATCH also saves the editorState it is sent",
    dialect: "editor",
    caughtBy: ["EDIT-PROJ-004"],
    broken: onPath(project, "PATCH", async (request, forward) => {
      const body = parse(request.body)
      if (isObject(body) && body["editorState"] !== undefined) {
        await forward(as(request, "POST", `${pathOf(request)}/sync`, { editorState: body["editorState"], stateVersion: body["stateVersion"] ?? 0 }))
      }
      return forward(request)
    })
  },
  {
    name: "sync merges into the stored editorState",
    dialect: "editor",
    caughtBy: ["EDIT-SYNC-002"],
    broken: onPath(syncRoute, "POST", async (request, forward) => {
      const current = parse((await forward({ ...request, method: "GET", url: pathOf(request).replace(/\/sync$/, ""), body: "" })).body)
      const stored = isObject(current) && isObject(current["editorState"]) ? current["editorState"] : {}
      return forward(editBody(request, (body) => ({ ...body, editorState: { ...stored, ...(isObject(body["editorState"]) ? body["editorState"] : {}) } })))
    })
  },
  {
    name: "sync also changes the title it is sent",
    dialect: "editor",
    caughtBy: ["EDIT-SYNC-001"],
    broken: onPath(syncRoute, "POST", async (request, forward) => {
      const body = parse(request.body)
      if (isObject(body) && typeof body["title"] === "string") {
        await forward(as(request, "PATCH", pathOf(request).replace(/\/sync$/, ""), { title: body["title"] }))
      }
      return forward(request)
    })
  },
  {
    name: "the sync rate limit answers a generic code",
    dialect: "editor",
    caughtBy: ["EDIT-RATE-001"],
    broken: mapResponses((_, response) =>
      response.status === 429 ? withJson(response, (body) => (isObject(body) ? { ...body, code: "OPEN_API_RATE_LIMITED" } : body)) : response
    )
  },
  {
    name: "an ineligible account answers 401 instead of 403",
    dialect: "editor",
    caughtBy: ["EDIT-ACCESS-001"],
    broken: mapResponses((_, response) =>
      response.status === 403 ? json(401, { code: "OPEN_API_UNAUTHORIZED", message: "no" }) : response
    )
  },
  {
    name: "GET /v1/exports/{taskId} loses projectId",
    dialect: "editor",
    caughtBy: ["EDIT-EXP-004"],
    broken: onPath(task, "GET", async (request, forward) => withJson(await forward(request), withoutProjectId))
  },
  {
    name: "GET /v1/exports loses projectId",
    dialect: "editor",
    caughtBy: ["EDIT-EXP-005"],
    broken: onPath(tasks, "GET", async (request, forward) =>
      withJson(await forward(request), (body) =>
        isObject(body) && Array.isArray(body["items"]) ? { ...body, items: body["items"].map(withoutProjectId) } : body))
  },
  {
    name: "GET of a project leaves out the editorState",
    dialect: "editor",
    caughtBy: ["EDIT-PROJ-002", "EDIT-PROJ-003"],
    broken: onPath(project, "GET", async (request, forward) =>
      withJson(await forward(request), (body) => {
        if (!isObject(body)) return body
        const { editorState: _, ...rest } = body
        return rest
      }))
  },
  {
    name: "deleting a project deletes its export tasks",
    dialect: "editor",
    caughtBy: ["EDIT-EXP-007"],
    broken: (() => {
      const deleted = new Set<string>()
      return async (request, forward) => {
        const path = pathOf(request)
        const response = await forward(request)
        const match = project.exec(path)
        if (request.method === "DELETE" && match && response.status < 300) deleted.add(match[1]!)
        if (request.method === "GET" && task.test(path)) {
          const body = parse(response.body)
          if (isObject(body) && typeof body["projectId"] === "string" && deleted.has(body["projectId"])) {
            return json(404, { code: "OPEN_API_EXPORT_NOT_FOUND", message: "gone" })
          }
        }
        return response
      }
    })()
  },
  {
    name: "export webhooks leave out projectId",
    dialect: "editor",
    caughtBy: ["EDIT-EXP-009"],
    // The proxy receives the webhook in the receiver's place and passes it on without projectId.
    broken: (() => {
      const hooks = new Map<string, string>()
      return async (request, forward) => {
        const path = pathOf(request)
        if (path.startsWith("/__hook/")) {
          const target = hooks.get(path.slice("/__hook/".length))
          const body = parse(request.body)
          const task = isObject(body) && isObject(body["task"]) ? withoutProjectId(body["task"]) : undefined
          if (target !== undefined) {
            await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...(isObject(body) ? body : {}), task }) })
          }
          return json(204, {})
        }
        const body = parse(request.body)
        if (request.method === "POST" && /\/exports$/.test(path) && isObject(body) && typeof body["webhookUrl"] === "string") {
          const id = String(hooks.size)
          hooks.set(id, body["webhookUrl"])
          const self = `http://${request.headers["host"]}/__hook/${id}`
          return forward(editBody(request, (b) => ({ ...b, webhookUrl: self })))
        }
        return forward(request)
      }
    })()
  },
  {
    name: "editor organizations are not isolated",
    dialect: "editor",
    caughtBy: ["EDIT-ISO-001"],
    broken: (() => {
      let first: string | undefined
      return (request, forward) => {
        const key = request.headers["authorization"]
        if (key === undefined) return forward(request)
        first ??= key
        return forward({ ...request, headers: { ...request.headers, authorization: first } })
      }
    })()
  }
]
