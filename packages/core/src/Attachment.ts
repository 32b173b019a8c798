/**
 * The rules for resources filed under a project (sync.so generations and assets, Indream exports):
 * - a missing or null project reference is always fine: the resource is simply not grouped;
 * - a reference to an unknown project, or to a project of another tenant, is rejected with
 *   `InvalidReference` (422 in every dialect) and nothing is created — the two cases answer alike,
 *   so a caller learns nothing about other tenants' ids;
 * - deleting a project detaches what was filed under it and deletes none of it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InvalidReference } from "./ProjectsError.js"

/** A project reference as a request carries it: absent, null, or an id. */
export type ProjectReference = string | null | undefined

/** Who owns a project: its tenant, or none when no such project exists. */
export type OwnerOf<E, R> = (projectId: string) => Effect.Effect<Option.Option<string>, E, R>

/**
 * The project id to file a resource under for `tenant`: null when the reference is absent or null,
 * the id when it names one of the tenant's projects, `InvalidReference` otherwise.
 */
export const resolve = <E, R>(options: {
  readonly tenant: string
  readonly reference: ProjectReference
  readonly ownerOf: OwnerOf<E, R>
  /** The request field that carried the reference, for the error; "projectId" by default. */
  readonly field?: string
}): Effect.Effect<string | null, InvalidReference | E, R> => {
  const { reference } = options
  if (reference === undefined || reference === null) return Effect.succeed(null)
  return Effect.flatMap(options.ownerOf(reference), (owner) =>
    Option.contains(owner, options.tenant)
      ? Effect.succeed(reference)
      : Effect.fail(new InvalidReference({ field: options.field ?? "projectId", id: reference })))
}

/**
 * Creates a resource filed under the reference, only once the reference resolved: a rejected
 * reference creates nothing. (A store must still check the project inside the same transaction as
 * the insert, so a concurrent delete cannot slip between the two.)
 */
export const createFiled = <A, E, R, E2, R2>(options: {
  readonly tenant: string
  readonly reference: ProjectReference
  readonly ownerOf: OwnerOf<E, R>
  readonly field?: string
  readonly create: (projectId: string | null) => Effect.Effect<A, E2, R2>
}): Effect.Effect<A, InvalidReference | E | E2, R | R2> => Effect.flatMap(resolve(options), options.create)

/** A resource as deleting `projectId` leaves it: detached if it was filed there, otherwise unchanged. */
export const detach = <A extends { readonly projectId: string | null }>(resource: A, projectId: string): A =>
  resource.projectId === projectId ? { ...resource, projectId: null } : resource
