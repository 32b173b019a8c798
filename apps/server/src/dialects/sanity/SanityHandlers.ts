/**
 * The Sanity dialect: bearer-token authentication and the handlers of every endpoint of
 * `SanityApi`, over `SanityStore`. Errors leave in Sanity's own `{statusCode, error, message}`.
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { SqlError } from "@effect/sql/SqlError"
import { SanityApi } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as crypto from "node:crypto"
import { ServerApi } from "../../ServerApi.js"
import * as SanityLifecycle from "./SanityLifecycle.js"
import * as SanityStore from "./SanityStore.js"
import type { Refusal, Who } from "./SanityStore.js"
import * as SanityWire from "./SanityWire.js"

/** REC-equivalent (issue sanity-io/sanity#2985): the body of a 401. */
const unauthorized = () =>
  new SanityApi.Unauthorized({
    statusCode: 401,
    error: "Unauthorized",
    message: "Session not found",
    errorCode: "SIO-401-ANF"
  })

export const SanityAuthLive = Layer.effect(
  SanityApi.SanityAuth,
  Effect.map(SanityStore.SanityStore, (store) =>
    SanityApi.SanityAuth.of({
      bearer: (token) => {
        const secret = Redacted.value(token)
        if (secret === "") return Effect.fail(unauthorized())
        return store.authenticate(secret).pipe(
          Effect.orDie,
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(unauthorized()),
            onSome: (who) =>
              Effect.succeed({
                organizationId: who.orgId,
                userId: who.userId,
                role: who.role,
                projectId: who.projectId,
                isRobot: who.isRobot,
                label: who.label
              })
          }))
        )
      }
    }))
)

const caller: Effect.Effect<Who, never, SanityApi.SanityPrincipal> = Effect.map(SanityApi.SanityPrincipal, (p) => ({
  orgId: p.organizationId,
  userId: p.userId,
  role: p.role,
  projectId: p.projectId,
  isRobot: p.isRobot,
  ...(p.label === undefined ? {} : { label: p.label })
}))

/** A storage failure is the server's fault: logged, and answered 500 in Sanity's format. */
const internal = (error: SqlError) =>
  Effect.zipRight(
    Effect.logError("Sanity storage failure", error),
    Effect.fail(
      new SanityApi.InternalServerError({ statusCode: 500, error: "Internal Server Error", message: "An internal server error occurred" })
    )
  )

const refused = (refusal: Refusal) => {
  const body = { error: SanityApi.reasonPhrase(refusal.status), message: refusal.message }
  switch (refusal.status) {
    case 400:
      return Effect.fail(new SanityApi.BadRequest({ statusCode: 400, ...body }))
    case 403:
      return Effect.fail(new SanityApi.Forbidden({ statusCode: 403, ...body }))
    case 404:
      return Effect.fail(new SanityApi.NotFound({ statusCode: 404, ...body }))
    case 409:
      return Effect.fail(new SanityApi.Conflict({ statusCode: 409, ...body }))
  }
}

/** Runs `f` for the caller, answering refusals and storage failures in Sanity's format. */
const as = <A>(f: (who: Who) => Effect.Effect<A, Refusal | SqlError>) =>
  Effect.flatMap(caller, f).pipe(Effect.catchTags({ Refusal: refused, SqlError: internal }))

/**
 * The project a project-host request is about: `X-Sanity-Project-ID` (what @sanity/client sends
 * with `useProjectHostname: false`), else the first label of `{projectId}.api.sanity.io`.
 */
const hostProject = (headers: typeof SanityApi.ProjectHostHeaders.Type) =>
  Effect.suspend(() => {
    const header = headers["x-sanity-project-id"]?.trim()
    if (header !== undefined && header !== "") return Effect.succeed(header)
    const host = (headers.host ?? "").replace(/:\d+$/, "")
    const labels = host.split(".")
    const first = labels[0] ?? ""
    // An IP address or a bare host names no project; nor does the global host itself.
    if (labels.length > 1 && !/^\d+$/.test(first) && first !== "api" && /^[-a-z0-9]+$/i.test(first)) {
      return Effect.succeed(first.toLowerCase())
    }
    return Effect.fail(
      new SanityApi.BadRequest({
        statusCode: 400,
        error: "Bad Request",
        message: "No project: use the project hostname ({projectId}.api.sanity.io) or send X-Sanity-Project-ID"
      })
    )
  })

const deleted = { deleted: true } as const

export const ProjectsLive = CompiledApi.group(ServerApi, "sanityProjects", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) => {
    const full = (who: Who, row: SanityStore.ProjectRow) =>
      Effect.map(store.members(who, row.id), (members) => SanityWire.project(row, members, who))
    return handlers
      .handle("list", ({ urlParams }) =>
        as((who) =>
          Effect.gen(function*() {
            const rows = yield* store.listProjects(who, urlParams.organizationId)
            return yield* Effect.forEach(rows, (row) =>
              urlParams.includeMembers === "false"
                ? Effect.succeed(SanityWire.project(row, undefined, who, { includeFeatures: urlParams.includeFeatures !== "false" }))
                : Effect.map(store.members(who, row.id), (members) =>
                  SanityWire.project(row, members, who, { includeFeatures: urlParams.includeFeatures !== "false" })))
          })
        ))
      .handle("create", ({ payload }) => as((who) => Effect.flatMap(store.createProject(who, payload), (row) => full(who, row))))
      .handle("get", ({ path }) => as((who) => Effect.flatMap(store.project(who, path.projectId), (row) => full(who, row))))
      .handle("update", ({ path, payload }) =>
        as((who) => Effect.flatMap(store.updateProject(who, path.projectId, payload), (row) => full(who, row))))
      .handle("delete", ({ path }) => as((who) => Effect.as(store.deleteProject(who, path.projectId), deleted)))
  }))

export const CorsLive = CompiledApi.group(ServerApi, "sanityCors", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) => {
    const list = (projectId: string) => as((who) => Effect.map(store.listCors(who, projectId), (rows) => rows.map(SanityWire.cors)))
    const create = (projectId: string, payload: typeof SanityApi.CreateCorsRequest.Type) =>
      as((who) => Effect.map(store.createCors(who, projectId, payload), SanityWire.cors))
    const remove = (projectId: string, id: number) => as((who) => Effect.as(store.deleteCors(who, projectId, id), { id, deleted: true }))
    return handlers
      .handle("list", ({ path }) => list(path.projectId))
      .handle("create", ({ path, payload }) => create(path.projectId, payload))
      .handle("delete", ({ path }) => remove(path.projectId, path.id))
      .handle("listHere", ({ headers }) => Effect.flatMap(hostProject(headers), list))
      .handle("createHere", ({ headers, payload }) => Effect.flatMap(hostProject(headers), (id) => create(id, payload)))
      .handle("deleteHere", ({ headers, path }) => Effect.flatMap(hostProject(headers), (id) => remove(id, path.id)))
  }))

/** The dataset handlers by project id, shared by the global and the project-host forms. */
const datasetHandlers = (store: SanityStore.SanityStoreService) => ({
  list: (projectId: string) =>
    as((who) => Effect.map(store.listDatasets(who, projectId), (rows) => rows.map(({ row, tags }) => SanityWire.dataset(row, tags)))),
  get: (projectId: string, name: string) =>
    as((who) => Effect.map(store.getDataset(who, projectId, name), ({ row, tags }) => SanityWire.dataset(row, tags))),
  create: (projectId: string, name: string, payload: typeof SanityApi.CreateDatasetRequest.Type) =>
    as((who) => Effect.map(store.createDataset(who, projectId, name, payload ?? {}), SanityWire.datasetResponse)),
  update: (projectId: string, name: string, payload: typeof SanityApi.UpdateDatasetRequest.Type) =>
    as((who) => Effect.map(store.updateDataset(who, projectId, name, payload ?? {}), SanityWire.datasetResponse)),
  delete: (projectId: string, name: string) => as((who) => Effect.as(store.deleteDataset(who, projectId, name), deleted)),
  copy: (projectId: string, name: string, payload: typeof SanityApi.CopyRequest.Type) =>
    as((who) =>
      Effect.map(store.startCopy(who, projectId, name, payload), ({ jobId, source, target }) => ({
        datasetName: target,
        // DOC /copy-api's message.
        message: `Starting copying dataset ${source.name} to ${target}...`,
        aclMode: source.acl_mode as SanityApi.AclMode,
        jobId
      }))),
  getEmbeddings: (projectId: string, name: string) =>
    as((who) => Effect.map(store.dataset(who, projectId, name), SanityWire.embeddings)),
  setEmbeddings: (projectId: string, name: string, payload: typeof SanityApi.EmbeddingsRequest.Type) =>
    as((who) => Effect.map(store.setEmbeddings(who, projectId, name, payload), SanityWire.embeddings))
})

export const DatasetsLive = CompiledApi.group(ServerApi, "sanityDatasets", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) => {
    const d = datasetHandlers(store)
    // OFF CLI: offset 0 and limit 10 unless asked.
    const history = (projectId: string, name: string | undefined, params: typeof SanityApi.CopyJobsParams.Type) =>
      as((who) =>
        Effect.map(
          store.copyJobs(who, projectId, name, { offset: params.offset ?? 0, limit: params.limit ?? 10, states: params.state }),
          (rows) => rows.map(SanityWire.copyJob)
        ))
    return handlers
      .handle("list", ({ path }) => d.list(path.projectId))
      .handle("get", ({ path }) => d.get(path.projectId, path.name))
      .handle("create", ({ path, payload }) => d.create(path.projectId, path.name, payload))
      .handle("update", ({ path, payload }) => d.update(path.projectId, path.name, payload))
      .handle("delete", ({ path }) => d.delete(path.projectId, path.name))
      .handle("copy", ({ path, payload }) => d.copy(path.projectId, path.name, payload))
      .handle("copyJobs", ({ path, urlParams }) => history(path.projectId, path.name, urlParams))
      .handle("projectCopyJobs", ({ path, urlParams }) => history(path.projectId, undefined, urlParams))
      .handle("getEmbeddings", ({ path }) => d.getEmbeddings(path.projectId, path.name))
      .handle("setEmbeddings", ({ path, payload }) => d.setEmbeddings(path.projectId, path.name, payload))
  }))

export const ProjectHostDatasetsLive = CompiledApi.group(ServerApi, "sanityProjectHostDatasets", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) => {
    const d = datasetHandlers(store)
    return handlers
      .handle("list", ({ headers }) => Effect.flatMap(hostProject(headers), d.list))
      .handle("get", ({ headers, path }) => Effect.flatMap(hostProject(headers), (id) => d.get(id, path.name)))
      .handle("create", ({ headers, path, payload }) => Effect.flatMap(hostProject(headers), (id) => d.create(id, path.name, payload)))
      .handle("update", ({ headers, path, payload }) => Effect.flatMap(hostProject(headers), (id) => d.update(id, path.name, payload)))
      .handle("delete", ({ headers, path }) => Effect.flatMap(hostProject(headers), (id) => d.delete(id, path.name)))
      .handle("copy", ({ headers, path, payload }) => Effect.flatMap(hostProject(headers), (id) => d.copy(id, path.name, payload)))
      .handle("getEmbeddings", ({ headers, path }) => Effect.flatMap(hostProject(headers), (id) => d.getEmbeddings(id, path.name)))
      .handle("setEmbeddings", ({ headers, path, payload }) =>
        Effect.flatMap(hostProject(headers), (id) => d.setEmbeddings(id, path.name, payload)))
      .handle("features", ({ headers }) =>
        Effect.flatMap(hostProject(headers), (id) => as((who) => Effect.as(store.project(who, id), SanityWire.features))))
  }))

const ended: ReadonlySet<string> = new Set(["completed", "failed", "terminated"])

/** One server-sent event. */
const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export const JobsLive = (lifecycle: SanityLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "sanityJobs", (handlers) =>
    Effect.map(SanityStore.SanityStore, (store) =>
      handlers
        .handle("get", ({ path }) => as((who) => Effect.map(store.findJob(who, path.jobId), SanityWire.job)))
        .handle("listen", ({ path }) =>
          as((who) =>
            Effect.map(store.findJob(who, path.jobId), (first) => {
              // The job as the store has it, re-read on the worker's rhythm, each change once.
              const changes = Stream.concat(
                Stream.make(first),
                Stream.repeatEffectWithSchedule(store.findJob(who, path.jobId), Schedule.spaced(lifecycle.pollInterval))
              ).pipe(
                Stream.changesWith((a, b) => a.state === b.state),
                Stream.takeUntil((job) => ended.has(job.state))
              )
              const events = Stream.concat(
                Stream.make(sse("welcome", { listener_id: crypto.randomUUID() })),
                Stream.concat(
                  Stream.map(changes, (job) => sse("job", SanityWire.jobEvent(job))),
                  Stream.make(sse("done", { job_id: first.id }))
                ).pipe(
                  Stream.catchAll((error) =>
                    Stream.make(sse("channel_error", { message: error._tag === "Refusal" ? error.message : "Internal error" }))
                  )
                )
              )
              return HttpServerResponse.stream(Stream.encodeText(events), {
                contentType: "text/event-stream",
                headers: { "cache-control": "no-cache" }
              })
            })
          ))
    ))

export const AccessLive = CompiledApi.group(ServerApi, "sanityAccess", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) =>
    handlers
      .handle("features", ({ path }) => as((who) => Effect.as(store.project(who, path.projectId), SanityWire.features)))
      .handle("feature", ({ path }) =>
        as((who) => Effect.as(store.project(who, path.projectId), SanityWire.features.includes(path.feature))))
      .handle("permissions", ({ path }) =>
        as((who) => Effect.as(store.project(who, path.projectId), SanityStore.permissionsOf(who.role))))))

export const UsersLive = CompiledApi.group(ServerApi, "sanityUsers", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) =>
    handlers
      .handle("get", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            if (path.userId === "me") return SanityWire.currentUser(who)
            const ids = path.userId.split(",").map((id) => id.trim()).filter((id) => id !== "")
            const found = yield* Effect.forEach(ids, (id) => store.findUser(who, id))
            const users = found.flatMap((user) => Option.isSome(user) ? [SanityWire.user(user.value, who)] : [])
            // OFF: several ids answer a list of those that exist; one id answers the user or 404.
            if (ids.length > 1) return users
            const [user] = users
            if (user === undefined) return yield* Effect.fail(new SanityStore.Refusal({ status: 404, message: "User not found" }))
            return user
          })
        ))
      .handle("getInProject", ({ path }) =>
        as((who) =>
          Effect.map(store.projectUser(who, path.projectId, path.userId), (user) => SanityWire.user(user, who, path.projectId))
        ))))

export const TokensLive = CompiledApi.group(ServerApi, "sanityTokens", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) =>
    handlers
      .handle("list", ({ path }) => as((who) => Effect.map(store.listTokens(who, path.projectId), (rows) => rows.map(SanityWire.token))))
      .handle("create", ({ path, payload }) =>
        as((who) =>
          Effect.map(store.createToken(who, path.projectId, payload), ({ key, row }) => {
            const listed = SanityWire.token(row)
            return { id: row.id, key, roles: listed.roles, label: row.label, projectUserId: row.project_user_id }
          })
        ))
      .handle("delete", ({ path }) =>
        as((who) => Effect.as(store.deleteToken(who, path.projectId, path.tokenId), { id: path.tokenId, deleted: true })))))

export const TagsLive = CompiledApi.group(ServerApi, "sanityTags", (handlers) =>
  Effect.map(SanityStore.SanityStore, (store) =>
    handlers
      .handle("list", ({ path }) => as((who) => Effect.map(store.listTags(who, path.projectId), (rows) => rows.map(SanityWire.tag))))
      .handle("create", ({ path, payload }) => as((who) => Effect.map(store.createTag(who, path.projectId, payload), SanityWire.tag)))
      .handle("update", ({ path, payload }) =>
        as((who) => Effect.map(store.updateTag(who, path.projectId, path.tagIdentifier, payload), SanityWire.tag)))
      .handle("delete", ({ path }) => as((who) => Effect.as(store.deleteTag(who, path.projectId, path.tagIdentifier), deleted)))
      .handle("listForDataset", ({ path }) =>
        as((who) => Effect.map(store.datasetTags(who, path.projectId, path.datasetName), (rows) => rows.map(SanityWire.tag))))
      .handle("assign", ({ path }) =>
        as((who) => Effect.map(store.assignTag(who, path.projectId, path.datasetName, path.tagIdentifier), SanityWire.tag)))
      .handle("unassign", ({ path }) =>
        as((who) => Effect.as(store.unassignTag(who, path.projectId, path.datasetName, path.tagIdentifier), deleted)))))

/** The whole dialect: its handlers, authentication, storage and the background jobs. */
export const layer = (lifecycle: SanityLifecycle.LifecycleConfig = SanityLifecycle.defaultLifecycle) =>
  Layer.mergeAll(
    ProjectsLive,
    CorsLive,
    DatasetsLive,
    ProjectHostDatasetsLive,
    JobsLive(lifecycle),
    AccessLive,
    UsersLive,
    TokensLive,
    TagsLive,
    SanityLifecycle.layer(lifecycle)
  ).pipe(
    Layer.provide(SanityAuthLive),
    Layer.provide(SanityStore.layer(SanityLifecycle.durations(lifecycle)))
  )
