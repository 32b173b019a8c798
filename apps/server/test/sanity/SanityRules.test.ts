/**
 * The Sanity dialect's rules on their own, without HTTP or SQL: who may do what (`SanityAccess`)
 * and what input is acceptable (`SanityInput`), each refusal a core error with Sanity's message.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as SanityAccess from "../../src/dialects/sanity/SanityAccess.js"
import * as SanityInput from "../../src/dialects/sanity/SanityInput.js"
import type { ProjectRow } from "../../src/dialects/sanity/SanityProjectStore.js"

const person = (role: SanityAccess.Who["role"]): SanityAccess.Who => ({
  orgId: "o1",
  userId: "u1",
  role,
  projectId: null,
  isRobot: false
})

const succeeds = <A, E>(effect: Effect.Effect<A, E>) => Exit.isSuccess(Effect.runSyncExit(effect))

const refusal = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSync(Effect.flip(effect))

const project: ProjectRow = {
  id: "p1",
  org_id: "o1",
  display_name: "Project",
  studio_host: null,
  metadata: JSON.stringify({ color: "#ff0000", keep: "me" }),
  is_disabled_by_user: 0,
  activity_feed_enabled: 1,
  created_at: 0,
  updated_at: 0
}

describe("SanityAccess", () => {
  it("administrators and developers manage; editors and contributors write documents; viewers read", () => {
    expect(SanityAccess.permissionsOf("developer")).toContain("sanity.project.tokens/create")
    expect(SanityAccess.permissionsOf("editor")).toContain("sanity.document/update")
    expect(SanityAccess.permissionsOf("editor")).not.toContain("sanity.project/update")
    expect(SanityAccess.permissionsOf("viewer")).not.toContain("sanity.document/create")
  })

  it("a missing grant is Forbidden with Sanity's message, typo included", () => {
    expect(succeeds(SanityAccess.requireGrant(person("developer"), "sanity.project/update"))).toBe(true)
    const refused = refusal(SanityAccess.requireGrant(person("viewer"), "sanity.project/update"))
    expect(refused._tag).toBe("Forbidden")
    expect(refused.message).toBe("User is missing one of the follow grants sanity.project/update to perform this operation")
  })

  it("projects are created by a manager's personal token, in the caller's organization only", () => {
    expect(succeeds(SanityAccess.mayCreateProject(person("administrator"), undefined))).toBe(true)
    expect(succeeds(SanityAccess.mayCreateProject(person("administrator"), "o1"))).toBe(true)
    const robot = { ...person("administrator"), isRobot: true, projectId: "p1" }
    for (const [who, organizationId] of [[person("editor"), undefined], [robot, undefined], [person("administrator"), "o2"]] as const) {
      expect(refusal(SanityAccess.mayCreateProject(who, organizationId)).message)
        .toBe("User is missing one of the follow grants sanity.organization.projects/create to perform this operation")
    }
  })
})

describe("SanityInput", () => {
  it("dataset names: 1-64 lowercase letters, numbers, _ and -, starting and ending with a letter or number", () => {
    for (const name of ["production", "a", "my_data-set1", "x".repeat(64)]) expect(SanityInput.validDatasetName(name), name).toBe(true)
    for (const name of ["", "Prod", "-start", "end_", "x".repeat(65), "with space"]) {
      expect(SanityInput.validDatasetName(name), name).toBe(false)
    }
    expect(refusal(SanityInput.datasetName("Bad")).message).toMatch(/^Invalid dataset name "Bad": names are 1-64 characters/)
  })

  it("origins are normalised: lowercase, default ports dropped, the CLI's specials kept", () => {
    expect(SanityInput.normalizeOrigin("HTTPS://Example.com:443/")).toEqual(Option.some("https://example.com"))
    expect(SanityInput.normalizeOrigin("http://localhost:80")).toEqual(Option.some("http://localhost"))
    expect(SanityInput.normalizeOrigin("http://*.local:*")).toEqual(Option.some("http://*.local:*"))
    for (const special of ["*", "null", "file:///*"]) expect(SanityInput.normalizeOrigin(special)).toEqual(Option.some(special))
    for (const bad of ["example.com", "https://example.com/path", "file:///etc"]) expect(SanityInput.normalizeOrigin(bad)).toEqual(Option.none())
    expect(refusal(SanityInput.origin("example.com")).message).toBe(`Invalid origin "example.com": expected protocol://hostname[:port]`)
  })

  it("a PATCH merges metadata, drops keys sent as null, and checks colour and studio host", () => {
    const change = Effect.runSync(
      SanityInput.projectChange(project, { displayName: " Renamed ", metadata: { keep: null, extra: 1 }, studioHost: "my-studio" })
    )
    expect(change).toEqual({
      displayName: "Renamed",
      metadata: { color: "#ff0000", extra: 1 },
      studioHost: "my-studio",
      isDisabledByUser: false,
      activityFeedEnabled: true
    })
    expect(refusal(SanityInput.projectChange(project, { metadata: { color: "#FF0000" } })).message)
      .toBe("metadata.color must be a lowercase hex colour, e.g. #ff0000")
    expect(refusal(SanityInput.projectChange(project, { studioHost: "Not Valid" })).message)
      .toBe("Invalid studio host: lowercase letters, numbers and dashes")
    const hosted = { ...project, studio_host: "my-studio" }
    expect(Effect.runSync(SanityInput.projectChange(hosted, { studioHost: "my-studio" })).studioHost).toBeUndefined()
    expect(refusal(SanityInput.projectChange(hosted, { studioHost: "other" })).message)
      .toBe("The studio host of a project cannot be changed")
  })

  it("a project-host request names its project by header, else by the first label of its host", () => {
    expect(Effect.runSync(SanityInput.hostProject({ "x-sanity-project-id": " p1 " }))).toBe("p1")
    expect(Effect.runSync(SanityInput.hostProject({ host: "AbC123.api.sanity.io:443" }))).toBe("abc123")
    for (const host of ["127.0.0.1:4000", "localhost", "api.sanity.io"]) {
      expect(refusal(SanityInput.hostProject({ host })).message, host)
        .toBe("No project: use the project hostname ({projectId}.api.sanity.io) or send X-Sanity-Project-ID")
    }
  })

  it("tags, token roles and embeddings projections", () => {
    expect(refusal(SanityInput.tag("Not Valid", "x")).message)
      .toBe(`Invalid tag name "Not Valid": 1-64 lowercase letters, numbers, underscores and dashes`)
    expect(refusal(SanityInput.tag("ok", "  ")).message).toBe("A tag needs a title")
    expect(succeeds(SanityInput.robotRole("deploy-studio"))).toBe(true)
    expect(refusal(SanityInput.robotRole("owner"))).toMatchObject({ _tag: "Validation", message: `Invalid role "owner"` })
    expect(succeeds(SanityInput.projection("{title, body}"))).toBe(true)
    expect(refusal(SanityInput.projection("title")).message).toBe(`Invalid projection: must be a GROQ projection such as "{title, author}"`)
  })
})
