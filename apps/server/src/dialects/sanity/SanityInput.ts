/**
 * What the Sanity dialect accepts beyond what the contract's schemas check: dataset and tag names,
 * CORS origins, embeddings projections, studio hosts, a project's metadata, token roles, and the
 * project a project-host request names. Each refusal is a `Validation` carrying Sanity's message,
 * answered as a 400 (see `SanityErrors`).
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { SanityApi } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Fallback from "../../Fallback.js"
import type { ProjectChange, ProjectRow } from "./SanityProjectStore.js"
import * as SanityRoles from "./SanityRoles.js"

const invalid = (message: string) => Effect.fail(ProjectsError.Validation.single([], message))

/**
 * A refused value as a message quotes it: cut as the fallback cuts the values it echoes
 * (`Fallback.cutEchoes`), so a 70,000-character name makes no 70,000-character error body.
 */
const quoted = (value: string) =>
  value.length <= Fallback.maxEchoedCharacters
    ? `"${value}"`
    : `"${value.slice(0, Fallback.maxEchoedCharacters)}…" (${value.length} characters)`

/**
 * DOC: 1–64 characters, only a-z, 0-9, `-` and `_`, beginning and ending with a lowercase letter
 * or a number.
 */
export const validDatasetName = (name: string) => /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/.test(name)

export const datasetName = (name: string): Effect.Effect<void, ProjectsError.Validation> =>
  validDatasetName(name)
    ? Effect.void
    : invalid(
      `Invalid dataset name ${quoted(name)}: names are 1-64 characters, only lowercase letters, numbers, ` +
        `underscores and dashes, and must begin and end with a lowercase letter or number`
    )

/**
 * A dataset alias's name (without its `~`): OFF CLI `validateDatasetAliasName` follows the dataset
 * naming rule; INF the server's rule is the dataset rule.
 */
export const aliasName = (name: string): Effect.Effect<void, ProjectsError.Validation> =>
  validDatasetName(name)
    ? Effect.void
    : invalid(
      `Invalid alias name ${quoted(name)}: names are 1-64 characters, only lowercase letters, numbers, ` +
        `underscores and dashes, and must begin and end with a lowercase letter or number`
    )

const hookUrlRule = new RegExp(SanityApi.hookUrlPattern)

/** A webhook's URL: an absolute http(s) URL, as the contract states it (`SanityApi.HookUrl`). */
export const hookUrl = (url: unknown): Effect.Effect<void, ProjectsError.Validation> => {
  if (typeof url !== "string") return invalid("A webhook's url must be a string")
  if (!hookUrlRule.test(url)) return invalid(`Invalid webhook url ${quoted(url)}: an absolute http or https URL is expected`)
  try {
    new URL(url)
    return Effect.void
  } catch {
    return invalid(`Invalid webhook url ${quoted(url)}`)
  }
}

/** OFF CLI: a projection is a GROQ projection, `{…}`. */
export const projection = (projection: string | undefined): Effect.Effect<void, ProjectsError.Validation> =>
  projection === undefined || /^\s*\{[\s\S]*\}\s*$/.test(projection)
    ? Effect.void
    : invalid(`Invalid projection: must be a GROQ projection such as "{title, author}"`)

/**
 * DOC /cors: `protocol://hostname[:port]`, `*` wildcards allowed in the host and port; the CLI's
 * specials `*`, `null` and `file:///*` verbatim. INF: anything else (a path, a bare host) is a 400.
 */
export const normalizeOrigin = (origin: string): Option.Option<string> => {
  const text = origin.trim()
  if (text === "*" || text === "null" || text === "file:///*") return Option.some(text)
  const match = /^([a-z][a-z0-9+.-]*):\/\/((?:\*|[a-z0-9-]+)(?:\.(?:\*|[a-z0-9-]+))*|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i
    .exec(text)
  if (match === null || match[1]!.toLowerCase() === "file") return Option.none()
  const protocol = match[1]!.toLowerCase()
  const port = match[3]
  // Default ports are not part of an origin (OFF CLI normalisation).
  const keepPort = port !== undefined && !(protocol === "http" && port === "80") && !(protocol === "https" && port === "443")
  return Option.some(`${protocol}://${match[2]!.toLowerCase()}${keepPort ? `:${port}` : ""}`)
}

/** The origin as stored, normalised, or a refusal. */
export const origin = (origin: string): Effect.Effect<string, ProjectsError.Validation> =>
  Option.match(normalizeOrigin(origin), {
    onNone: () => invalid(`Invalid origin ${quoted(origin)}: expected protocol://hostname[:port]`),
    onSome: Effect.succeed
  })

/** INF: tag names follow the dataset naming rule; a title is required (DOC seed: both sent). */
export const tag = (name: string | undefined, title: string | undefined): Effect.Effect<void, ProjectsError.Validation> => {
  if (name !== undefined && !validDatasetName(name)) {
    return invalid(`Invalid tag name ${quoted(name)}: 1-64 lowercase letters, numbers, underscores and dashes`)
  }
  if (title !== undefined && title.trim() === "") return invalid("A tag needs a title")
  return Effect.void
}

/** Roles a project token may have (REC: `deploy-studio`; OFF: roles that apply to robots). */
/** A role a robot (a token) may have (OFF old CLI: `appliesToRobots`). */
export const robotRole = (roleName: string): Effect.Effect<void, ProjectsError.Validation> =>
  SanityRoles.find(roleName)?.appliesToRobots === true ? Effect.void : invalid(`Invalid role ${quoted(roleName)}`)

/** A role a person may be invited with (OFF CLI `users invite`: `appliesToUsers`). */
export const userRole = (roleName: string): Effect.Effect<SanityRoles.Role, ProjectsError.Validation> => {
  const role = SanityRoles.find(roleName)
  return role?.appliesToUsers === true ? Effect.succeed(role) : invalid(`Invalid role ${quoted(roleName)}`)
}

/** OFF CLI `validateEmail`: something@something. */
export const email = (address: string): Effect.Effect<string, ProjectsError.Validation> => {
  const trimmed = address.trim()
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(trimmed) ? Effect.succeed(trimmed) : invalid(`Invalid email ${quoted(address)}`)
}

/**
 * An Access API robot's one membership: the project of the path, with one role a robot may have
 * (OFF CLI `createToken` sends exactly that).
 */
export const robotMembership = (
  projectId: string,
  memberships: ReadonlyArray<typeof SanityApi.RobotMembership.Type>
): Effect.Effect<string, ProjectsError.Validation> => {
  const [membership] = memberships
  if (membership === undefined || memberships.length !== 1) return invalid("A robot has exactly one membership")
  if (membership.resourceType !== "project" || membership.resourceId !== projectId) {
    return invalid(`A robot of project ${quoted(projectId)} can only have a membership of that project`)
  }
  const [roleName] = membership.roleNames
  if (roleName === undefined || membership.roleNames.length !== 1) return invalid("A robot's membership has exactly one role")
  return Effect.as(robotRole(roleName), roleName)
}

/** An Access API robot's expiry: an ISO 8601 time in the future, or none. */
export const expiry = (expiresAt: string | null | undefined, now: number): Effect.Effect<number | null, ProjectsError.Validation> => {
  if (expiresAt === undefined || expiresAt === null) return Effect.succeed(null)
  const millis = Date.parse(expiresAt)
  if (Number.isNaN(millis)) return invalid(`Invalid expiresAt ${quoted(expiresAt)}: an ISO 8601 date or time`)
  return millis <= now ? invalid("expiresAt must be in the future") : Effect.succeed(millis)
}

/**
 * What a PATCH of `current` changes, checked: the fields sent replace the stored ones, metadata
 * merges (a key sent as `null` is removed, 3P), a colour is lowercase hex (3P), and a studio host
 * is set once (3P), lowercase letters, numbers and dashes.
 */
export const projectChange = (
  current: ProjectRow,
  patch: typeof SanityApi.UpdateProjectRequest.Type
): Effect.Effect<ProjectChange, ProjectsError.Validation> => {
  const metadata = JSON.parse(current.metadata) as Record<string, unknown>
  for (const [key, value] of Object.entries(patch.metadata ?? {})) {
    if (value === null) delete metadata[key]
    else metadata[key] = value
  }
  const color = metadata.color
  if (
    patch.metadata?.color !== undefined && patch.metadata.color !== null &&
    (typeof color !== "string" || !/^#[0-9a-f]{3}([0-9a-f]{3})?$/.test(color))
  ) {
    return invalid("metadata.color must be a lowercase hex colour, e.g. #ff0000")
  }
  const studioHost = patch.studioHost !== undefined && patch.studioHost !== current.studio_host ? patch.studioHost : undefined
  if (studioHost !== undefined) {
    if (current.studio_host !== null) return invalid("The studio host of a project cannot be changed")
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(studioHost)) {
      return invalid("Invalid studio host: lowercase letters, numbers and dashes")
    }
  }
  return Effect.succeed({
    displayName: patch.displayName?.trim() ?? current.display_name,
    metadata,
    studioHost,
    isDisabledByUser: patch.isDisabledByUser ?? Number(current.is_disabled_by_user) === 1,
    activityFeedEnabled: patch.activityFeedEnabled ?? Number(current.activity_feed_enabled) === 1
  })
}

/**
 * The project a project-host request is about: `X-Sanity-Project-ID` (what @sanity/client sends
 * with `useProjectHostname: false`), else the first label of `{projectId}.api.sanity.io`.
 */
export const hostProject = (headers: typeof SanityApi.ProjectHostHeaders.Type): Effect.Effect<string, ProjectsError.Validation> =>
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
    return invalid("No project: use the project hostname ({projectId}.api.sanity.io) or send X-Sanity-Project-ID")
  })

/**
 * The project a request that may be on either host names, if any: `X-Sanity-Project-ID`, or a
 * host of the project host's shape, `{projectId}.api.…`. INF: unlike `hostProject`, another host
 * names none (the server may be deployed under any name), so the request is the global host's.
 */
export const namedProject = (headers: Readonly<Record<string, string | undefined>>) => {
  const header = headers["x-sanity-project-id"]?.trim()
  if (header !== undefined && header !== "") return Option.some(header)
  const match = /^([-a-z0-9]+)\.api\./i.exec(headers.host ?? "")
  return match === null ? Option.none<string>() : Option.some(match[1]!.toLowerCase())
}
