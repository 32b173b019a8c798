/**
 * Broken sync.so behaviours, one each, and the checks that must catch them.
 */
import {
  type BrokenBehaviour,
  editBody,
  isObject,
  mapResponses,
  onPath,
  parse,
  pathOf,
  type ProxyRequest,
  type ProxyResponse,
  withJson,
  withQuery
} from "../BreakingProxy.js"

const projects = /^\/sync\/v2\/projects\/?$/
const project = /^\/sync\/v2\/projects\/([^/]+)$/
const generations = /^\/sync\/v2\/generate\/?$/
const generation = /^\/sync\/v2\/generate\/([^/]+)$/

/** Remembers which generations were filed under which project, and which projects were deleted. */
const deletedProjectMemory = () => {
  const filedUnder = new Map<string, string>()
  const deleted = new Set<string>()
  const observe = (request: ProxyRequest, response: ProxyResponse) => {
    const path = pathOf(request)
    if (request.method === "POST" && generations.test(path)) {
      const body = parse(response.body)
      if (isObject(body) && typeof body["id"] === "string" && typeof body["projectId"] === "string") {
        filedUnder.set(body["id"], body["projectId"])
      }
    }
    const match = project.exec(path)
    if (request.method === "DELETE" && match && response.status < 300) deleted.add(match[1]!)
  }
  const orphanOf = (request: ProxyRequest) => {
    const match = generation.exec(pathOf(request))
    if (request.method !== "GET" || !match) return undefined
    const parent = filedUnder.get(match[1]!)
    return parent !== undefined && deleted.has(parent) ? parent : undefined
  }
  return { observe, orphanOf }
}

export const syncBreaks: ReadonlyArray<BrokenBehaviour> = [
  {
    name: "visibility defaults to ORGANIZATION",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-002"],
    broken: onPath(projects, "POST", (request, forward) =>
      forward(editBody(request, (body) => ({ visibility: "ORGANIZATION", ...body }))))
  },
  {
    name: "mode answered as EDITOR",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-003"],
    broken: mapResponses((request, response) =>
      /^\/sync\/v2\/projects/.test(pathOf(request))
        ? withJson(response, (json) => (isObject(json) && "mode" in json ? { ...json, mode: "EDITOR" } : json))
        : response
    )
  },
  {
    name: "a PATCH resets the fields it did not send",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-007", "SYNC-PROJ-008"],
    broken: onPath(project, "PATCH", (request, forward) =>
      forward(editBody(request, (body) => ({ name: "reset by a full update", visibility: "USER", mode: "CREATOR", ...body }))))
  },
  {
    name: "an unknown projectId answers 400 instead of 422",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-004", "SYNC-ATT-012"],
    broken: mapResponses((_, response) =>
      response.status === 422 ? { ...response, status: 400, body: JSON.stringify({ statusCode: 400, message: "bad" }) } : response
    )
  },
  {
    name: "a generation rejected with 422 is created anyway",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-005"],
    broken: onPath(generations, "POST", async (request, forward) => {
      const response = await forward(request)
      if (response.status === 422) await forward(editBody(request, ({ projectId: _, ...rest }) => rest))
      return response
    })
  },
  {
    name: "another organization's project is accepted as projectId",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-006"],
    // A projectId of a project another key created is dropped, so the generation is created unfiled.
    broken: (() => {
      const creator = new Map<string, string>()
      return async (request, forward) => {
        const path = pathOf(request)
        const key = request.headers["x-api-key"] ?? ""
        if (request.method === "POST" && generations.test(path)) {
          const body = parse(request.body)
          const owner = isObject(body) && typeof body["projectId"] === "string" ? creator.get(body["projectId"]) : undefined
          if (owner !== undefined && owner !== key) return forward(editBody(request, ({ projectId: _, ...rest }) => rest))
        }
        const response = await forward(request)
        if (request.method === "POST" && projects.test(path)) {
          const body = parse(response.body)
          if (isObject(body) && typeof body["id"] === "string") creator.set(body["id"], key)
        }
        return response
      }
    })()
  },
  {
    name: "deleting a project deletes its generations",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-008"],
    broken: (() => {
      const memory = deletedProjectMemory()
      return async (request, forward) => {
        if (memory.orphanOf(request) !== undefined) {
          return { status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ statusCode: 404, message: "gone" }) }
        }
        const response = await forward(request)
        memory.observe(request, response)
        return response
      }
    })()
  },
  {
    name: "a generation stays filed under its deleted project",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-009"],
    broken: (() => {
      const memory = deletedProjectMemory()
      return async (request, forward) => {
        const parent = memory.orphanOf(request)
        const response = await forward(request)
        memory.observe(request, response)
        return parent === undefined ? response : withJson(response, (json) => (isObject(json) ? { ...json, projectId: parent } : json))
      }
    })()
  },
  {
    name: "generations do not echo projectId",
    dialect: "sync",
    caughtBy: ["SYNC-ATT-002", "SYNC-ATT-003"],
    broken: mapResponses((request, response) =>
      /^\/sync\/v2\/generate/.test(pathOf(request))
        ? withJson(response, (json) => {
          if (!isObject(json)) return json
          const { projectId: _, ...rest } = json
          return rest
        })
        : response
    )
  },
  {
    name: "generation webhooks are never sent",
    dialect: "sync",
    caughtBy: ["SYNC-GEN-001"],
    broken: onPath(generations, "POST", (request, forward) =>
      forward(editBody(request, ({ webhookUrl: _, ...rest }) => rest)))
  },
  {
    name: "the cursor is ignored",
    dialect: "sync",
    caughtBy: ["SYNC-LIST-001"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("cursor"))))
  },
  {
    name: "limit is ignored",
    dialect: "sync",
    caughtBy: ["SYNC-LIST-001", "SYNC-LIST-007"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("limit"))))
  },
  {
    name: "searchQuery is ignored",
    dialect: "sync",
    caughtBy: ["SYNC-LIST-002"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("searchQuery"))))
  },
  {
    name: "sortBy is ignored",
    dialect: "sync",
    caughtBy: ["SYNC-LIST-003", "SYNC-LIST-004"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("sortBy"))))
  },
  {
    name: "an unknown project answers 400 instead of 404",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-009", "SYNC-PROJ-010"],
    broken: mapResponses((request, response) =>
      project.test(pathOf(request)) && response.status === 404
        ? { ...response, status: 400, body: JSON.stringify({ statusCode: 400, message: "no" }) }
        : response
    )
  },
  {
    name: "a missing or unknown key answers 403 instead of 401",
    dialect: "sync",
    caughtBy: ["SYNC-AUTH-001", "SYNC-AUTH-002"],
    broken: mapResponses((_, response) =>
      response.status === 401 ? { ...response, status: 403, body: JSON.stringify({ statusCode: 403, message: "Forbidden" }) } : response
    )
  },
  {
    name: "error bodies lose statusCode",
    dialect: "sync",
    caughtBy: ["SYNC-ERR-001"],
    broken: mapResponses((_, response) =>
      response.status >= 400 ? withJson(response, (json) => (isObject(json) ? { error: json["message"] } : json)) : response
    )
  },
  {
    name: "a malformed body is a 500",
    dialect: "sync",
    caughtBy: ["SYNC-ERR-002"],
    broken: (request, forward) =>
      request.body !== "" && parse(request.body) === undefined
        ? Promise.resolve({ status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ statusCode: 500, message: "oops" }) })
        : forward(request)
  },
  {
    name: "a create answers 200 instead of 201",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-012"],
    broken: mapResponses((request, response) => (request.method === "POST" && response.status === 201 ? { ...response, status: 200 } : response))
  },
  {
    name: "organizations are not isolated",
    dialect: "sync",
    caughtBy: ["SYNC-ISO-001"],
    // Every key is read as the first key this proxy saw: one organization for everyone.
    broken: (() => {
      let first: string | undefined
      return (request, forward) => {
        const key = request.headers["x-api-key"]
        if (key === undefined) return forward(request)
        first ??= key
        return forward({ ...request, headers: { ...request.headers, "x-api-key": first } })
      }
    })()
  },
  {
    name: "USER projects are visible to the whole organization",
    dialect: "sync",
    caughtBy: ["SYNC-VIS-001"],
    broken: onPath(projects, "POST", (request, forward) =>
      forward(editBody(request, (body) => ({ ...body, visibility: "ORGANIZATION" }))).then((response) =>
        withJson(response, (json) => (isObject(json) ? { ...json, visibility: "USER" } : json))
      ))
  }
]
