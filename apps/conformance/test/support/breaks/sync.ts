/**
 * Broken sync.so behaviours, one each, and the checks that must catch them.
 */
import {
  type BrokenBehaviour,
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
  type ProxyResponse,
  withJson,
  withoutField,
  withQuery
} from "../BreakingProxy.js"

const projects = /^\/sync\/v2\/projects\/?$/
const project = /^\/sync\/v2\/projects\/([^/]+)$/
const generations = /^\/sync\/v2\/generate\/?$/
const generation = /^\/sync\/v2\/generate\/([^/]+)$/
const generationList = /^\/sync\/v2\/generations\/?$/
const assets = /^\/sync\/v2\/assets\/?$/
const asset = /^\/sync\/v2\/assets\/([^/]+)$/

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
  },
  // Every documented field, on every route that answers it; every documented request option.
  {
    name: "a PATCH answers the project without updatedAt",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-013"],
    broken: editAnswers(project, "PATCH", withoutField("updatedAt"))
  },
  {
    name: "the project list leaves out mode",
    dialect: "sync",
    caughtBy: ["SYNC-PROJ-016"],
    broken: editAnswers(projects, "GET", withoutField("mode"))
  },
  {
    name: "Get Asset leaves out width",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-003"],
    broken: editAnswers(asset, "GET", withoutField("width"))
  },
  {
    name: "registering an asset answers without format",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-004"],
    broken: editAnswers(assets, "POST", withoutField("format"))
  },
  {
    name: "the asset list ignores types",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-005"],
    broken: ignoreParam(assets, "GET", "types")
  },
  {
    name: "the asset list ignores searchQuery",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-006"],
    broken: ignoreParam(assets, "GET", "searchQuery")
  },
  {
    name: "the asset list ignores sortBy",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-007"],
    broken: ignoreParam(assets, "GET", "sortBy")
  },
  {
    name: "the asset list ignores the cursor",
    dialect: "sync",
    caughtBy: ["SYNC-ASSET-008"],
    broken: ignoreParam(assets, "GET", "cursor")
  },
  {
    name: "the generation list leaves out createdAt",
    dialect: "sync",
    caughtBy: ["SYNC-GEN-002"],
    broken: editAnswers(generationList, "GET", withoutField("createdAt"))
  },
  {
    name: "the generation list ignores ids",
    dialect: "sync",
    caughtBy: ["SYNC-GEN-003"],
    broken: ignoreParam(generationList, "GET", "ids")
  },
  {
    name: "the generation list ignores status",
    dialect: "sync",
    caughtBy: ["SYNC-GEN-003"],
    broken: ignoreParam(generationList, "GET", "status")
  },
  {
    name: "generation notifications leave out model",
    dialect: "sync",
    caughtBy: ["SYNC-GEN-001"],
    broken: editWebhooks(generations, withoutField("model"))
  },
  {
    name: "models leave out their version",
    dialect: "sync",
    caughtBy: ["SYNC-MODEL-001"],
    broken: editAnswers(/^\/sync\/v2\/models\/?$/, "GET", withoutField("version"))
  },
  {
    name: "a cost estimate leaves out estimatedGenerationCost",
    dialect: "sync",
    caughtBy: ["SYNC-COST-001"],
    broken: editAnswers(/^\/sync\/v2\/analyze\/cost$/, "POST", withoutField("estimatedGenerationCost"))
  }
]
