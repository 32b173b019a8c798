/**
 * The sync.so dialect: `x-api-key` authentication and the handlers of every endpoint of
 * `SyncApi`, over `SyncStore`. Errors leave in sync.so's own `{statusCode, message}` body.
 */
import * as CompiledApi from "../../compiled/CompiledApi.js"
import type { SqlError } from "@effect/sql/SqlError"
import type { InvalidReference, Validation } from "@projectkit/core/ProjectsError"
import { SyncApi } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { compact } from "../../internal/compact.js"
import type { Caller } from "../../Organizations.js"
import { Organizations } from "../../Organizations.js"
import { ServerApi } from "../../ServerApi.js"
import * as GenerationLifecycle from "./GenerationLifecycle.js"
import * as SyncCatalog from "./SyncCatalog.js"
import * as SyncStore from "./SyncStore.js"
import * as SyncWire from "./SyncWire.js"

/** INF: the documents give no default page size; 20, as most cursor APIs. */
const defaultLimit = 20

export const SyncAuthLive = Layer.effect(
  SyncApi.SyncAuth,
  Effect.map(Organizations, (organizations) =>
    SyncApi.SyncAuth.of({
      apiKey: (key) => {
        const secret = Redacted.value(key)
        if (secret === "") {
          return Effect.fail(new SyncApi.Unauthorized({ statusCode: 401, message: "Missing API key: send it in the x-api-key header" }))
        }
        return organizations.authenticate("sync", secret).pipe(
          Effect.orDie,
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new SyncApi.Unauthorized({ statusCode: 401, message: "Invalid API key" })),
            onSome: (caller) => Effect.succeed({ organizationId: caller.orgId, userId: caller.userId })
          }))
        )
      }
    }))
)

const caller: Effect.Effect<Caller, never, SyncApi.SyncPrincipal> = Effect.map(
  SyncApi.SyncPrincipal,
  (principal) => ({ orgId: principal.organizationId, userId: principal.userId })
)

/** A storage failure is the server's fault: logged, and answered 500 in sync.so's format. */
const internal = (error: SqlError) =>
  Effect.zipRight(
    Effect.logError("sync.so storage failure", error),
    Effect.fail(new SyncApi.InternalServerError({ statusCode: 500, message: "Internal server error" }))
  )

const badRequest = (error: Validation) => Effect.fail(new SyncApi.BadRequest({ statusCode: 400, message: error.message }))

const unprocessable = (error: InvalidReference) =>
  Effect.fail(
    new SyncApi.UnprocessableEntity({
      statusCode: 422,
      message: `projectId ${error.id} does not reference a project in your organization`
    })
  )

const notFound = (resource: string, id: string) =>
  Effect.fail(new SyncApi.NotFound({ statusCode: 404, message: `${resource} ${id} not found` }))

const found = <A>(resource: string, id: string) =>
  Effect.flatMap(Option.match({ onNone: () => notFound(resource, id), onSome: (row: A) => Effect.succeed(row) }))

export const ProjectsLive = CompiledApi.group(ServerApi, "syncProjects", (handlers) =>
  Effect.map(SyncStore.SyncStore, (store) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.flatMap(caller, (who) =>
          store.createProject(who, {
            name: payload.name.trim(),
            visibility: payload.visibility ?? "USER",
            mode: payload.mode ?? "CREATOR"
          })).pipe(Effect.map(SyncWire.project), Effect.catchTag("SqlError", internal)))
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(caller, (who) =>
          store.listProjects(who, { ...compact(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
            Effect.map((page) => ({
              items: page.items.map(SyncWire.project),
              ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor })
            })),
            Effect.catchTags({ SqlError: internal, Validation: badRequest })
          ))
      .handle("get", ({ path }) =>
        Effect.flatMap(caller, (who) => store.findProject(who, path.id)).pipe(
          found("Project", path.id),
          Effect.map(SyncWire.project),
          Effect.catchTag("SqlError", internal)
        ))
      .handle("update", ({ path, payload }) =>
        Effect.flatMap(caller, (who) => {
          const patch = compact({ ...payload, name: payload.name?.trim() })
          // A PATCH that sends no field changes nothing, not even updatedAt.
          return Object.keys(patch).length === 0 ? store.findProject(who, path.id) : store.updateProject(who, path.id, patch)
        }).pipe(found("Project", path.id), Effect.map(SyncWire.project), Effect.catchTag("SqlError", internal)))
      .handle("delete", ({ path }) =>
        Effect.flatMap(caller, (who) => store.deleteProject(who, path.id)).pipe(
          Effect.flatMap((deleted) => deleted ? Effect.void : notFound("Project", path.id)),
          Effect.catchTag("SqlError", internal)
        ))
  ))

export const GenerationsLive = (lifecycle: GenerationLifecycle.LifecycleConfig) =>
  CompiledApi.group(ServerApi, "syncGenerations", (handlers) =>
    Effect.map(SyncStore.SyncStore, (store) =>
      handlers
        .handle("create", ({ payload }) =>
          Effect.flatMap(caller, (who) => {
            const { model, projectId, webhookUrl, ...request } = payload
            return store.createGeneration(
              who,
              { model, request, webhookUrl: webhookUrl ?? null },
              projectId,
              GenerationLifecycle.startsAt(lifecycle)
            )
          }).pipe(
            Effect.map(SyncWire.generation),
            Effect.catchTags({ SqlError: internal, InvalidReference: unprocessable })
          ))
        .handle("get", ({ path }) =>
          Effect.flatMap(caller, (who) => store.findGeneration(who, path.id)).pipe(
            found("Generation", path.id),
            Effect.map(SyncWire.generation),
            Effect.catchTag("SqlError", internal)
          ))
        .handle("list", ({ urlParams }) =>
          Effect.flatMap(caller, (who) =>
            store.listGenerations(who, compact(urlParams))).pipe(Effect.map((rows) => rows.map(SyncWire.generation)), Effect.catchTag("SqlError", internal)))
        .handle("estimateCost", ({ payload }) =>
          Effect.gen(function*() {
            const who = yield* caller
            const assetId = SyncCatalog.videoInput(payload)?.assetId
            const asset = assetId === undefined ? Option.none() : yield* store.findAsset(who, assetId)
            const seconds = Option.getOrUndefined(Option.flatMapNullable(asset, (row) => row.duration_seconds))
            return [SyncCatalog.estimate(payload, seconds)]
          }).pipe(Effect.catchTag("SqlError", internal)))
    ))

export const AssetsLive = CompiledApi.group(ServerApi, "syncAssets", (handlers) =>
  Effect.map(SyncStore.SyncStore, (store) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.flatMap(caller, (who) =>
          store.createAsset(
            who,
            {
              type: payload.type,
              // INF: the seed's example asset is ORGANIZATION-wide; registered assets are too unless told.
              visibility: payload.visibility ?? "ORGANIZATION",
              name: payload.name ?? null,
              url: payload.url,
              size: payload.size ?? null,
              format: payload.format ?? null,
              // Registered by URL: the media stays where it is.
              input_type: "URL",
              duration_seconds: payload.durationSeconds ?? null,
              thumbnail_url: payload.thumbnailUrl ?? null,
              width: payload.width ?? null,
              height: payload.height ?? null
            },
            payload.projectId
          )).pipe(Effect.map(SyncWire.asset), Effect.catchTags({ SqlError: internal, InvalidReference: unprocessable })))
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(caller, (who) =>
          store.listAssets(who, { ...compact(urlParams), limit: urlParams.limit ?? defaultLimit })).pipe(
            Effect.map((page) => ({
              items: page.items.map(SyncWire.asset),
              totalCount: page.totalCount,
              ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor })
            })),
            Effect.catchTags({ SqlError: internal, Validation: badRequest })
          ))
      .handle("get", ({ path }) =>
        Effect.flatMap(caller, (who) => store.findAsset(who, path.id)).pipe(
          found("Asset", path.id),
          Effect.map(SyncWire.asset),
          Effect.catchTag("SqlError", internal)
        ))
  ))

export const ModelsLive = CompiledApi.group(
  ServerApi,
  "syncModels",
  (handlers) => handlers.handle("list", () => Effect.succeed(SyncCatalog.models))
)

/** The whole dialect: its handlers, authentication, storage and the generation worker. */
export const layer = (lifecycle: GenerationLifecycle.LifecycleConfig = GenerationLifecycle.defaultLifecycle) =>
  Layer.mergeAll(ProjectsLive, GenerationsLive(lifecycle), AssetsLive, ModelsLive, GenerationLifecycle.layer(lifecycle)).pipe(
    Layer.provide(SyncAuthLive),
    Layer.provide(SyncStore.layer)
  )
