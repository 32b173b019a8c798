/**
 * Broken Indream behaviours, one each, and the checks that must catch them. Indream's answers
 * are envelopes: the edits below work on their `data`.
 */
import {
  breaksOf,
  editAnswers,
  editBody,
  ignoreParam,
  isObject,
  mapResponses,
  onPath,
  parse,
  pathOf,
  type ProxyRequest,
  type ProxyResponse,
  withJson
} from "../BreakingProxy.js"
import { dialect } from "../../../src/dialects/indream/IndreamDialect.js"

const projects = /^\/indream\/v1\/projects\/?$/
const project = /^\/indream\/v1\/projects\/([^/]+)$/
const syncRoute = /^\/indream\/v1\/projects\/([^/]+)\/sync$/
const projectAssets = /^\/indream\/v1\/projects\/([^/]+)\/assets$/
const projectAsset = /^\/indream\/v1\/projects\/([^/]+)\/assets\/([^/]+)$/
const projectExports = /^\/indream\/v1\/projects\/([^/]+)\/exports$/
const uploads = /^\/indream\/v1\/uploads$/
const asset = /^\/indream\/v1\/assets\/([^/]+)$/
const exportsRoute = /^\/indream\/v1\/exports\/?$/
const exportTask = /^\/indream\/v1\/exports\/([^/]+)$/
const capabilities = /^\/indream\/v1\/editor\/capabilities$/
const validate = /^\/indream\/v1\/editor\/validate$/
const illustrations = /^\/indream\/v1\/illustrations$/

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ProxyResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

const problem = (status: number, errorCode: string) =>
  json(status, { type: "ERROR", title: "Error", status, detail: "broken on purpose", errorCode })

/** Edits the envelope's `data`: the object, or each object of a list. */
const editData = (edit: (record: Record<string, unknown>) => Record<string, unknown>) => (body: unknown): unknown => {
  if (!isObject(body)) return body
  const inner = body["data"]
  if (Array.isArray(inner)) return { ...body, data: inner.map((item) => (isObject(item) ? edit(item) : item)) }
  return isObject(inner) ? { ...body, data: edit(inner) } : body
}

const dataWithout = (field: string) =>
  editData((record) => {
    const { [field]: _, ...rest } = record
    return rest
  })

const withoutHeader = (request: ProxyRequest, name: string): ProxyRequest => {
  const { [name]: _, ...headers } = request.headers
  return { ...request, headers }
}

const as = (request: ProxyRequest, method: string, url: string, body?: unknown): ProxyRequest => ({
  ...request,
  method,
  url,
  headers: { ...request.headers, "content-type": "application/json" },
  body: body === undefined ? "" : JSON.stringify(body)
})

/**
 * The URLs the server hands out under `segment` (in `field` of the answers to `route`) served with
 * another Content-Type: the answers are rewritten to point at the proxy (the server builds them from
 * the Host it was asked at, its own behind this proxy), which then edits what they serve.
 */
const servedAs = (route: RegExp, method: string, field: string, segment: string, contentType: string) =>
  async (request: ProxyRequest, forward: (request: ProxyRequest) => Promise<ProxyResponse>): Promise<ProxyResponse> => {
    const path = pathOf(request)
    const response = await forward(request)
    if (request.method === "GET" && path.startsWith(`/indream/${segment}/`) && response.status === 200) {
      return { ...response, headers: { ...response.headers, "content-type": contentType } }
    }
    if (request.method !== method || !route.test(path)) return response
    return withJson(response, editData((record) => {
      const url = record[field]
      return typeof url === "string" ? { ...record, [field]: `http://${request.headers["host"]}${new URL(url).pathname}` } : record
    }))
  }

/**
 * Breaks callback deliveries: an export with a `callbackUrl` gets the proxy's own URL instead, so
 * that the proxy receives the deliveries in the receiver's place and passes them on edited.
 */
const editCallbacks = (edit: (headers: Record<string, string>) => Record<string, string>) => {
  const hooks = new Map<string, string>()
  return async (request: ProxyRequest, forward: (request: ProxyRequest) => Promise<ProxyResponse>): Promise<ProxyResponse> => {
    const path = pathOf(request)
    if (path.startsWith("/__hook/")) {
      const target = hooks.get(path.slice("/__hook/".length))
      if (target !== undefined) {
        const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => !["host", "content-length", "connection"].includes(key)))
        await fetch(target, { method: "POST", headers: edit(headers), body: request.body })
      }
      return { status: 204, headers: {}, body: "" }
    }
    const body = parse(request.body)
    if (request.method === "POST" && (projectExports.test(path) || exportsRoute.test(path)) && isObject(body) && typeof body["callbackUrl"] === "string") {
      const id = String(hooks.size)
      hooks.set(id, body["callbackUrl"])
      return forward(editBody(request, (b) => ({ ...b, callbackUrl: `http://${request.headers["host"]}/__hook/${id}` })))
    }
    return forward(request)
  }
}

export const indreamBreaks = breaksOf(dialect, [
  // Projects
  {
    name: "createProject answers the summary without createdAt",
    caughtBy: ["IND-PROJ-001"],
    broken: editAnswers(projects, "POST", dataWithout("createdAt"))
  },
  {
    name: "getProject answers stateVersion as a number",
    caughtBy: ["IND-PROJ-002"],
    broken: editAnswers(project, "GET", editData((record) => ({ ...record, stateVersion: 1 })))
  },
  {
    name: "PATCH also saves the editorState it is sent",
    caughtBy: ["IND-PROJ-003"],
    broken: onPath(project, "PATCH", async (request, forward) => {
      const body = parse(request.body)
      if (isObject(body) && body["editorState"] !== undefined) {
        await forward(as(request, "POST", `${pathOf(request)}/sync`, { editorState: body["editorState"] }))
      }
      return forward(request)
    })
  },
  {
    name: "deleteProject answers without deleted",
    caughtBy: ["IND-PROJ-004"],
    broken: editAnswers(project, "DELETE", dataWithout("deleted"))
  },
  {
    name: "listProjects items carry the editorState",
    caughtBy: ["IND-PROJ-005"],
    broken: editAnswers(projects, "GET", editData((record) => ({ ...record, editorState: {} })))
  },
  {
    name: "a createProject the server refuses answers 500",
    caughtBy: ["IND-PROJ-006"],
    broken: onPath(projects, "POST", async (request, forward) => {
      const response = await forward(request)
      return response.status >= 400 && response.status < 500 ? { ...response, status: 500 } : response
    })
  },
  {
    name: "an unknown project answers the old {code, message} body",
    caughtBy: ["IND-PROJ-007"],
    broken: mapResponses((request, response) =>
      project.test(pathOf(request)) && response.status === 404 ? json(404, { code: "OPEN_API_PROJECT_NOT_FOUND", message: "no" }) : response
    )
  },
  {
    name: "createProject ignores Idempotency-Key",
    caughtBy: ["IND-PROJ-008"],
    broken: onPath(projects, "POST", (request, forward) => forward(withoutHeader(request, "idempotency-key")))
  },
  // Sync
  {
    name: "syncProject answers without updatedAt",
    caughtBy: ["IND-SYNC-001"],
    broken: editAnswers(syncRoute, "POST", dataWithout("updatedAt"))
  },
  {
    name: "only a project's first sync is saved",
    caughtBy: ["IND-SYNC-002"],
    broken: (() => {
      const synced = new Set<string>()
      return onPath(syncRoute, "POST", async (request, forward) => {
        const projectId = syncRoute.exec(pathOf(request))![1]!
        if (!synced.has(projectId)) {
          synced.add(projectId)
          return forward(request)
        }
        return json(200, { data: { projectId, stateVersion: "2", updatedAt: new Date().toISOString() }, meta: {} })
      })
    })()
  },
  {
    name: "sync also changes the title it is sent",
    caughtBy: ["IND-SYNC-003"],
    broken: onPath(syncRoute, "POST", async (request, forward) => {
      const body = parse(request.body)
      if (isObject(body) && typeof body["title"] === "string") {
        await forward(as(request, "PATCH", pathOf(request).replace(/\/sync$/, ""), { title: body["title"] }))
      }
      return forward(request)
    })
  },
  {
    name: "sync ignores the stateVersion sent",
    caughtBy: ["IND-SYNC-004"],
    broken: onPath(syncRoute, "POST", (request, forward) =>
      forward(editBody(request, ({ stateVersion, ...rest }) => (typeof stateVersion === "string" ? rest : { ...rest, stateVersion }))))
  },
  {
    name: "a sync the server refuses answers 200",
    caughtBy: ["IND-SYNC-005"],
    broken: onPath(syncRoute, "POST", async (request, forward) => {
      const response = await forward(request)
      if (response.status < 400 || response.status >= 500) return response
      return json(200, { data: { projectId: syncRoute.exec(pathOf(request))![1], stateVersion: "1", updatedAt: new Date().toISOString() }, meta: {} })
    })
  },
  {
    name: "the sync rate limit answers a generic errorCode",
    caughtBy: ["IND-RATE-001"],
    broken: mapResponses((_, response) =>
      response.status === 429 ? withJson(response, (body) => (isObject(body) ? { ...body, errorCode: "OPEN_API_RATE_LIMITED" } : body)) : response
    )
  },
  {
    name: "a rate-limited project stays refused after its Retry-After",
    caughtBy: ["IND-RATE-002"],
    broken: (() => {
      const limited = new Set<string>()
      return onPath(syncRoute, "POST", async (request, forward) => {
        const projectId = syncRoute.exec(pathOf(request))![1]!
        if (limited.has(projectId)) return problem(429, "OPEN_API_PROJECT_SYNC_RATE_LIMITED")
        const response = await forward(request)
        if (response.status === 429) limited.add(projectId)
        return response
      })
    })()
  },
  // Paging
  {
    name: "listProjects ignores pageSize",
    caughtBy: ["IND-PAGE-001"],
    broken: ignoreParam(projects, "GET", "pageSize")
  },
  {
    name: "listProjects ignores pageCursor",
    caughtBy: ["IND-PAGE-002"],
    broken: ignoreParam(projects, "GET", "pageCursor")
  },
  {
    name: "listExports ignores pageCursor",
    caughtBy: ["IND-PAGE-003"],
    broken: ignoreParam(exportsRoute, "GET", "pageCursor")
  },
  {
    name: "listProjectAssets ignores pageCursor",
    caughtBy: ["IND-PAGE-004"],
    broken: ignoreParam(projectAssets, "GET", "pageCursor")
  },
  // Uploads and assets
  {
    name: "fileUrl serves every file as application/octet-stream",
    caughtBy: ["IND-UP-001"],
    broken: servedAs(uploads, "POST", "fileUrl", "files", "application/octet-stream")
  },
  {
    name: "an upload without x-file-name is accepted",
    caughtBy: ["IND-UP-002"],
    broken: onPath(uploads, "POST", (request, forward) =>
      forward(request.headers["x-file-name"] === undefined ? { ...request, headers: { ...request.headers, "x-file-name": "upload" } } : request))
  },
  {
    name: "uploads ignore x-project-id",
    caughtBy: ["IND-UP-003"],
    broken: onPath(uploads, "POST", (request, forward) => forward(withoutHeader(request, "x-project-id")))
  },
  {
    name: "getAsset answers without fileKey",
    caughtBy: ["IND-ASSET-001"],
    broken: editAnswers(asset, "GET", dataWithout("fileKey"))
  },
  {
    name: "listProjectAssets items leave out duration",
    caughtBy: ["IND-ASSET-002"],
    broken: editAnswers(projectAssets, "GET", dataWithout("duration"))
  },
  {
    name: "deleteProjectAsset answers without deleted",
    caughtBy: ["IND-ASSET-002"],
    broken: editAnswers(projectAsset, "DELETE", dataWithout("deleted"))
  },
  {
    name: "removing a binding deletes the asset",
    caughtBy: ["IND-ASSET-003"],
    broken: onPath(projectAsset, "DELETE", async (request, forward) => {
      const response = await forward(request)
      const assetId = projectAsset.exec(pathOf(request))![2]!
      if (response.status < 300) await forward(as(request, "DELETE", `/indream/v1/assets/${assetId}`))
      return response
    })
  },
  {
    name: "a referenced asset answers a generic conflict errorCode",
    caughtBy: ["IND-ASSET-004"],
    broken: mapResponses((_, response) =>
      response.status === 409 ? withJson(response, (body) => (isObject(body) ? { ...body, errorCode: "CONFLICT" } : body)) : response
    )
  },
  // Exports
  {
    name: "createProjectExport answers without billedStandardSeconds",
    caughtBy: ["IND-EXP-001"],
    broken: editAnswers(projectExports, "POST", dataWithout("billedStandardSeconds"))
  },
  {
    name: "createExport answers without chargedCredits",
    caughtBy: ["IND-EXP-002"],
    broken: editAnswers(exportsRoute, "POST", dataWithout("chargedCredits"))
  },
  {
    name: "getExport answers without completedAt",
    caughtBy: ["IND-EXP-003"],
    broken: editAnswers(exportTask, "GET", dataWithout("completedAt"))
  },
  {
    name: "outputUrl serves the video as application/octet-stream",
    caughtBy: ["IND-EXP-004"],
    broken: servedAs(exportTask, "GET", "outputUrl", "outputs", "application/octet-stream")
  },
  {
    name: "listExports items leave out createdByApiKeyId",
    caughtBy: ["IND-EXP-005"],
    broken: editAnswers(exportsRoute, "GET", dataWithout("createdByApiKeyId"))
  },
  {
    name: "deleting a project deletes its export tasks",
    caughtBy: ["IND-EXP-006"],
    broken: (() => {
      const deleted = new Set<string>()
      return async (request, forward) => {
        const path = pathOf(request)
        const response = await forward(request)
        const match = project.exec(path)
        if (request.method === "DELETE" && match && response.status < 300) deleted.add(match[1]!)
        if (request.method === "GET" && exportTask.test(path)) {
          const body = parse(response.body)
          const task = isObject(body) && isObject(body["data"]) ? body["data"] : undefined
          if (task !== undefined && typeof task["projectId"] === "string" && deleted.has(task["projectId"])) return problem(404, "OPEN_API_EXPORT_NOT_FOUND")
        }
        return response
      }
    })()
  },
  {
    name: "createExport ignores Idempotency-Key",
    caughtBy: ["IND-EXP-007"],
    broken: onPath(exportsRoute, "POST", (request, forward) => forward(withoutHeader(request, "idempotency-key")))
  },
  {
    name: "project exports ignore clientTaskId",
    caughtBy: ["IND-EXP-008"],
    broken: onPath(projectExports, "POST", (request, forward) => forward(editBody(request, ({ clientTaskId: _, ...rest }) => rest)))
  },
  {
    name: "the export concurrency limit answers 409",
    caughtBy: ["IND-EXP-009"],
    broken: mapResponses((_, response) =>
      response.status === 422 && response.body.includes("OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED") ? { ...response, status: 409 } : response
    )
  },
  {
    name: "an export at 24 fps is accepted",
    caughtBy: ["IND-EXP-010"],
    broken: onPath(exportsRoute, "POST", (request, forward) => forward(editBody(request, (body) => (body["fps"] === 24 ? { ...body, fps: 30 } : body))))
  },
  {
    name: "export callbacks are not signed",
    caughtBy: ["IND-EXP-011"],
    broken: editCallbacks(({ "x-indream-signature": _, ...headers }) => headers)
  },
  // Editor
  {
    name: "capabilities leave out backgroundPresets",
    caughtBy: ["IND-EDIT-001"],
    broken: editAnswers(capabilities, "GET", dataWithout("backgroundPresets"))
  },
  {
    name: "validate finds every state valid",
    caughtBy: ["IND-EDIT-002"],
    broken: editAnswers(validate, "POST", editData(() => ({ valid: true, errors: [] })))
  },
  {
    name: "illustrations ignore q",
    caughtBy: ["IND-ILL-001"],
    broken: ignoreParam(illustrations, "GET", "q")
  },
  // Access and errors
  {
    name: "a missing or wrong key answers 403",
    caughtBy: ["IND-AUTH-001"],
    broken: mapResponses((_, response) => (response.status === 401 ? problem(403, "OPEN_API_RUNTIME_ACCESS_FORBIDDEN") : response))
  },
  {
    name: "errors answer {code, message}",
    caughtBy: ["IND-ERR-001"],
    broken: mapResponses((_, response) =>
      response.status >= 400
        ? withJson(response, (body) => (isObject(body) ? { code: body["errorCode"], message: body["detail"] } : body))
        : response
    )
  },
  {
    name: "an ineligible account answers 401 instead of 403",
    caughtBy: ["IND-ACCESS-001"],
    broken: mapResponses((_, response) => (response.status === 403 ? problem(401, "OPEN_API_KEY_INVALID") : response))
  },
  {
    name: "capabilities and validate require runtime access",
    caughtBy: ["IND-ACCESS-002"],
    broken: async (request, forward) => {
      const path = pathOf(request)
      if (capabilities.test(path) || validate.test(path)) {
        const probe = await forward(as(request, "GET", "/indream/v1/projects?pageSize=1"))
        if (probe.status === 403) return probe
      }
      return forward(request)
    }
  }
])
