/**
 * A Sanity project's roles: the set every project has on the plans the server emulates, with the
 * titles and descriptions the real API gives them, and whom each may be given to (people,
 * robots, or both). `GET /projects/{id}/roles`, the Access API's role list, token and invitation
 * checks all read this one list.
 *
 * Sources: REC (the recorded token list: `developer`, "Developer", and its description); the issue's
 * quote of the real `deploy-studio` role; Sanity's roles reference as third parties quote it
 * (administrator); INF for the other descriptions, in the same style.
 */
import type { SanityApi } from "@projectkit/sanity"

export interface Role {
  readonly name: SanityApi.RoleName
  readonly title: string
  readonly description: string
  readonly appliesToUsers: boolean
  readonly appliesToRobots: boolean
}

export const roles: ReadonlyArray<Role> = [
  {
    name: "administrator",
    title: "Administrator",
    description: "Read and write access to all datasets, with full access to all project settings.",
    appliesToUsers: true,
    appliesToRobots: true
  },
  {
    name: "developer",
    title: "Developer",
    description: "Read and write access to all datasets, with access to project settings for developers. (Tokens: read+write)",
    appliesToUsers: true,
    appliesToRobots: true
  },
  {
    name: "editor",
    title: "Editor",
    description: "Read and write access to all datasets.",
    appliesToUsers: true,
    appliesToRobots: true
  },
  {
    name: "contributor",
    title: "Contributor",
    description: "Read and write access to draft content within all datasets.",
    appliesToUsers: true,
    // INF: tokens with it have always been accepted here (3P lists it among token roles).
    appliesToRobots: true
  },
  {
    name: "viewer",
    title: "Viewer",
    description: "Read access to all datasets.",
    appliesToUsers: true,
    appliesToRobots: true
  },
  {
    name: "deploy-studio",
    title: "Deploy Studio (Token only)",
    description: "Access to deploy Sanity Studio and GraphQL APIs to our hosted service.",
    appliesToUsers: false,
    appliesToRobots: true
  }
]

export const find = (name: string): Role | undefined => roles.find((role) => role.name === name)

/** The role as the project's role list shows it. */
export const wire = (role: Role, projectId: string): SanityApi.ProjectRole => ({
  name: role.name,
  title: role.title,
  description: role.description,
  isCustom: false,
  projectId,
  appliesToUsers: role.appliesToUsers,
  appliesToRobots: role.appliesToRobots
})
