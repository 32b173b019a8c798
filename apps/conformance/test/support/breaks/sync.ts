/**
 * Broken sync.so behaviours, one each, and the checks that must catch them.
 */
import {
  type Break,
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
  type ProxyResponse,
  withJson,
  withoutField,
  withQuery
} from "../BreakingProxy.js"
import { dialect } from "../../../src/dialects/sync/SyncDialect.js"

const projects = /^\/sync\/v2\/projects\/?$/
const project = /^\/sync\/v2\/projects\/([^/]+)$/
const generations = /^\/sync\/v2\/generate\/?$/
const generation = /^\/sync\/v2\/generate\/([^/]+)$/
const generationList = /^\/sync\/v2\/generations\/?$/
const assets = /^\/sync\/v2\/assets\/?$/
const asset = /^\/sync\/v2\/assets\/([^/]+)$/
const batchRoutes = /^\/sync\/v2\/batch(\/|$)/
const batchCreate = /^\/sync\/v2\/batch\/?$/
const batchOne = /^\/sync\/v2\/batch\/([^/]+)$/
const batchResult = /^\/sync\/v2\/batches\/([^/]+)\/result$/

const isMultipart = (request: ProxyRequest) => (request.headers["content-type"] ?? "").startsWith("multipart/form-data")

/** The text fields of a multipart body (files are left out), by name, in order. */
const formFields = (request: ProxyRequest): ReadonlyArray<readonly [string, string]> => {
  const boundary = /boundary=([^;]+)/.exec(request.headers["content-type"] ?? "")?.[1]
  if (boundary === undefined) return []
  return request.body.split(`--${boundary}`).slice(1, -1).flatMap((part) => {
    const [head = "", ...rest] = part.split("\r\n\r\n")
    const name = /name="([^"]*)"/.exec(head)?.[1]
    return name === undefined || /filename=/.test(head) ? [] : [[name, rest.join("\r\n\r\n").replace(/\r\n$/, "")] as const]
  })
}

/** A multipart body with a text field replaced (`edit` answers its new value) or dropped (`undefined`). */
const editForm = (request: ProxyRequest, field: string, edit: (value: string) => string | undefined): ProxyRequest => {
  const boundary = /boundary=([^;]+)/.exec(request.headers["content-type"] ?? "")?.[1]
  if (boundary === undefined) return request
  const parts = request.body.split(`--${boundary}`)
  const edited = parts.flatMap((part, i) => {
    if (i === 0 || i === parts.length - 1) return [part]
    const [head = "", ...rest] = part.split("\r\n\r\n")
    if (/filename=/.test(head) || /name="([^"]*)"/.exec(head)?.[1] !== field) return [part]
    const value = edit(rest.join("\r\n\r\n").replace(/\r\n$/, ""))
    return value === undefined ? [] : [`${head}\r\n\r\n${value}\r\n`]
  })
  return { ...request, body: edited.join(`--${boundary}`) }
}

const jsonError = (status: number, message: string): ProxyResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ statusCode: status, message })
})

/** Edits the batch answers (create, get, each listed batch). */
const editBatches = (edit: (batch: Record<string, unknown>) => Record<string, unknown>) =>
  mapResponses((request, response) =>
    batchRoutes.test(pathOf(request))
      ? withJson(response, (json) => (Array.isArray(json) ? json.map((b) => (isObject(b) ? edit(b) : b)) : isObject(json) ? edit(json) : json))
      : response
  )

/**
 * Breaks batch webhook deliveries: a batch created with a `webhook_url` gets the proxy's URL
 * instead, and the proxy passes each delivery on as `pass` makes it (its headers and body).
 */
const editBatchWebhooks = (
  pass: (delivery: { readonly headers: Record<string, string>; readonly body: string }) => { headers: Record<string, string>; body: string }
): Break => {
  const hooks = new Map<string, string>()
  return async (request, forward) => {
    const path = pathOf(request)
    if (path.startsWith("/__batch-hook/")) {
      const target = hooks.get(path.slice("/__batch-hook/".length))
      if (target !== undefined) {
        const signed = Object.fromEntries(Object.entries(request.headers).filter(([key]) => key.startsWith("webhook-")))
        const out = pass({ headers: { "content-type": "application/json", ...signed }, body: request.body })
        await fetch(target, { method: "POST", headers: out.headers, body: out.body })
      }
      return { status: 204, headers: {}, body: "" }
    }
    if (request.method === "POST" && batchCreate.test(path) && isMultipart(request)) {
      return forward(editForm(request, "webhook_url", (url) => {
        const id = String(hooks.size)
        hooks.set(id, url)
        return `http://${request.headers["host"]}/__batch-hook/${id}`
      }))
    }
    return forward(request)
  }
}

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

export const syncBreaks = breaksOf(dialect, [
  {
    name: "visibility defaults to ORGANIZATION",
    caughtBy: ["SYNC-PROJ-002"],
    broken: onPath(projects, "POST", (request, forward) =>
      forward(editBody(request, (body) => ({ visibility: "ORGANIZATION", ...body }))))
  },
  {
    name: "mode answered as EDITOR",
    caughtBy: ["SYNC-PROJ-003"],
    broken: mapResponses((request, response) =>
      /^\/sync\/v2\/projects/.test(pathOf(request))
        ? withJson(response, (json) => (isObject(json) && "mode" in json ? { ...json, mode: "EDITOR" } : json))
        : response
    )
  },
  {
    name: "a PATCH resets the fields it did not send",
    caughtBy: ["SYNC-PROJ-007", "SYNC-PROJ-008"],
    broken: onPath(project, "PATCH", (request, forward) =>
      forward(editBody(request, (body) => ({ name: "reset by a full update", visibility: "USER", mode: "CREATOR", ...body }))))
  },
  {
    name: "an unknown projectId answers 400 instead of 422",
    caughtBy: ["SYNC-ATT-004", "SYNC-ATT-012"],
    broken: mapResponses((_, response) =>
      response.status === 422 ? { ...response, status: 400, body: JSON.stringify({ statusCode: 400, message: "bad" }) } : response
    )
  },
  {
    name: "a generation rejected with 422 is created anyway",
    caughtBy: ["SYNC-ATT-005"],
    broken: onPath(generations, "POST", async (request, forward) => {
      const response = await forward(request)
      if (response.status === 422) await forward(editBody(request, ({ projectId: _, ...rest }) => rest))
      return response
    })
  },
  {
    name: "another organization's project is accepted as projectId",
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
    caughtBy: ["SYNC-GEN-001"],
    broken: onPath(generations, "POST", (request, forward) =>
      forward(editBody(request, ({ webhookUrl: _, ...rest }) => rest)))
  },
  {
    name: "the cursor is ignored",
    caughtBy: ["SYNC-LIST-001"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("cursor"))))
  },
  {
    name: "limit is ignored",
    caughtBy: ["SYNC-LIST-001", "SYNC-LIST-007"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("limit"))))
  },
  {
    name: "searchQuery is ignored",
    caughtBy: ["SYNC-LIST-002"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("searchQuery"))))
  },
  {
    name: "sortBy is ignored",
    caughtBy: ["SYNC-LIST-003", "SYNC-LIST-004"],
    broken: onPath(projects, "GET", (request, forward) => forward(withQuery(request, (params) => params.delete("sortBy"))))
  },
  {
    name: "an unknown project answers 400 instead of 404",
    caughtBy: ["SYNC-PROJ-009", "SYNC-PROJ-010"],
    broken: mapResponses((request, response) =>
      project.test(pathOf(request)) && response.status === 404
        ? { ...response, status: 400, body: JSON.stringify({ statusCode: 400, message: "no" }) }
        : response
    )
  },
  {
    name: "a missing or unknown key answers 403 instead of 401",
    caughtBy: ["SYNC-AUTH-001", "SYNC-AUTH-002"],
    broken: mapResponses((_, response) =>
      response.status === 401 ? { ...response, status: 403, body: JSON.stringify({ statusCode: 403, message: "Forbidden" }) } : response
    )
  },
  {
    name: "error bodies lose statusCode",
    caughtBy: ["SYNC-ERR-001"],
    broken: mapResponses((_, response) =>
      response.status >= 400 ? withJson(response, (json) => (isObject(json) ? { error: json["message"] } : json)) : response
    )
  },
  {
    name: "a malformed body is a 500",
    caughtBy: ["SYNC-ERR-002"],
    broken: (request, forward) =>
      request.body !== "" && parse(request.body) === undefined
        ? Promise.resolve({ status: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ statusCode: 500, message: "oops" }) })
        : forward(request)
  },
  {
    name: "USER projects are visible to the whole organization",
    caughtBy: ["SYNC-VIS-001"],
    broken: onPath(projects, "POST", (request, forward) =>
      forward(editBody(request, (body) => ({ ...body, visibility: "ORGANIZATION" }))).then((response) =>
        withJson(response, (json) => (isObject(json) ? { ...json, visibility: "USER" } : json))
      ))
  },
  // Every documented field, on every route that answers it; every documented request option.
  {
    name: "a PATCH answers the project without updatedAt",
    caughtBy: ["SYNC-PROJ-013"],
    broken: editAnswers(project, "PATCH", withoutField("updatedAt"))
  },
  {
    name: "the project list leaves out mode",
    caughtBy: ["SYNC-PROJ-016"],
    broken: editAnswers(projects, "GET", withoutField("mode"))
  },
  {
    name: "Get Asset leaves out width",
    caughtBy: ["SYNC-ASSET-003"],
    broken: editAnswers(asset, "GET", withoutField("width"))
  },
  {
    name: "registering an asset answers without format",
    caughtBy: ["SYNC-ASSET-004"],
    broken: editAnswers(assets, "POST", withoutField("format"))
  },
  {
    name: "the asset list ignores types",
    caughtBy: ["SYNC-ASSET-005"],
    broken: ignoreParam(assets, "GET", "types")
  },
  {
    name: "the asset list ignores searchQuery",
    caughtBy: ["SYNC-ASSET-006"],
    broken: ignoreParam(assets, "GET", "searchQuery")
  },
  {
    name: "the asset list ignores sortBy",
    caughtBy: ["SYNC-ASSET-007"],
    broken: ignoreParam(assets, "GET", "sortBy")
  },
  {
    name: "the asset list ignores the cursor",
    caughtBy: ["SYNC-ASSET-008"],
    broken: ignoreParam(assets, "GET", "cursor")
  },
  {
    name: "the generation list leaves out createdAt",
    caughtBy: ["SYNC-GEN-002"],
    broken: editAnswers(generationList, "GET", withoutField("createdAt"))
  },
  {
    name: "the generation list ignores ids",
    caughtBy: ["SYNC-GEN-003"],
    broken: ignoreParam(generationList, "GET", "ids")
  },
  {
    name: "the generation list ignores status",
    caughtBy: ["SYNC-GEN-003"],
    broken: ignoreParam(generationList, "GET", "status")
  },
  {
    name: "generation notifications leave out model",
    caughtBy: ["SYNC-GEN-001"],
    broken: editWebhooks(generations, withoutField("model"))
  },
  {
    name: "models leave out their version",
    caughtBy: ["SYNC-MODEL-001"],
    broken: editAnswers(/^\/sync\/v2\/models\/?$/, "GET", withoutField("version"))
  },
  {
    name: "a cost estimate leaves out estimatedGenerationCost",
    caughtBy: ["SYNC-COST-001"],
    broken: editAnswers(/^\/sync\/v2\/analyze\/cost$/, "POST", withoutField("estimatedGenerationCost"))
  },
  // Generations with files (multipart) and batches.
  {
    name: "a multipart generate is checked against the JSON schema (400 \"input: is missing\")",
    caughtBy: ["SYNC-FILES-001", "SYNC-FILES-002", "SYNC-FILES-003"],
    broken: onPath(generations, "POST", (request, forward) =>
      isMultipart(request) ? Promise.resolve(jsonError(400, "input: is missing")) : forward(request))
  },
  {
    name: "uploaded files' assets answer a wrong size",
    caughtBy: ["SYNC-FILES-002"],
    broken: mapResponses((request, response) =>
      request.method === "GET" && (asset.test(pathOf(request)) || assets.test(pathOf(request)))
        ? withJson(response, (json) => {
          const wrong = (a: unknown) => (isObject(a) && a["inputType"] === "UPLOAD" && typeof a["size"] === "number" ? { ...a, size: a["size"] + 1 } : a)
          return isObject(json) && Array.isArray(json["items"]) ? { ...json, items: json["items"].map(wrong) } : wrong(json)
        })
        : response
    )
  },
  {
    name: "a url input takes precedence over the uploaded file",
    caughtBy: ["SYNC-FILES-003"],
    broken: onPath(generations, "POST", async (request, forward) => {
      const response = await forward(request)
      if (!isMultipart(request)) return response
      const urls = formFields(request).filter(([name]) => name === "input").map(([, value]) => parse(value)).filter(isObject)
      return withJson(response, (json) => {
        if (!isObject(json) || !Array.isArray(json["input"])) return json
        const input = json["input"].map((item: unknown) => {
          const sent = isObject(item) ? urls.find((u) => u["type"] === item["type"]) : undefined
          return sent ?? item
        })
        return { ...json, input }
      })
    })
  },
  {
    name: "a file of 20 MB or more answers 400 instead of 413",
    caughtBy: ["SYNC-FILES-004"],
    broken: onPath(generations, "POST", async (request, forward) => {
      const response = await forward(request)
      return response.status === 413 ? jsonError(400, "bad request") : response
    })
  },
  {
    name: "a multipart generate refused with 422 creates its generation and assets anyway",
    caughtBy: ["SYNC-FILES-005"],
    broken: onPath(generations, "POST", async (request, forward) => {
      const response = await forward(request)
      if (response.status === 422 && isMultipart(request)) await forward(editForm(request, "projectId", () => undefined))
      return response
    })
  },
  {
    name: "a bad batch file answers 422 instead of 400",
    caughtBy: ["SYNC-BATCH-001"],
    broken: onPath(batchCreate, "POST", async (request, forward) => {
      const response = await forward(request)
      return response.status === 400 ? withJson({ ...response, status: 422 }, (json) => (isObject(json) ? { ...json, statusCode: 422 } : json)) : response
    })
  },
  {
    name: "a bad batch file's 400 does not say which line",
    caughtBy: ["SYNC-BATCH-002", "SYNC-BATCH-005"],
    broken: onPath(batchCreate, "POST", async (request, forward) => {
      const response = await forward(request)
      return response.status === 400
        ? withJson(response, (json) => (isObject(json) ? { ...json, message: String(json["message"]).replace(/\d+/g, "") } : json))
        : response
    })
  },
  {
    name: "a batch file above 5 MB answers 400 instead of 413",
    caughtBy: ["SYNC-BATCH-003"],
    broken: onPath(batchCreate, "POST", async (request, forward) => {
      const response = await forward(request)
      return response.status === 413 ? jsonError(400, "bad request") : response
    })
  },
  {
    name: "dry_run is ignored",
    caughtBy: ["SYNC-BATCH-004", "SYNC-BATCH-005"],
    broken: onPath(batchCreate, "POST", (request, forward) => forward(editForm(request, "dry_run", () => undefined)))
  },
  {
    name: "batch answers leave out created_at",
    caughtBy: ["SYNC-BATCH-006"],
    broken: editBatches(({ created_at: _, ...rest }) => rest)
  },
  {
    name: "a new batch counts no pending line",
    caughtBy: ["SYNC-BATCH-007"],
    broken: onPath(batchCreate, "POST", async (request, forward) =>
      withJson(await forward(request), (json) =>
        isObject(json) && isObject(json["metrics"]) ? { ...json, metrics: { ...json["metrics"], pending_count: 0 } } : json))
  },
  {
    name: "a batch's metrics do not add up",
    caughtBy: ["SYNC-BATCH-008"],
    broken: onPath(batchOne, "GET", async (request, forward) =>
      withJson(await forward(request), (json) =>
        isObject(json) && isObject(json["metrics"])
          ? { ...json, metrics: { ...json["metrics"], success_count: Number(json["metrics"]["success_count"]) + 1 } }
          : json))
  },
  {
    name: "a refused line fails the whole batch",
    caughtBy: ["SYNC-BATCH-009"],
    broken: editBatches((batch) =>
      isObject(batch["metrics"]) && Number(batch["metrics"]["failed_count"]) > 0 && batch["status"] === "COMPLETED"
        ? { ...batch, status: "FAILED" }
        : batch
    )
  },
  {
    name: "a batch's generations are not listed",
    caughtBy: ["SYNC-BATCH-010"],
    // The suite's batch lines carry `/line-<n>/` in their media URLs.
    broken: editAnswers(generationList, "GET", (json) => (Array.isArray(json) ? json.filter((g) => !JSON.stringify(g).includes("/line-")) : json))
  },
  {
    name: "the results file leaves out a line",
    caughtBy: ["SYNC-BATCH-011"],
    // The batch's outputUrl is pointed at the proxy, which answers the results without their last line.
    broken: async (request, forward) => {
      const path = pathOf(request)
      const response = await forward(request)
      if (request.method === "GET" && batchResult.test(path)) {
        const rows = response.body.split("\n").filter((row) => row.trim() !== "")
        return { ...response, body: rows.slice(0, -1).join("\n") + "\n" }
      }
      if (!batchRoutes.test(path)) return response
      return withJson(response, (json) => {
        const proxied = (b: unknown) =>
          isObject(b) && typeof b["outputUrl"] === "string" && b["outputUrl"] !== ""
            ? { ...b, outputUrl: `http://${request.headers["host"]}${new URL(b["outputUrl"]).pathname}` }
            : b
        return Array.isArray(json) ? json.map(proxied) : proxied(json)
      })
    }
  },
  {
    name: "batch webhooks leave out successCount",
    caughtBy: ["SYNC-BATCH-012"],
    broken: editBatchWebhooks(({ body, headers }) => ({
      headers,
      body: JSON.stringify(withoutMetric(parse(body), "successCount"))
    }))
  },
  {
    name: "a batch webhook's signature does not match its body",
    caughtBy: ["SYNC-BATCH-013"],
    broken: editBatchWebhooks(({ body, headers }) => ({ headers, body: body.replace(/}\s*$/, ",\"tampered\":true}") }))
  },
  {
    name: "the batch list is oldest first",
    caughtBy: ["SYNC-BATCH-014"],
    broken: editAnswers(batchCreate, "GET", (json) => (Array.isArray(json) ? [...json].reverse() : json))
  },
  {
    name: "the batch list ignores status",
    caughtBy: ["SYNC-BATCH-015", "SYNC-BATCH-016"],
    broken: ignoreParam(batchCreate, "GET", "status")
  },
  {
    name: "the batch list ignores created_after",
    caughtBy: ["SYNC-BATCH-015"],
    broken: ignoreParam(batchCreate, "GET", "created_after")
  },
  {
    name: "a batch streamed without a Content-Length is taken as malformed (400)",
    caughtBy: ["SYNC-BATCH-018"],
    // What the platform's parser reported before: a limit reached mid-file read as a broken form.
    broken: onPath(batchCreate, "POST", (request, forward) =>
      request.headers["content-length"] === undefined && request.headers["transfer-encoding"] !== undefined
        ? Promise.resolve(jsonError(400, "The multipart/form-data body is malformed"))
        : forward(request))
  },
  {
    name: "batches are not isolated",
    caughtBy: ["SYNC-BATCH-017"],
    // Every key is read as the first key this proxy saw, on the batch routes.
    broken: (() => {
      let first: string | undefined
      return (request, forward) => {
        const key = request.headers["x-api-key"]
        if (key === undefined || !batchRoutes.test(pathOf(request))) return forward(request)
        first ??= key
        return forward({ ...request, headers: { ...request.headers, "x-api-key": first } })
      }
    })()
  }
])

/** A webhook body without one of its metrics. */
const withoutMetric = (json: unknown, metric: string): unknown => {
  if (!isObject(json) || !isObject(json["metrics"])) return json
  const { [metric]: _, ...metrics } = json["metrics"]
  return { ...json, metrics }
}
