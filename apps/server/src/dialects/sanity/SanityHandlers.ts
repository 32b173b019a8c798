/**
 * The Sanity dialect: bearer-token authentication (through `Organizations`) and the handlers of
 * every endpoint of `SanityApi`. Each handler reads as the order of Sanity's refusals: the
 * project or dataset is found for the caller (404), the caller's role has the grant
 * (`SanityAccess`, 403), the input is acceptable (`SanityInput`, 400), then the stores write
 * (409 when taken). Every failure is a core error; `answer` turns it into Sanity's body by
 * `SanityErrors`.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { SanityApi, SanityErrors } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as crypto from "node:crypto"
import * as CompiledApi from "../../compiled/CompiledApi.js"
import * as Dialect from "../../Dialect.js"
import { Organizations } from "../../Organizations.js"
import { api as ServerApi } from "./SanityMounted.js"
import * as SanityAccess from "./SanityAccess.js"
import type { Who } from "./SanityAccess.js"
import * as SanityDatasetStore from "./SanityDatasetStore.js"
import * as SanityInput from "./SanityInput.js"
import * as SanityLifecycle from "./SanityLifecycle.js"
import * as SanityProjectStore from "./SanityProjectStore.js"
import * as SanityWire from "./SanityWire.js"

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/**
 * A personal token is an organization's credential (`Organizations`), its user holding a role in
 * every project of the organization; any other token may be a project token (a robot, confined to
 * its project). Both are resolved through `Organizations`' credential cache, which a deleted token
 * leaves at once (see `changingCredentials` below).
 */
export const SanityAuthLive = Layer.effect(
  SanityApi.SanityAuth,
  Effect.gen(function*() {
    const organizations = yield* Organizations
    const store = yield* SanityProjectStore.SanityProjectStore
    const authenticate = organizations.cachedLookup((secret) =>
      Effect.flatMap(
        organizations.authenticate("sanity", secret),
        Option.match({
          onNone: () => store.projectToken(secret),
          onSome: (caller) =>
            Effect.map(
              store.memberRole(caller.orgId, caller.userId),
              Option.map((role): Who => ({ orgId: caller.orgId, userId: caller.userId, role, projectId: null, isRobot: false }))
            )
        })
      )
    )
    const unauthorized = (reason: ProjectsError.Unauthorized["reason"]) =>
      Effect.fail(SanityErrors.table.fromCore(new ProjectsError.Unauthorized({ reason })))
    return SanityApi.SanityAuth.of({
      bearer: (token) => {
        const secret = Redacted.value(token)
        if (secret === "") return unauthorized("MissingCredentials")
        return authenticate(secret).pipe(
          Effect.orDie,
          Effect.flatMap(Option.match({
            onNone: () => unauthorized("InvalidCredentials"),
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
    })
  })
)

const whoOf = (p: SanityApi.SanityPrincipal["Type"]): Who => ({
  orgId: p.organizationId,
  userId: p.userId,
  role: p.role,
  projectId: p.projectId,
  isRobot: p.isRobot,
  ...(p.label === undefined ? {} : { label: p.label })
})

const caller: Effect.Effect<Who, never, SanityApi.SanityPrincipal> = Effect.map(SanityApi.SanityPrincipal, whoOf)

/** Core errors and storage failures, answered in Sanity's error body. */
const answer = Dialect.answer(SanityErrors.table)

/** `f` for the caller, answered in Sanity's terms. */
const as = <A, E, R>(f: (who: Who) => Effect.Effect<A, E, R>) => answer(Effect.flatMap(caller, f))

/** `f` for the caller and the project a project-host request names (a 400 when it names none). */
const here = <A, E, R>(
  headers: typeof SanityApi.ProjectHostHeaders.Type,
  f: (who: Who, projectId: string) => Effect.Effect<A, E, R>
) => as((who) => Effect.flatMap(SanityInput.hostProject(headers), (projectId) => f(who, projectId)))

const deleted = { deleted: true } as const

const stores = Effect.all({
  projects: SanityProjectStore.SanityProjectStore,
  datasets: SanityDatasetStore.SanityDatasetStore
})

// ---------------------------------------------------------------------------------------------
// Projects, CORS origins
// ---------------------------------------------------------------------------------------------

export const ProjectsLive = CompiledApi.group(ServerApi, "sanityProjects", (handlers) =>
  Effect.gen(function*() {
    const store = yield* SanityProjectStore.SanityProjectStore
    const organizations = yield* Organizations
    const withMembers = (who: Who, row: SanityProjectStore.ProjectRow, options?: { readonly includeFeatures?: boolean }) =>
      Effect.map(store.members(who, row.id), (members) => SanityWire.project(row, members, who, options))
    return handlers
      .handle("list", ({ urlParams }) =>
        as((who) =>
          Effect.flatMap(store.listProjects(who, urlParams.organizationId), (rows) => {
            const includeFeatures = urlParams.includeFeatures !== "false"
            return Effect.forEach(rows, (row) =>
              urlParams.includeMembers === "false"
                ? Effect.succeed(SanityWire.project(row, undefined, who, { includeFeatures }))
                : withMembers(who, row, { includeFeatures }))
          })
        ))
      .handle("create", ({ payload }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* SanityAccess.mayCreateProject(who, payload.organizationId)
            const row = yield* store.createProject(who, { displayName: payload.displayName.trim(), metadata: payload.metadata ?? {} })
            return yield* withMembers(who, row)
          })
        ))
      .handle("get", ({ path }) => as((who) => Effect.flatMap(store.project(who, path.projectId), (row) => withMembers(who, row))))
      .handle("update", ({ path, payload }) =>
        as((who) =>
          Effect.flatMap(
            store.updateProject(who, path.projectId, (current) =>
              Effect.zipRight(
                SanityAccess.requireGrant(who, "sanity.project/update"),
                SanityInput.projectChange(current, payload)
              )),
            (row) => withMembers(who, row)
          )
        ))
      .handle("delete", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* store.project(who, path.projectId)
            yield* SanityAccess.requireGrant(who, "sanity.project/delete")
            // The project's tokens go with it, so they must stop authenticating at once.
            yield* organizations.changingCredentials(store.deleteProject(path.projectId))
            return deleted
          })
        ))
  }))

export const CorsLive = CompiledApi.group(ServerApi, "sanityCors", (handlers) =>
  Effect.map(SanityProjectStore.SanityProjectStore, (store) => {
    const list = (who: Who, projectId: string) =>
      Effect.zipRight(store.project(who, projectId), Effect.map(store.listCors(projectId), (rows) => rows.map(SanityWire.cors)))
    const create = (who: Who, projectId: string, payload: typeof SanityApi.CreateCorsRequest.Type) =>
      Effect.gen(function*() {
        yield* store.project(who, projectId)
        yield* SanityAccess.requireGrant(who, "sanity.project.cors/create")
        const origin = yield* SanityInput.origin(payload.origin)
        return SanityWire.cors(yield* store.createCors(projectId, origin, payload.allowCredentials ?? false))
      })
    const remove = (who: Who, projectId: string, id: number) =>
      Effect.gen(function*() {
        yield* store.project(who, projectId)
        yield* SanityAccess.requireGrant(who, "sanity.project.cors/delete")
        yield* store.deleteCors(projectId, id)
        return { id, deleted: true }
      })
    return handlers
      .handle("list", ({ path }) => as((who) => list(who, path.projectId)))
      .handle("create", ({ path, payload }) => as((who) => create(who, path.projectId, payload)))
      .handle("delete", ({ path }) => as((who) => remove(who, path.projectId, path.id)))
      .handle("listHere", ({ headers }) => here(headers, list))
      .handle("createHere", ({ headers, payload }) => here(headers, (who, id) => create(who, id, payload)))
      .handle("deleteHere", ({ headers, path }) => here(headers, (who, id) => remove(who, id, path.id)))
  }))

// ---------------------------------------------------------------------------------------------
// Datasets, copy jobs, embeddings
// ---------------------------------------------------------------------------------------------

/** The dataset handlers by project id, shared by the global and the project-host forms. */
const datasetHandlers = (
  projects: SanityProjectStore.SanityProjectStoreService,
  datasets: SanityDatasetStore.SanityDatasetStoreService
) => {
  /** The dataset, its project found for the caller first. */
  const dataset = (who: Who, projectId: string, name: string) =>
    Effect.zipRight(projects.project(who, projectId), datasets.dataset(projectId, name))
  return {
    list: (who: Who, projectId: string) =>
      Effect.zipRight(
        projects.project(who, projectId),
        Effect.map(datasets.listDatasets(projectId), (rows) => rows.map(({ row, tags }) => SanityWire.dataset(row, tags)))
      ),
    get: (who: Who, projectId: string, name: string) =>
      Effect.zipRight(
        projects.project(who, projectId),
        Effect.map(datasets.getDataset(projectId, name), ({ row, tags }) => SanityWire.dataset(row, tags))
      ),
    create: (who: Who, projectId: string, name: string, payload: typeof SanityApi.CreateDatasetRequest.Type) =>
      Effect.gen(function*() {
        const input = payload ?? {}
        yield* projects.project(who, projectId)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/create")
        yield* SanityInput.datasetName(name)
        yield* SanityInput.projection(input.embeddings?.projection)
        return SanityWire.datasetResponse(yield* datasets.createDataset(who, projectId, name, input))
      }),
    update: (who: Who, projectId: string, name: string, payload: typeof SanityApi.UpdateDatasetRequest.Type) =>
      Effect.gen(function*() {
        const current = yield* dataset(who, projectId, name)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
        return SanityWire.datasetResponse(yield* datasets.updateDataset(current, payload ?? {}))
      }),
    delete: (who: Who, projectId: string, name: string) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, name)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/delete")
        yield* datasets.deleteDataset(projectId, name)
        return deleted
      }),
    copy: (who: Who, projectId: string, name: string, payload: typeof SanityApi.CopyRequest.Type) =>
      Effect.gen(function*() {
        const source = yield* dataset(who, projectId, name)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/create")
        yield* SanityInput.datasetName(payload.targetDataset)
        const jobId = yield* datasets.startCopy(who, source, payload)
        return {
          datasetName: payload.targetDataset,
          // DOC /copy-api's message.
          message: `Starting copying dataset ${source.name} to ${payload.targetDataset}...`,
          aclMode: source.acl_mode as SanityApi.AclMode,
          jobId
        }
      }),
    /** Copy jobs of the dataset `name`, or (undefined) of the whole project; OFF CLI: offset 0 and limit 10 unless asked. */
    copyJobs: (who: Who, projectId: string, name: string | undefined, params: typeof SanityApi.CopyJobsParams.Type) =>
      Effect.zipRight(
        name === undefined ? Effect.asVoid(projects.project(who, projectId)) : Effect.asVoid(dataset(who, projectId, name)),
        Effect.map(
          datasets.copyJobs(projectId, name, { offset: params.offset ?? 0, limit: params.limit ?? 10, states: params.state }),
          (rows) => rows.map(SanityWire.copyJob)
        )
      ),
    getEmbeddings: (who: Who, projectId: string, name: string) => Effect.map(dataset(who, projectId, name), SanityWire.embeddings),
    setEmbeddings: (who: Who, projectId: string, name: string, payload: typeof SanityApi.EmbeddingsRequest.Type) =>
      Effect.gen(function*() {
        const current = yield* dataset(who, projectId, name)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
        yield* SanityInput.projection(payload.projection)
        return SanityWire.embeddings(yield* datasets.setEmbeddings(current, payload))
      })
  }
}

export const DatasetsLive = CompiledApi.group(ServerApi, "sanityDatasets", (handlers) =>
  Effect.map(stores, ({ datasets, projects }) => {
    const d = datasetHandlers(projects, datasets)
    return handlers
      .handle("list", ({ path }) => as((who) => d.list(who, path.projectId)))
      .handle("get", ({ path }) => as((who) => d.get(who, path.projectId, path.name)))
      .handle("create", ({ path, payload }) => as((who) => d.create(who, path.projectId, path.name, payload)))
      .handle("update", ({ path, payload }) => as((who) => d.update(who, path.projectId, path.name, payload)))
      .handle("delete", ({ path }) => as((who) => d.delete(who, path.projectId, path.name)))
      .handle("copy", ({ path, payload }) => as((who) => d.copy(who, path.projectId, path.name, payload)))
      .handle("copyJobs", ({ path, urlParams }) => as((who) => d.copyJobs(who, path.projectId, path.name, urlParams)))
      .handle("projectCopyJobs", ({ path, urlParams }) => as((who) => d.copyJobs(who, path.projectId, undefined, urlParams)))
      .handle("getEmbeddings", ({ path }) => as((who) => d.getEmbeddings(who, path.projectId, path.name)))
      .handle("setEmbeddings", ({ path, payload }) => as((who) => d.setEmbeddings(who, path.projectId, path.name, payload)))
  }))

export const ProjectHostDatasetsLive = CompiledApi.group(ServerApi, "sanityProjectHostDatasets", (handlers) =>
  Effect.map(stores, ({ datasets, projects }) => {
    const d = datasetHandlers(projects, datasets)
    return handlers
      .handle("list", ({ headers }) => here(headers, d.list))
      .handle("get", ({ headers, path }) => here(headers, (who, id) => d.get(who, id, path.name)))
      .handle("create", ({ headers, path, payload }) => here(headers, (who, id) => d.create(who, id, path.name, payload)))
      .handle("update", ({ headers, path, payload }) => here(headers, (who, id) => d.update(who, id, path.name, payload)))
      .handle("delete", ({ headers, path }) => here(headers, (who, id) => d.delete(who, id, path.name)))
      .handle("copy", ({ headers, path, payload }) => here(headers, (who, id) => d.copy(who, id, path.name, payload)))
      .handle("getEmbeddings", ({ headers, path }) => here(headers, (who, id) => d.getEmbeddings(who, id, path.name)))
      .handle("setEmbeddings", ({ headers, path, payload }) => here(headers, (who, id) => d.setEmbeddings(who, id, path.name, payload)))
      .handle("features", ({ headers }) => here(headers, (who, id) => Effect.as(projects.project(who, id), SanityWire.features)))
  }))

const ended: ReadonlySet<string> = new Set(["completed", "failed", "terminated"])

/** One server-sent event. */
const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export const JobsLive = CompiledApi.group(ServerApi, "sanityJobs", (handlers) =>
  Effect.map(SanityDatasetStore.SanityDatasetStore, (store) =>
    handlers.handle("get", ({ path }) => as((who) => Effect.map(store.job(who, path.jobId), SanityWire.job)))))

/**
 * A job's event stream, which the CLI opens with no token (see `SanityApi.JobEventsGroup`): the job
 * its id names then; with a token, which must be valid (401), the caller's job only.
 */
export const JobEventsLive = (lifecycle: SanityLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "sanityJobEvents", (handlers) =>
    Effect.map(Effect.all({ store: SanityDatasetStore.SanityDatasetStore, auth: SanityApi.SanityAuth }), ({ auth, store }) =>
      handlers
        .handle("listen", ({ headers, path }) =>
          answer(Effect.gen(function*() {
            const who = headers.authorization === undefined
              ? null
              // Read as the platform reads a bearer token for `SanityAuth`: what follows `Bearer `.
              : whoOf(yield* auth.bearer(Redacted.make(headers.authorization.slice("Bearer ".length))))
            return yield* Effect.map(store.job(who, path.jobId), (first) => {
              // The job as the store has it, re-read on the worker's rhythm, each change once.
              const changes = Stream.concat(
                Stream.make(first),
                Stream.repeatEffectWithSchedule(store.job(who, path.jobId), Schedule.spaced(lifecycle.pollInterval))
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
                    Stream.make(sse("channel_error", { message: error._tag === "NotFound" ? error.message : "Internal error" }))
                  )
                )
              )
              return HttpServerResponse.stream(Stream.encodeText(events), {
                contentType: "text/event-stream",
                headers: { "cache-control": "no-cache" }
              })
            })
          }))
        )
    ))

// ---------------------------------------------------------------------------------------------
// Features and permissions, users, tokens
// ---------------------------------------------------------------------------------------------

export const AccessLive = CompiledApi.group(ServerApi, "sanityAccess", (handlers) =>
  Effect.map(SanityProjectStore.SanityProjectStore, (store) =>
    handlers
      .handle("features", ({ path }) => as((who) => Effect.as(store.project(who, path.projectId), SanityWire.features)))
      .handle("feature", ({ path }) =>
        as((who) => Effect.as(store.project(who, path.projectId), SanityWire.features.includes(path.feature))))
      .handle("permissions", ({ path }) =>
        as((who) => Effect.as(store.project(who, path.projectId), SanityAccess.permissionsOf(who.role))))))

export const UsersLive = CompiledApi.group(ServerApi, "sanityUsers", (handlers) =>
  Effect.map(SanityProjectStore.SanityProjectStore, (store) =>
    handlers
      .handle("get", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            // On the project host the users are the project's (OFF `SanityUser` has its projectId);
            // the contract leaves the header undeclared (see `SanityApi.UsersGroup`).
            const projectId = SanityInput.namedProject((yield* HttpServerRequest.HttpServerRequest).headers)
            if (Option.isSome(projectId)) yield* store.project(who, projectId.value)
            if (path.userId === "me") return SanityWire.currentUser(who)
            const ids = path.userId.split(",").map((id) => id.trim()).filter((id) => id !== "")
            const found = yield* Effect.forEach(ids, (id) =>
              Option.match(projectId, {
                onNone: () => store.findUser(who, id),
                onSome: (project) =>
                  store.projectUser(who, project, id).pipe(
                    Effect.map(Option.some),
                    Effect.catchTag("NotFound", () => Effect.succeedNone)
                  )
              }))
            const users = found.flatMap((user) =>
              Option.isSome(user) ? [SanityWire.user(user.value, who, Option.getOrUndefined(projectId))] : []
            )
            // OFF: several ids answer a list of those that exist; one id answers the user or 404.
            if (ids.length > 1) return users
            const [user] = users
            if (user === undefined) {
              return yield* new ProjectsError.NotFound({ resource: "user", id: path.userId, description: "User not found" })
            }
            return user
          })
        ))
      .handle("getInProject", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* store.project(who, path.projectId)
            const user = yield* store.projectUser(who, path.projectId, path.userId)
            return SanityWire.user(user, who, path.projectId)
          })
        ))))

export const TokensLive = CompiledApi.group(ServerApi, "sanityTokens", (handlers) =>
  Effect.gen(function*() {
    const store = yield* SanityProjectStore.SanityProjectStore
    const organizations = yield* Organizations
    /** The project found for the caller, then the grant. */
    const managed = (who: Who, projectId: string, grant: string) =>
      Effect.zipRight(store.project(who, projectId), SanityAccess.requireGrant(who, grant))
    return handlers
      .handle("list", ({ path }) =>
        as((who) =>
          Effect.zipRight(
            managed(who, path.projectId, "sanity.project.tokens/read"),
            Effect.map(store.listTokens(path.projectId), (rows) => rows.map(SanityWire.token))
          )
        ))
      .handle("create", ({ path, payload }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* managed(who, path.projectId, "sanity.project.tokens/create")
            yield* SanityInput.robotRole(payload.roleName)
            const { key, row } = yield* store.createToken(who, path.projectId, payload)
            return { id: row.id, key, roles: SanityWire.token(row).roles, label: row.label, projectUserId: row.project_user_id }
          })
        ))
      .handle("delete", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* managed(who, path.projectId, "sanity.project.tokens/delete")
            // A deleted token must stop authenticating at once.
            yield* organizations.changingCredentials(store.deleteToken(path.projectId, path.tokenId))
            return { id: path.tokenId, deleted: true }
          })
        ))
  }))

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

export const TagsLive = CompiledApi.group(ServerApi, "sanityTags", (handlers) =>
  Effect.map(stores, ({ datasets, projects }) => {
    /** The dataset, then the tag, both found for the caller, then the grant to change assignments. */
    const assignment = (who: Who, projectId: string, datasetName: string, identifier: string) =>
      Effect.gen(function*() {
        yield* projects.project(who, projectId)
        yield* datasets.dataset(projectId, datasetName)
        const tag = yield* datasets.tag(projectId, identifier)
        yield* SanityAccess.requireGrant(who, "sanity.project.tags/update")
        return tag
      })
    return handlers
      .handle("list", ({ path }) =>
        as((who) =>
          Effect.zipRight(
            projects.project(who, path.projectId),
            Effect.map(datasets.listTags(path.projectId), (rows) => rows.map(SanityWire.tag))
          )
        ))
      .handle("create", ({ path, payload }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* projects.project(who, path.projectId)
            yield* SanityAccess.requireGrant(who, "sanity.project.tags/create")
            yield* SanityInput.tag(payload.name, payload.title)
            return SanityWire.tag(yield* datasets.createTag(path.projectId, payload))
          })
        ))
      .handle("update", ({ path, payload }) =>
        as((who) =>
          Effect.zipRight(
            projects.project(who, path.projectId),
            Effect.map(
              datasets.updateTag(
                path.projectId,
                path.tagIdentifier,
                payload,
                Effect.zipRight(
                  SanityAccess.requireGrant(who, "sanity.project.tags/update"),
                  SanityInput.tag(payload.name, payload.title)
                )
              ),
              SanityWire.tag
            )
          )
        ))
      .handle("delete", ({ path }) =>
        as((who) =>
          Effect.zipRight(
            projects.project(who, path.projectId),
            Effect.as(
              datasets.deleteTag(path.projectId, path.tagIdentifier, SanityAccess.requireGrant(who, "sanity.project.tags/delete")),
              deleted
            )
          )
        ))
      .handle("listForDataset", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* projects.project(who, path.projectId)
            yield* datasets.dataset(path.projectId, path.datasetName)
            return (yield* datasets.datasetTags(path.projectId, path.datasetName)).map(SanityWire.tag)
          })
        ))
      .handle("assign", ({ path }) =>
        as((who) =>
          Effect.flatMap(
            assignment(who, path.projectId, path.datasetName, path.tagIdentifier),
            (tag) => Effect.map(datasets.assignTag(tag, path.datasetName), SanityWire.tag)
          )
        ))
      .handle("unassign", ({ path }) =>
        as((who) =>
          Effect.flatMap(
            assignment(who, path.projectId, path.datasetName, path.tagIdentifier),
            (tag) => Effect.as(datasets.unassignTag(tag, path.datasetName), deleted)
          )
        ))
  }))

/** The whole dialect: its handlers, authentication, storage and the background jobs. */
export const layer = (lifecycle: SanityLifecycle.LifecycleConfig = SanityLifecycle.defaultLifecycle) =>
  Layer.mergeAll(
    ProjectsLive,
    CorsLive,
    DatasetsLive,
    ProjectHostDatasetsLive,
    JobsLive,
    JobEventsLive(lifecycle),
    AccessLive,
    UsersLive,
    TokensLive,
    TagsLive,
    SanityLifecycle.layer(lifecycle)
  ).pipe(
    Layer.provide(SanityAuthLive),
    Layer.provide(
      Layer.merge(SanityProjectStore.layer, SanityDatasetStore.layer(SanityLifecycle.durations(lifecycle)))
    )
  )
