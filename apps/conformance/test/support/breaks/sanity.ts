/**
 * Broken Sanity behaviours, one each, and the checks that must catch them.
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
  withJson,
  withoutField
} from "../BreakingProxy.js"
import { dialect } from "../../../src/dialects/sanity/SanityDialect.js"

const v = "/sanity/v[^/]+"
const projects = new RegExp(`^${v}/projects/?$`)
const project = new RegExp(`^${v}/projects/([^/]+)$`)
const dataset = new RegExp(`^${v}/projects/([^/]+)/datasets/([^/]+)$`)
const tokens = new RegExp(`^${v}/projects/([^/]+)/tokens/?$`)
const tag = new RegExp(`^${v}/projects/([^/]+)/tags/([^/]+)$`)
const corsEntry = new RegExp(`^${v}/projects/([^/]+)/cors/([^/]+)$`)
const copyJobs = new RegExp(`^${v}/projects/([^/]+)/datasets/([^/]+)/copy$`)
const embeddings = new RegExp(`^${v}/projects/([^/]+)/datasets/([^/]+)/settings/embeddings$`)
const cors = new RegExp(`^${v}/projects/([^/]+)/cors/?$`)
const datasets = new RegExp(`^${v}/projects/([^/]+)/datasets/?$`)
const tags = new RegExp(`^${v}/projects/([^/]+)/tags/?$`)
const user = new RegExp(`^${v}/projects/([^/]+)/users/([^/]+)$`)
const users = new RegExp(`^${v}/users/([^/]+)$`)
const jobEvents = new RegExp(`^${v}/jobs/([^/]+)/listen$`)
const aliasUnlink = new RegExp(`^${v}/aliases/([^/]+)/unlink$`)
const aliasEntry = new RegExp(`^${v}/aliases/([^/]+)$`)
const robots = new RegExp(`^${v}/access/project/([^/]+)/robots/?$`)
const roles = new RegExp(`^${v}/projects/([^/]+)/roles/?$`)
const backupDetails = new RegExp(`^${v}/projects/([^/]+)/datasets/([^/]+)/backups/([^/]+)$`)

/** A request naming its project by X-Sanity-Project-ID. */
const namesProject = (request: ProxyRequest) => request.headers["x-sanity-project-id"] !== undefined

/** A request without X-Sanity-Project-ID. */
const withoutProjectHeader = (request: ProxyRequest): ProxyRequest => {
  const { "x-sanity-project-id": _, ...headers } = request.headers
  return { ...request, headers }
}

/** A request without Authorization. */
const withoutToken = (request: ProxyRequest): ProxyRequest => {
  const { authorization: _, ...headers } = request.headers
  return { ...request, headers }
}

const events = (...text: ReadonlyArray<string>) => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  body: text.join("")
})

/** Drops a field from a request's JSON body. */
const dropping = (field: string) => (body: Record<string, unknown>) => {
  const { [field]: _, ...rest } = body
  return rest
}

const json = (status: number, body: unknown) => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body)
})

const request = (from: ProxyRequest, method: string, url: string): ProxyRequest => ({ ...from, method, url, body: "" })

export const sanityBreaks = breaksOf(dialect, [
  {
    name: "aclMode defaults to private",
    caughtBy: ["SAN-DS-002"],
    broken: onPath(dataset, "PUT", (req, forward) => {
      const body = parse(req.body)
      return forward({
        ...req,
        headers: { ...req.headers, "content-type": "application/json" },
        body: JSON.stringify({ aclMode: "private", ...(isObject(body) ? body : {}) })
      })
    })
  },
  {
    name: "a project PATCH drops the metadata it was not sent",
    caughtBy: ["SAN-PROJ-004"],
    broken: onPath(project, "PATCH", (req, forward) => forward(editBody(req, (body) => ({ metadata: { color: null }, ...body }))))
  },
  {
    name: "a project without displayName is accepted",
    caughtBy: ["SAN-PROJ-006"],
    broken: onPath(projects, "POST", (req, forward) => forward(editBody(req, (body) => ({ displayName: "Untitled", ...body }))))
  },
  {
    name: "the project list leaves projects out",
    caughtBy: ["SAN-PROJ-003"],
    broken: onPath(projects, "GET", async (req, forward) => withJson(await forward(req), (body) => (Array.isArray(body) ? body.slice(1) : body)))
  },
  {
    name: "the token list reveals the keys",
    caughtBy: ["SAN-TOK-001"],
    broken: (() => {
      const keys = new Map<string, string>()
      return async (req, forward) => {
        const response = await forward(req)
        if (!tokens.test(pathOf(req))) return response
        if (req.method === "POST") {
          const body = parse(response.body)
          if (isObject(body) && typeof body["id"] === "string" && typeof body["key"] === "string") keys.set(body["id"], body["key"])
          return response
        }
        return withJson(response, (body) =>
          Array.isArray(body)
            ? body.map((t) => (isObject(t) && typeof t["id"] === "string" && keys.has(t["id"]) ? { ...t, key: keys.get(t["id"]) } : t))
            : body)
      }
    })()
  },
  {
    name: "a viewer token may manage the project",
    caughtBy: ["SAN-TOK-003"],
    // A token made through the proxy acts as the token that made it.
    broken: (() => {
      const makers = new Map<string, string>()
      return async (req, forward) => {
        const auth = req.headers["authorization"]
        const maker = auth === undefined ? undefined : makers.get(auth)
        const response = await forward(maker === undefined ? req : { ...req, headers: { ...req.headers, authorization: maker } })
        if (req.method === "POST" && tokens.test(pathOf(req)) && auth !== undefined) {
          const body = parse(response.body)
          if (isObject(body) && typeof body["key"] === "string") makers.set(`Bearer ${body["key"]}`, auth)
        }
        return response
      }
    })()
  },
  {
    name: "a tag assigned to datasets can be deleted",
    caughtBy: ["SAN-TAG-002"],
    broken: onPath(tag, "DELETE", async (req, forward) => {
      const first = await forward(req)
      if (first.status < 400) return first
      const match = tag.exec(pathOf(req))!
      const base = pathOf(req).replace(/\/tags\/[^/]+$/, "")
      const datasets = parse((await forward(request(req, "GET", `${base}/datasets`))).body)
      for (const d of Array.isArray(datasets) ? datasets : []) {
        if (isObject(d)) await forward(request(req, "DELETE", `${base}/datasets/${String(d["name"])}/tags/${match[2]}`))
      }
      return forward(req)
    })
  },
  {
    name: "deleting a CORS origin does nothing",
    caughtBy: ["SAN-CORS-002"],
    broken: onPath(corsEntry, "DELETE", (req) => {
      const match = corsEntry.exec(pathOf(req))!
      return Promise.resolve(json(200, { id: Number(match[2]), deleted: true }))
    })
  },
  {
    name: "embeddings settings lose the projection",
    caughtBy: ["SAN-EMB-001"],
    broken: onPath(embeddings, "PUT", (req, forward) =>
      forward(editBody(req, (body) => {
        const { projection: _, ...rest } = body
        return rest
      })))
  },
  {
    name: "copy jobs are listed oldest first",
    caughtBy: ["SAN-DS-008"],
    broken: onPath(copyJobs, "GET", async (req, forward) => withJson(await forward(req), (body) => (Array.isArray(body) ? [...body].reverse() : body)))
  },
  {
    name: "a missing token answers 403 instead of 401",
    caughtBy: ["SAN-AUTH-001"],
    broken: mapResponses((_, response) =>
      response.status === 401 ? json(403, { statusCode: 403, error: "Forbidden", message: "no" }) : response
    )
  },
  {
    name: "error bodies lose the error phrase",
    caughtBy: ["SAN-ERR-001"],
    broken: mapResponses((_, response) =>
      response.status >= 400
        ? withJson(response, (body) => (isObject(body) ? { statusCode: body["statusCode"], message: body["message"] } : body))
        : response
    )
  },
  // Every documented field, on every route that answers it; every documented request option.
  {
    name: "the create answer leaves out isBlocked",
    caughtBy: ["SAN-PROJ-001"],
    broken: editAnswers(projects, "POST", withoutField("isBlocked"))
  },
  {
    name: "a project read leaves out organizationId",
    caughtBy: ["SAN-PROJ-002"],
    broken: editAnswers(project, "GET", withoutField("organizationId"))
  },
  {
    name: "the project list leaves out members",
    caughtBy: ["SAN-PROJ-003"],
    broken: editAnswers(projects, "GET", withoutField("members"))
  },
  {
    name: "a PATCH answers without createdAt",
    caughtBy: ["SAN-PROJ-010"],
    broken: editAnswers(project, "PATCH", withoutField("createdAt"))
  },
  {
    name: "a PATCH ignores studioHost",
    caughtBy: ["SAN-PROJ-011"],
    broken: onPath(project, "PATCH", (req, forward) => forward(editBody(req, dropping("studioHost"))))
  },
  {
    name: "a PATCH ignores activityFeedEnabled",
    caughtBy: ["SAN-PROJ-012"],
    broken: onPath(project, "PATCH", (req, forward) => forward(editBody(req, dropping("activityFeedEnabled"))))
  },
  {
    name: "a PATCH ignores metadata.externalStudioHost",
    caughtBy: ["SAN-PROJ-013"],
    broken: onPath(project, "PATCH", (req, forward) =>
      forward(editBody(req, (body) => (isObject(body["metadata"]) ? { ...body, metadata: dropping("externalStudioHost")(body["metadata"]) } : body))))
  },
  {
    name: "the project list ignores includeMembers",
    caughtBy: ["SAN-PROJ-014"],
    broken: ignoreParam(projects, "GET", "includeMembers")
  },
  {
    name: "the CORS list leaves out createdAt",
    caughtBy: ["SAN-CORS-001"],
    broken: editAnswers(cors, "GET", withoutField("createdAt"))
  },
  {
    name: "adding a CORS origin answers without createdAt",
    caughtBy: ["SAN-CORS-004"],
    broken: editAnswers(cors, "POST", withoutField("createdAt"))
  },
  {
    name: "a dataset's aclMode at creation is ignored",
    caughtBy: ["SAN-DS-009"],
    broken: onPath(dataset, "PUT", (req, forward) => forward(editBody(req, dropping("aclMode"))))
  },
  {
    name: "the copy jobs ignore limit",
    caughtBy: ["SAN-DS-010"],
    broken: ignoreParam(copyJobs, "GET", "limit")
  },
  {
    name: "the copy jobs ignore offset",
    caughtBy: ["SAN-DS-011"],
    broken: ignoreParam(copyJobs, "GET", "offset")
  },
  {
    name: "the copy jobs ignore state",
    caughtBy: ["SAN-DS-012"],
    broken: ignoreParam(copyJobs, "GET", "state")
  },
  {
    name: "the copy jobs leave out sourceDataset",
    caughtBy: ["SAN-DS-013"],
    broken: editAnswers(copyJobs, "GET", withoutField("sourceDataset"))
  },
  {
    name: "the dataset list leaves out createdByUserId",
    caughtBy: ["SAN-DS-014"],
    broken: editAnswers(datasets, "GET", withoutField("createdByUserId"))
  },
  {
    name: "a dataset PATCH answers without datasetName",
    caughtBy: ["SAN-DS-015"],
    broken: editAnswers(dataset, "PATCH", withoutField("datasetName"))
  },
  {
    name: "the embeddings PUT answers without status",
    caughtBy: ["SAN-EMB-003"],
    broken: editAnswers(embeddings, "PUT", withoutField("status"))
  },
  {
    name: "a project user leaves out sanityUserId",
    caughtBy: ["SAN-USER-002"],
    broken: editAnswers(user, "GET", withoutField("sanityUserId"))
  },
  {
    name: "creating a token answers without projectUserId",
    caughtBy: ["SAN-TOK-004"],
    broken: editAnswers(tokens, "POST", withoutField("projectUserId"))
  },
  {
    name: "the token list leaves out createdAt",
    caughtBy: ["SAN-TOK-005"],
    broken: editAnswers(tokens, "GET", withoutField("createdAt"))
  },
  // Users of a project named by X-Sanity-Project-ID.
  {
    name: "with X-Sanity-Project-ID, /users/{id} answers without projectId",
    caughtBy: ["SAN-USER-003", "SAN-USER-004", "SAN-USER-005"],
    broken: onPath(users, "GET", async (req, forward) =>
      namesProject(req) ? withJson(await forward(req), withoutField("projectId")) : forward(req))
  },
  {
    name: "X-Sanity-Project-ID is ignored by /users/{id}",
    caughtBy: ["SAN-USER-003", "SAN-USER-004", "SAN-USER-005", "SAN-USER-006", "SAN-USER-007"],
    broken: onPath(users, "GET", (req, forward) => forward(withoutProjectHeader(req)))
  },
  {
    name: "with X-Sanity-Project-ID, /users/me is a 404",
    caughtBy: ["SAN-USER-003"],
    broken: onPath(users, "GET", (req, forward) =>
      namesProject(req) && users.exec(pathOf(req))![1] === "me"
        ? Promise.resolve(json(404, { statusCode: 404, error: "Not Found", message: "User not found" }))
        : forward(req))
  },
  {
    name: "with X-Sanity-Project-ID, several ids list the organization's users",
    caughtBy: ["SAN-USER-005"],
    // Looked up as on the global host, then labelled with the project named.
    broken: onPath(users, "GET", async (req, forward) => {
      const projectId = req.headers["x-sanity-project-id"]
      if (projectId === undefined || !users.exec(pathOf(req))![1]!.includes(",")) return forward(req)
      return withJson(await forward(withoutProjectHeader(req)), (body) =>
        Array.isArray(body) ? body.map((u) => (isObject(u) ? { ...u, projectId } : u)) : body)
    })
  },
  {
    name: "an unknown project named by X-Sanity-Project-ID is a 404 of another message",
    caughtBy: ["SAN-USER-006", "SAN-USER-007"],
    broken: onPath(users, "GET", async (req, forward) => {
      const response = await forward(req)
      return namesProject(req) && response.status === 404
        ? withJson(response, (body) => (isObject(body) ? { ...body, message: "Not found" } : body))
        : response
    })
  },
  // A copy job's event stream.
  {
    name: "a job's event stream requires a token",
    caughtBy: ["SAN-JOB-001", "SAN-JOB-002"],
    broken: onPath(jobEvents, "GET", (req, forward) =>
      req.headers["authorization"] === undefined
        ? Promise.resolve(json(401, { statusCode: 401, error: "Unauthorized", message: "Session not found" }))
        : forward(req))
  },
  {
    name: "a token sent to a job's event stream is ignored",
    caughtBy: ["SAN-JOB-003", "SAN-JOB-004"],
    broken: onPath(jobEvents, "GET", (req, forward) => forward(withoutToken(req)))
  },
  {
    name: "an unknown job's event stream opens, with a channel_error",
    caughtBy: ["SAN-JOB-002"],
    broken: onPath(jobEvents, "GET", async (req, forward) => {
      const response = await forward(req)
      return response.status === 404
        ? events("event: welcome\ndata: {\"listener_id\":\"x\"}\n\n", "event: channel_error\ndata: {\"message\":\"Job not found\"}\n\n")
        : response
    })
  },
  {
    name: "a job's event stream starts without its welcome event",
    caughtBy: ["SAN-JOB-001"],
    broken: onPath(jobEvents, "GET", async (req, forward) => {
      const response = await forward(req)
      return response.status === 200 ? events("event: job\ndata: {\"state\":\"pending\",\"progress\":0}\n\n") : response
    })
  },
  {
    name: "a job's event stream answers as JSON",
    caughtBy: ["SAN-JOB-001", "SAN-JOB-003"],
    broken: onPath(jobEvents, "GET", async (req, forward) => {
      const response = await forward(req)
      return response.status === 200 ? { ...response, headers: { ...response.headers, "content-type": "application/json" } } : response
    })
  },
  {
    name: "a tag's description is dropped",
    caughtBy: ["SAN-TAG-004"],
    broken: onPath(tags, "POST", (req, forward) => forward(editBody(req, dropping("description"))))
  },
  {
    name: "unlinking an alias answers no dataset",
    caughtBy: ["SAN-ALIAS-001"],
    broken: onPath(aliasUnlink, "PATCH", async (req, forward) =>
      withJson(await forward(req), (body) => (isObject(body) ? { ...body, datasetName: null } : body)))
  },
  {
    name: "a deleted alias stays (the delete is answered, not done)",
    caughtBy: ["SAN-ALIAS-001"],
    broken: onPath(aliasEntry, "DELETE", () => Promise.resolve(json(200, { deleted: true })))
  },
  {
    name: "a backup's details leave out how many files it has",
    caughtBy: ["SAN-BACKUP-001"],
    broken: onPath(backupDetails, "GET", async (req, forward) => withJson(await forward(req), withoutField("totalFiles")))
  },
  {
    // (A file's own URL names the server the proxy forwards to, so a break of the file itself goes unseen here.)
    name: "a backup's files are listed without their URLs",
    caughtBy: ["SAN-BACKUP-001"],
    broken: onPath(backupDetails, "GET", async (req, forward) =>
      withJson(await forward(req), (body) =>
        isObject(body) && Array.isArray(body["files"]) ? { ...body, files: body["files"].map(withoutField("url")) } : body))
  },
  {
    name: "the Access API lists robots as a bare list",
    caughtBy: ["SAN-ACCESS-001"],
    broken: onPath(robots, "GET", async (req, forward) =>
      withJson(await forward(req), (body) => (isObject(body) && Array.isArray(body["data"]) ? body["data"] : body)))
  },
  {
    name: "a created robot's answer leaves out its token",
    caughtBy: ["SAN-ACCESS-001"],
    broken: onPath(robots, "POST", async (req, forward) => withJson(await forward(req), withoutField("token")))
  },
  {
    name: "a project's roles leave out the viewer",
    caughtBy: ["SAN-ROLES-001"],
    broken: onPath(roles, "GET", async (req, forward) =>
      withJson(await forward(req), (body) => (Array.isArray(body) ? body.filter((r) => !(isObject(r) && r["name"] === "viewer")) : body)))
  }
])
