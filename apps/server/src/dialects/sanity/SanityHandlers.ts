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
import * as Clock from "effect/Clock"
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
import * as PublicUrl from "../../PublicUrl.js"
import { api as ServerApi, prefix } from "./SanityMounted.js"
import * as SanityAccess from "./SanityAccess.js"
import type { Who } from "./SanityAccess.js"
import * as SanityAliases from "./SanityAliases.js"
import * as SanityDatasetStore from "./SanityDatasetStore.js"
import * as SanityHookDeliveries from "./SanityHookDeliveries.js"
import * as SanityHooks from "./SanityHooks.js"
import * as SanityInput from "./SanityInput.js"
import * as SanityInvitations from "./SanityInvitations.js"
import * as SanityLifecycle from "./SanityLifecycle.js"
import * as SanityPlan from "./SanityPlan.js"
import * as SanityProjectStore from "./SanityProjectStore.js"
import * as SanityRoles from "./SanityRoles.js"
import * as SanitySchemas from "./SanitySchemas.js"
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

/**
 * What a management route asks first, with `projects` as the caller sees them: the project found
 * for the caller (404 otherwise), then the caller's grant for the action (403 otherwise).
 */
const managedBy = (projects: SanityProjectStore.SanityProjectStoreService) => (who: Who, projectId: string, grant: string) =>
  Effect.zipRight(projects.project(who, projectId), SanityAccess.requireGrant(who, grant))

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
          Effect.flatMap((found) =>
            Effect.map(Clock.currentTimeMillis, (now) =>
              // An expired robot is no credential any more (the cached answer still knows when it expires).
              Option.filter(found, (who) => who.expiresAt === undefined || who.expiresAt === null || who.expiresAt > now)
            )
          ),
          Effect.flatMap(Option.match({
            onNone: () => unauthorized("InvalidCredentials"),
            onSome: (who) =>
              Effect.succeed({
                organizationId: who.orgId,
                userId: who.userId,
                role: who.role,
                projectId: who.projectId,
                isRobot: who.isRobot,
                label: who.label,
                tokenId: who.tokenId
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
  ...(p.label === undefined ? {} : { label: p.label }),
  ...(p.tokenId === undefined ? {} : { tokenId: p.tokenId })
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
  datasets: SanityDatasetStore.SanityDatasetStore,
  plan: SanityPlan.SanityPlan
})

// ---------------------------------------------------------------------------------------------
// Projects, CORS origins
// ---------------------------------------------------------------------------------------------

export const ProjectsLive = CompiledApi.group(ServerApi, "sanityProjects", (handlers) =>
  Effect.gen(function*() {
    const store = yield* SanityProjectStore.SanityProjectStore
    const organizations = yield* Organizations
    const plan = yield* SanityPlan.SanityPlan
    /** The project with its members, and its plan's features unless `includeFeatures` is false. */
    const withMembers = (who: Who, row: SanityProjectStore.ProjectRow, includeFeatures = true) =>
      Effect.map(
        Effect.all([store.members(who, row.id), includeFeatures ? plan.enabled(row.org_id) : Effect.succeed(undefined)]),
        ([members, features]) => SanityWire.project(row, members, who, features)
      )
    return handlers
      .handle("list", ({ urlParams }) =>
        as((who) =>
          Effect.flatMap(store.listProjects(who, urlParams.organizationId), (rows) => {
            const includeFeatures = urlParams.includeFeatures !== "false"
            return Effect.flatMap(includeFeatures ? plan.enabled(who.orgId) : Effect.succeed(undefined), (features) =>
              Effect.forEach(rows, (row) =>
                urlParams.includeMembers === "false"
                  ? Effect.succeed(SanityWire.project(row, undefined, who, features))
                  : withMembers(who, row, includeFeatures)))
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
  datasets: SanityDatasetStore.SanityDatasetStoreService,
  plan: SanityPlan.SanityPlanService
) => {
  /** A private dataset needs the plan's `privateDataset` (OFF CLI: it offers private only with it). */
  const aclModeAllowed = (who: Who, aclMode: SanityApi.AclMode | undefined) =>
    aclMode === "private" ? plan.require(who.orgId, "privateDataset", "create private datasets") : Effect.void
  /** Embeddings need the plan's `embeddingsIndexApi` (INF: REC names it; the plan gates the index's API). */
  const embeddingsAllowed = (who: Who, enabled: boolean | undefined) =>
    enabled === true ? plan.require(who.orgId, "embeddingsIndexApi", "enable dataset embeddings") : Effect.void
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
        yield* aclModeAllowed(who, input.aclMode)
        yield* embeddingsAllowed(who, input.embeddings?.enabled)
        return SanityWire.datasetResponse(yield* datasets.createDataset(who, projectId, name, input))
      }),
    update: (who: Who, projectId: string, name: string, payload: typeof SanityApi.UpdateDatasetRequest.Type) =>
      Effect.gen(function*() {
        const current = yield* dataset(who, projectId, name)
        yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
        // Only a change to private needs the plan: a private dataset stays editable after a downgrade.
        if (payload?.aclMode !== current.acl_mode) yield* aclModeAllowed(who, payload?.aclMode)
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
        // INF: copying (Cloud Clone) is an advanced dataset management feature of the plan.
        yield* plan.require(who.orgId, "advancedDatasetManagement", "copy datasets")
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
        yield* embeddingsAllowed(who, payload.enabled)
        return SanityWire.embeddings(yield* datasets.setEmbeddings(current, payload))
      })
  }
}

export const DatasetsLive = CompiledApi.group(ServerApi, "sanityDatasets", (handlers) =>
  Effect.map(stores, ({ datasets, plan, projects }) => {
    const d = datasetHandlers(projects, datasets, plan)
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
  Effect.map(stores, ({ datasets, plan, projects }) => {
    const d = datasetHandlers(projects, datasets, plan)
    return handlers
      .handle("list", ({ headers }) => here(headers, d.list))
      .handle("get", ({ headers, path }) => here(headers, (who, id) => d.get(who, id, path.name)))
      .handle("create", ({ headers, path, payload }) => here(headers, (who, id) => d.create(who, id, path.name, payload)))
      .handle("update", ({ headers, path, payload }) => here(headers, (who, id) => d.update(who, id, path.name, payload)))
      .handle("delete", ({ headers, path }) => here(headers, (who, id) => d.delete(who, id, path.name)))
      .handle("copy", ({ headers, path, payload }) => here(headers, (who, id) => d.copy(who, id, path.name, payload)))
      .handle("getEmbeddings", ({ headers, path }) => here(headers, (who, id) => d.getEmbeddings(who, id, path.name)))
      .handle("setEmbeddings", ({ headers, path, payload }) => here(headers, (who, id) => d.setEmbeddings(who, id, path.name, payload)))
      .handle("features", ({ headers }) => here(headers, (who, id) => Effect.zipRight(projects.project(who, id), plan.enabled(who.orgId))))
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
  Effect.map(stores, ({ plan, projects: store }) =>
    handlers
      .handle("features", ({ path }) => as((who) => Effect.zipRight(store.project(who, path.projectId), plan.enabled(who.orgId))))
      .handle("feature", ({ path }) =>
        as((who) =>
          Effect.zipRight(
            store.project(who, path.projectId),
            Effect.map(plan.enabled(who.orgId), (on) => on.some((feature) => feature === path.feature))
          )))
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
    const plan = yield* SanityPlan.SanityPlan
    const organizations = yield* Organizations
    const managed = managedBy(store)
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
            yield* plan.requireRole(who.orgId, payload.roleName)
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

// ---------------------------------------------------------------------------------------------
// Dataset aliases, the Access API, roles and invitations (issue 26: what the Sanity CLI manages)
// ---------------------------------------------------------------------------------------------

export const AliasesLive = CompiledApi.group(ServerApi, "sanityAliases", (handlers) =>
  Effect.map(
    Effect.all({ projects: SanityProjectStore.SanityProjectStore, aliases: SanityAliases.SanityAliasStore, plan: SanityPlan.SanityPlan }),
    ({ aliases, plan, projects }) => {
      const managed = managedBy(projects)
      /** OFF CLI: aliases are the plan's `advancedDatasetManagement` ("This project cannot create a dataset alias"). */
      const allowed = (who: Who, what: string) => plan.require(who.orgId, "advancedDatasetManagement", what)
      /** OFF CLI: an alias is named without its `~` prefix; one sent with it is the same alias. */
      const nameOf = (name: string) => name.startsWith("~") ? name.slice(1) : name
      return handlers
        .handle("list", ({ headers }) =>
          here(headers, (who, projectId) =>
            Effect.zipRight(projects.project(who, projectId), Effect.map(aliases.list(projectId), (rows) => rows.map(SanityWire.alias)))))
        .handle("create", ({ headers, path, payload }) =>
          here(headers, (who, projectId) =>
            Effect.gen(function*() {
              yield* managed(who, projectId, "sanity.project.datasets/create")
              const name = nameOf(path.name)
              yield* SanityInput.aliasName(name)
              yield* allowed(who, "create a dataset alias")
              return SanityWire.alias(yield* aliases.create(projectId, name, payload?.datasetName ?? null))
            })))
        .handle("link", ({ headers, path, payload }) =>
          here(headers, (who, projectId) =>
            Effect.gen(function*() {
              yield* managed(who, projectId, "sanity.project.datasets/update")
              const name = nameOf(path.name)
              yield* allowed(who, "link a dataset alias")
              yield* aliases.link(projectId, name, payload.datasetName)
              return { name, datasetName: payload.datasetName }
            })))
        .handle("unlink", ({ headers, path }) =>
          here(headers, (who, projectId) =>
            Effect.gen(function*() {
              yield* managed(who, projectId, "sanity.project.datasets/update")
              const name = nameOf(path.name)
              const current = yield* aliases.find(projectId, name)
              if (current.dataset_name === null) {
                return yield* ProjectsError.Validation.single([], `Dataset alias "${name}" is not linked to a dataset`)
              }
              // OFF CLI: the answer names the dataset the alias was linked to.
              const before = yield* aliases.link(projectId, name, null)
              return { name, datasetName: before.dataset_name }
            })))
        .handle("delete", ({ headers, path }) =>
          here(headers, (who, projectId) =>
            Effect.gen(function*() {
              yield* managed(who, projectId, "sanity.project.datasets/delete")
              yield* aliases.remove(projectId, nameOf(path.name))
              return deleted
            })))
    }
  ))

/** The Access API's pages: `limit` items after the one the cursor names (its id, base64url). */
const accessPage = <A extends { readonly id: string }, B>(
  items: ReadonlyArray<A>,
  params: typeof SanityApi.AccessPageParams.Type,
  wire: (item: A) => B
): Effect.Effect<{ readonly data: ReadonlyArray<B>; readonly nextCursor: string | null }, ProjectsError.Validation> =>
  Effect.suspend(() => {
    const limit = params.limit ?? 100
    let start = 0
    if (params.nextCursor !== undefined) {
      const after = Buffer.from(params.nextCursor, "base64url").toString("utf8")
      const index = items.findIndex((item) => item.id === after)
      if (index < 0) return ProjectsError.Validation.single(["nextCursor"], "Invalid cursor")
      start = index + 1
    }
    const page = items.slice(start, start + limit)
    const last = page[page.length - 1]
    const more = start + limit < items.length && last !== undefined
    return Effect.succeed({
      data: page.map(wire),
      nextCursor: more ? Buffer.from(last.id, "utf8").toString("base64url") : null
    })
  })

/** The project's roles its organization's plan offers (INF: the real list leaves out those the plan lacks). */
const offeredRoles = (plan: SanityPlan.SanityPlanService, orgId: string) =>
  Effect.map(plan.enabled(orgId), (on) => SanityRoles.roles.filter((role) => SanityPlan.offersRole(on, role.name)))

export const AccessApiLive = CompiledApi.group(ServerApi, "sanityAccessApi", (handlers) =>
  Effect.gen(function*() {
    const store = yield* SanityProjectStore.SanityProjectStore
    const plan = yield* SanityPlan.SanityPlan
    const organizations = yield* Organizations
    const managed = managedBy(store)
    return handlers
      .handle("robots", ({ path, urlParams }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* managed(who, path.projectId, "sanity.project.tokens/read")
            return yield* accessPage(yield* store.listTokens(path.projectId), urlParams, (row) => SanityWire.robot(row, path.projectId))
          })
        ))
      .handle("createRobot", ({ path, payload }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* managed(who, path.projectId, "sanity.project.tokens/create")
            const roleName = yield* SanityInput.robotMembership(path.projectId, payload.memberships)
            yield* plan.requireRole(who.orgId, roleName)
            const expiresAt = yield* SanityInput.expiry(payload.expiresAt, yield* Clock.currentTimeMillis)
            const label = payload.label.trim()
            if (label === "") return yield* ProjectsError.Validation.single(["label"], "A robot's label must not be blank")
            // `sendNotification` asks to e-mail the project's administrators: the emulator sends no e-mail.
            const { key, row } = yield* store.createToken(who, path.projectId, { label, roleName, expiresAt })
            return SanityWire.robot(row, path.projectId, key)
          })
        ))
      .handle("deleteRobot", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            yield* managed(who, path.projectId, "sanity.project.tokens/delete")
            // The same tokens as `/projects/{id}/tokens`: a deleted one stops authenticating at once.
            yield* organizations.changingCredentials(store.deleteToken(path.projectId, path.robotId))
            return deleted
          })
        ))
      .handle("rotate", () =>
        as((who) =>
          Effect.gen(function*() {
            // OFF CLI: a personal token is refused with 403 ("renewed by logging in again").
            if (!who.isRobot || who.projectId === null || who.tokenId === undefined) {
              return yield* new ProjectsError.Forbidden({
                reason: "Other",
                description: "Only robot tokens can be rotated"
              })
            }
            const { projectId, tokenId } = who
            const { key, row } = yield* organizations.changingCredentials(store.rotateToken(projectId, tokenId))
            return SanityWire.robot(row, projectId, key)
          })
        ))
      .handle("roles", ({ path, urlParams }) =>
        as((who) =>
          Effect.zipRight(
            store.project(who, path.projectId),
            Effect.flatMap(offeredRoles(plan, who.orgId), (roles) =>
              accessPage(
                roles.map((role) => ({ ...role, id: role.name })),
                urlParams,
                (role) => SanityRoles.wire(role, path.projectId)
              ))
          )
        ))
  }))

export const MembersLive = CompiledApi.group(ServerApi, "sanityMembers", (handlers) =>
  Effect.map(
    Effect.all({
      projects: SanityProjectStore.SanityProjectStore,
      invitations: SanityInvitations.SanityInvitationStore,
      plan: SanityPlan.SanityPlan
    }),
    ({ invitations, plan, projects }) =>
      handlers
        .handle("roles", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              projects.project(who, path.projectId),
              Effect.map(offeredRoles(plan, who.orgId), (roles) => roles.map((role) => SanityRoles.wire(role, path.projectId)))
            )
          ))
        .handle("invitations", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              projects.project(who, path.projectId),
              Effect.map(invitations.list(path.projectId), (rows) => rows.map(SanityWire.invitation))
            )
          ))
        .handle("invite", ({ path, payload }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* projects.project(who, path.projectId)
              yield* SanityAccess.requireGrant(who, "sanity.project.members/invite")
              const email = yield* SanityInput.email(payload.email)
              const role = yield* SanityInput.userRole(payload.role)
              yield* plan.requireRole(who.orgId, role.name)
              const row = yield* invitations.create(path.projectId, { email, role: role.name, invitedBy: who.userId })
              return SanityWire.invitation(row)
            })
          ))
  ))

export const OrganizationsLive = CompiledApi.group(ServerApi, "sanityOrganizations", (handlers) =>
  Effect.map(SanityProjectStore.SanityProjectStore, (store) =>
    handlers
      .handle("list", () =>
        as((who) =>
          Effect.map(store.organization(who), (found) =>
            Option.match(found, {
              onNone: () => [],
              onSome: (org) => [{ id: org.id, name: org.name, slug: null, createdAt: new Date(Number(org.created_at)).toISOString() }]
            }))
        ))
      .handle("grants", ({ path }) =>
        as((who) =>
          Effect.gen(function*() {
            // Another organization answers as an unknown one (OFF CLI: it then has no attach grant).
            if (path.organizationId !== who.orgId || who.isRobot) {
              return yield* new ProjectsError.NotFound({
                resource: "organization",
                id: path.organizationId,
                description: "Organization not found"
              })
            }
            const projectGrants = SanityAccess.manages(who.role) ? ["read", "create", "attach"] : ["read"]
            return { "sanity.organization.projects": [{ grants: projectGrants.map((name) => ({ name })) }] }
          })
        ))))

export const HooksLive = CompiledApi.group(ServerApi, "sanityHooks", (handlers) =>
  Effect.map(
    Effect.all({
      projects: SanityProjectStore.SanityProjectStore,
      hooks: SanityHooks.SanityHookStore,
      deliveries: SanityHookDeliveries.SanityHookDeliveries
    }),
    ({ deliveries, hooks, projects }) => {
      const managed = managedBy(projects)
      return handlers
        .handle("list", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              managed(who, path.projectId, "sanity.project.webhooks/read"),
              Effect.map(hooks.list(path.projectId), (rows) => rows.map(SanityWire.hook))
            )
          ))
        .handle("create", ({ path, payload }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* managed(who, path.projectId, "sanity.project.webhooks/create")
              yield* SanityInput.hookUrl(payload.url)
              return SanityWire.hook(yield* hooks.create(path.projectId, payload, who.userId))
            })
          ))
        .handle("get", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              managed(who, path.projectId, "sanity.project.webhooks/read"),
              Effect.map(hooks.find(path.projectId, path.hookId), SanityWire.hook)
            )
          ))
        .handle("update", ({ path, payload }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* managed(who, path.projectId, "sanity.project.webhooks/update")
              yield* hooks.find(path.projectId, path.hookId)
              if (payload["url"] !== undefined) yield* SanityInput.hookUrl(payload["url"])
              // The server's own fields are not the caller's to change.
              const { createdAt: _c, createdByUserId: _b, id: _i, projectId: _p, ...change } = payload
              return SanityWire.hook(yield* hooks.update(path.projectId, path.hookId, change))
            })
          ))
        .handle("delete", ({ path }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* managed(who, path.projectId, "sanity.project.webhooks/delete")
              yield* hooks.remove(path.projectId, path.hookId)
              return deleted
            })
          ))
        // Deliveries of fired webhooks (see SanityHookDeliveries: the control plane fires them), newest first.
        .handle("messages", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              Effect.zipRight(managed(who, path.projectId, "sanity.project.webhooks/read"), hooks.find(path.projectId, path.hookId)),
              Effect.map(deliveries.messages(path.projectId, path.hookId), (rows) => rows.map(SanityWire.hookMessage))
            )
          ))
        .handle("attempts", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              Effect.zipRight(managed(who, path.projectId, "sanity.project.webhooks/read"), hooks.find(path.projectId, path.hookId)),
              Effect.map(deliveries.attempts(path.projectId, path.hookId), (rows) => rows.map(SanityWire.hookAttempt))
            )
          ))
        .handle("attempt", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              managed(who, path.projectId, "sanity.project.webhooks/read"),
              Effect.map(deliveries.findAttempt(path.projectId, path.attemptId), SanityWire.hookAttempt)
            )
          ))
    }
  ))

export const DatasetSettingsLive = CompiledApi.group(ServerApi, "sanityDatasetSettings", (handlers) =>
  Effect.map(
    Effect.all({
      projects: SanityProjectStore.SanityProjectStore,
      datasets: SanityDatasetStore.SanityDatasetStore,
      schemas: SanitySchemas.SanitySchemaStore
    }),
    ({ datasets, projects, schemas }) => {
      /** The dataset, its project found for the caller first. */
      const dataset = (who: Who, projectId: string, name: string) =>
        Effect.zipRight(projects.project(who, projectId), datasets.dataset(projectId, name))
      return handlers
        .handle("deploySchemas", ({ path, payload }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* dataset(who, path.projectId, path.name)
              yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
              return { documentIds: yield* schemas.deploy(path.projectId, path.name, payload.schemas) }
            })
          ))
        .handle("schemas", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              dataset(who, path.projectId, path.name),
              Effect.map(schemas.list(path.projectId, path.name), (rows) => rows.map(SanityWire.storedSchema))
            )
          ))
        .handle("schema", ({ path }) =>
          as((who) =>
            Effect.zipRight(
              dataset(who, path.projectId, path.name),
              Effect.map(schemas.find(path.projectId, path.name, path.schemaId), (row) =>
                // The real API answers an unknown schema id with an empty list (issue 26, the Terraform provider).
                row === undefined ? [] : SanityWire.storedSchema(row))
            )
          ))
        .handle("deleteSchema", ({ path }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* dataset(who, path.projectId, path.name)
              yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
              yield* schemas.remove(path.projectId, path.name, path.schemaId)
              return deleted
            })
          ))
        // Backups taken when backups are turned on (see SanitySchemas), newest first.
        .handle("backups", ({ path, urlParams }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* dataset(who, path.projectId, path.name)
              const after = yield* instant("after", urlParams.after)
              const before = yield* instant("before", urlParams.before)
              const rows = yield* schemas.backups(path.projectId, path.name, {
                limit: Math.min(urlParams.limit ?? 30, 1_000),
                ...(after === undefined ? {} : { after }),
                ...(before === undefined ? {} : { before })
              })
              return { backups: rows.map(SanityWire.backup) }
            })
          ))
        .handle("backup", ({ path, urlParams }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* dataset(who, path.projectId, path.name)
              const row = yield* schemas.findBackup(path.projectId, path.name, path.backupId)
              const start = urlParams.nextCursor === undefined || urlParams.nextCursor === "" ? 0 : Number(urlParams.nextCursor)
              if (!Number.isInteger(start) || start < 0) {
                return yield* ProjectsError.Validation.single(["nextCursor"], "Invalid cursor")
              }
              const base = yield* Effect.map(PublicUrl.current, (server) => `${server}${prefix}`)
              return SanityWire.backupDetails(row, `${base}/${path.apiVersion}`, start, backupPageSize)
            })
          ))
        .handle("setBackups", ({ path, payload }) =>
          as((who) =>
            Effect.gen(function*() {
              yield* dataset(who, path.projectId, path.name)
              yield* SanityAccess.requireGrant(who, "sanity.project.datasets/update")
              return yield* schemas.setBackups(path.projectId, path.name, payload.enabled, (rows) => rows.map(SanityWire.storedSchema))
            })
          ))
    }
  ))

/** INF: how many files one page of a backup lists (the CLI follows `nextCursor`). */
const backupPageSize = 100

/** A date or time of a backup list's `after`/`before` (OFF CLI: `YYYY-MM-DD`), as epoch milliseconds. */
const instant = (name: string, value: string | undefined): Effect.Effect<number | undefined, ProjectsError.Validation> => {
  if (value === undefined) return Effect.succeed(undefined)
  const millis = Date.parse(value)
  return Number.isNaN(millis) ? ProjectsError.Validation.single([name], `Invalid ${name} date: ${value.slice(0, 40)}`) : Effect.succeed(millis)
}

/** A backup's files, by the key in their URLs and no token (see `SanityApi.BackupFilesGroup`). */
export const BackupFilesLive = CompiledApi.group(ServerApi, "sanityBackupFiles", (handlers) =>
  Effect.map(SanitySchemas.SanitySchemaStore, (schemas) =>
    handlers.handle("document", ({ path }) =>
      // No caller to answer for a storage failure: the server's own 500 (or 503 in an outage) renders it.
      answer(Effect.flatMap(Effect.catchTag(schemas.backupByKey(path.key), "SqlError", Effect.die), (row) => {
        const documents = JSON.parse(row.documents) as ReadonlyArray<Record<string, unknown>>
        const index = /^\d{1,9}$/.test(path.file) ? Number(path.file) : -1
        const document = documents[index]
        return document === undefined
          ? Effect.fail(new ProjectsError.NotFound({ resource: "backup file", id: path.file, description: "Backup file not found" }))
          : Effect.succeed(document)
      })))))

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
    AliasesLive,
    AccessApiLive,
    MembersLive,
    OrganizationsLive,
    HooksLive,
    DatasetSettingsLive,
    BackupFilesLive,
    SanityLifecycle.layer(lifecycle)
  ).pipe(
    Layer.provide(SanityAuthLive),
    Layer.provide(
      Layer.mergeAll(
        SanityProjectStore.layer,
        SanityDatasetStore.layer(SanityLifecycle.durations(lifecycle)),
        SanityAliases.layer,
        SanityInvitations.layer,
        SanityHooks.layer,
        SanitySchemas.layer,
        SanityPlan.layer,
        SanityHookDeliveries.layer(lifecycle.hookDeliveries)
      )
    )
  )
