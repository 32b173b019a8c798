/**
 * Who may do what in the Sanity dialect: the caller a bearer token stands for, the grants each
 * role has, and the refusals (`Forbidden`, with Sanity's own message) when a role lacks one.
 *
 * Confinement is part of who the caller is: a project token (a robot) is confined to its project,
 * so every store read scopes to `Who.projectId` when it is set, and another project answers
 * exactly as an unknown one.
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { SanityApi } from "@projectkit/sanity"
import * as Effect from "effect/Effect"

/** Who is calling, as the bearer token says. */
export interface Who {
  readonly orgId: string
  readonly userId: string
  readonly role: SanityApi.RoleName
  /** A project token is confined to its project; a personal token is not (null). */
  readonly projectId: string | null
  readonly isRobot: boolean
  /** A project token's label. */
  readonly label?: string
  /** A project token's id (what the Access API calls the robot's id). */
  readonly tokenId?: string
  /** When a project token stops working, in epoch milliseconds (null: never). */
  readonly expiresAt?: number | null
}

/** Read and write access to project settings: administrators and developers (DOC). */
export const manages = (role: SanityApi.RoleName) => role === "administrator" || role === "developer"

const readGrants = [
  "sanity.project/read",
  "sanity.project.cors/read",
  "sanity.project.datasets/read",
  "sanity.project.members/read",
  "sanity.project.roles/read",
  "sanity.project.tags/read"
]
const writeGrants = ["sanity.document/create", "sanity.document/update", "sanity.document/delete"]
const manageGrants = [
  "sanity.project/update",
  "sanity.project/delete",
  "sanity.project.cors/create",
  "sanity.project.cors/delete",
  "sanity.project.datasets/create",
  "sanity.project.datasets/update",
  "sanity.project.datasets/delete",
  "sanity.project.tags/create",
  "sanity.project.tags/update",
  "sanity.project.tags/delete",
  "sanity.project.tokens/read",
  "sanity.project.tokens/create",
  "sanity.project.tokens/delete",
  "sanity.project.members/invite",
  "sanity.project.webhooks/read",
  "sanity.project.webhooks/create",
  "sanity.project.webhooks/update",
  "sanity.project.webhooks/delete"
]

/** INF: the grant names follow the one 403 message seen (issue sanity-io/sanity#4504). */
export const permissionsOf = (role: SanityApi.RoleName): ReadonlyArray<string> =>
  manages(role)
    ? [...readGrants, ...writeGrants, ...manageGrants]
    : role === "editor" || role === "contributor"
    ? [...readGrants, ...writeGrants]
    : readGrants

/** The real message of a 403 (issue sanity-io/sanity#4504), typo included. */
const missingGrant = (grant: string) =>
  new ProjectsError.Forbidden({
    reason: "InsufficientRole",
    description: `User is missing one of the follow grants ${grant} to perform this operation`
  })

/** Managing a project (its settings, datasets, CORS origins, tags, tokens) needs `grant`, which managers have. */
export const requireGrant = (who: Who, grant: string): Effect.Effect<void, ProjectsError.Forbidden> =>
  manages(who.role) ? Effect.void : Effect.fail(missingGrant(grant))

/**
 * Creating a project: a manager's personal token only (a project token belongs to a project
 * already), in the caller's own organization; another organization's id is refused the same way,
 * so it tells nothing about that organization.
 */
export const mayCreateProject = (who: Who, organizationId: string | undefined): Effect.Effect<void, ProjectsError.Forbidden> =>
  !manages(who.role) || who.isRobot || (organizationId !== undefined && organizationId !== who.orgId)
    ? Effect.fail(missingGrant("sanity.organization.projects/create"))
    : Effect.void
