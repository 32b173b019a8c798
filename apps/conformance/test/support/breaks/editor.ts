/**
 * Broken editor behaviours, one each, and the checks that must catch them.
 */
import {
  breaksOf,
  editAnswers,
  editBody,
  editWebhooks,
  ignoreParam,
  isObject,
  mapResponses,
  onPath,
  parse,
  pathOf,
  type ProxyRequest,
  withJson,
  withoutField
} from "../BreakingProxy.js"
import { dialect } from "../../../src/dialects/editor/EditorDialect.js"

const projects = /^\/editor\/v1\/projects\/?$/
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

export const editorBreaks = breaksOf(dialect, [
  {
    name: "PATCH also saves the editorState it is sent",
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
    caughtBy: ["EDIT-SYNC-002"],
    broken: onPath(syncRoute, "POST", async (request, forward) => {
      const current = parse((await forward({ ...request, method: "GET", url: pathOf(request).replace(/\/sync$/, ""), body: "" })).body)
      const stored = isObject(current) && isObject(current["editorState"]) ? current["editorState"] : {}
      return forward(editBody(request, (body) => ({ ...body, editorState: { ...stored, ...(isObject(body["editorState"]) ? body["editorState"] : {}) } })))
    })
  },
  {
    name: "sync also changes the title it is sent",
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
    caughtBy: ["EDIT-RATE-001"],
    broken: mapResponses((_, response) =>
      response.status === 429 ? withJson(response, (body) => (isObject(body) ? { ...body, code: "OPEN_API_RATE_LIMITED" } : body)) : response
    )
  },
  {
    name: "an ineligible account answers 401 instead of 403",
    caughtBy: ["EDIT-ACCESS-001"],
    broken: mapResponses((_, response) =>
      response.status === 403 ? json(401, { code: "OPEN_API_UNAUTHORIZED", message: "no" }) : response
    )
  },
  {
    name: "GET /v1/exports/{taskId} loses projectId",
    caughtBy: ["EDIT-EXP-004"],
    broken: onPath(task, "GET", async (request, forward) => withJson(await forward(request), withoutProjectId))
  },
  {
    name: "GET /v1/exports loses projectId",
    caughtBy: ["EDIT-EXP-005"],
    broken: onPath(tasks, "GET", async (request, forward) =>
      withJson(await forward(request), (body) =>
        isObject(body) && Array.isArray(body["items"]) ? { ...body, items: body["items"].map(withoutProjectId) } : body))
  },
  {
    name: "GET of a project leaves out the editorState",
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
    caughtBy: ["EDIT-EXP-009"],
    // The proxy receives the webhook in the receiver's place and passes it on without projectId.
    broken: editWebhooks(/\/exports$/, (body) => (isObject(body) ? { ...body, task: withoutProjectId(body["task"]) } : body))
  },
  {
    name: "an unknown project answers a generic not-found code",
    caughtBy: ["EDIT-PROJ-007"],
    broken: mapResponses((request, response) =>
      project.test(pathOf(request)) && response.status === 404 ? json(404, { code: "OPEN_API_NOT_FOUND", message: "no" }) : response
    )
  },
  // Every documented field, on every route that answers it; every documented request option.
  {
    name: "an editor PATCH answers the metadata without updatedAt",
    caughtBy: ["EDIT-PROJ-011"],
    broken: editAnswers(project, "PATCH", withoutField("updatedAt"))
  },
  {
    name: "the project list leaves out description",
    caughtBy: ["EDIT-PROJ-011"],
    broken: editAnswers(projects, "GET", withoutField("description"))
  },
  {
    name: "the task list leaves out createdAt",
    caughtBy: ["EDIT-EXP-008"],
    broken: editAnswers(tasks, "GET", withoutField("createdAt"))
  },
  {
    name: "the task list ignores status",
    caughtBy: ["EDIT-EXP-011"],
    broken: ignoreParam(tasks, "GET", "status")
  },
  {
    name: "the task list ignores the cursor",
    caughtBy: ["EDIT-EXP-012"],
    broken: ignoreParam(tasks, "GET", "cursor")
  },
  {
    name: "export webhooks leave out the event",
    caughtBy: ["EDIT-EXP-013"],
    broken: editWebhooks(/\/exports$/, withoutField("event"))
  }
])
