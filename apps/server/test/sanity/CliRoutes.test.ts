/**
 * The routes the Sanity CLI needs (issue 26), through `SanityClient`: dataset aliases, the Access
 * API's robots (real, rotatable, expiring credentials, the same tokens as `/projects/{id}/tokens`)
 * and roles, roles and invitations, organizations and grants, webhooks, deployed schemas and
 * backups — each with the refusals Sanity answers (404 for what another organization holds, 403
 * for a role without the grant, 400 for bad input, 409 when taken).
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { addSanityMember, makeSanityOrg, sanityClient } from "../support/SanityOrg.js"
import { layer as testServer } from "../support/TestServer.js"

const server = testServer()

const setUp = (name: string) =>
  Effect.gen(function*() {
    const org = yield* makeSanityOrg(name)
    const project = yield* org.client.projects.create({ displayName: name })
    yield* org.client.datasets.create(project.id, "production", { aclMode: "public" })
    yield* org.client.datasets.create(project.id, "staging", { aclMode: "public" })
    return { org, projectId: project.id }
  })

layer(server, { excludeTestServices: true })("the Sanity CLI's routes through SanityClient", (it) => {
  describe("dataset aliases", () => {
    it.effect("create (linked or not), link, unlink, delete; names, datasets and other organizations refused", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("aliases")
        const aliases = org.client.aliases
        expect(yield* aliases.create(projectId, "conf", "production")).toEqual({ name: "conf", datasetName: "production" })
        expect(yield* aliases.create(projectId, "~spare")).toEqual({ name: "spare", datasetName: null })
        expect(yield* Effect.flip(aliases.create(projectId, "conf"))).toMatchObject({ _tag: "Conflict" })
        expect(yield* Effect.flip(aliases.create(projectId, "Bad Name"))).toMatchObject({ _tag: "Validation" })
        expect(yield* Effect.flip(aliases.create(projectId, "other", "missing"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* aliases.link(projectId, "conf", "staging")).toEqual({ name: "conf", datasetName: "staging" })
        expect(yield* aliases.unlink(projectId, "conf")).toEqual({ name: "conf", datasetName: "staging" })
        expect(yield* Effect.flip(aliases.unlink(projectId, "conf"))).toMatchObject({ _tag: "Validation" })
        // An alias of a deleted dataset is linked to none.
        yield* aliases.link(projectId, "spare", "staging")
        yield* org.client.datasets.delete(projectId, "staging")
        expect(yield* aliases.list(projectId)).toEqual([{ name: "conf", datasetName: null }, { name: "spare", datasetName: null }])
        yield* aliases.delete(projectId, "conf")
        expect(yield* Effect.flip(aliases.delete(projectId, "conf"))).toMatchObject({ _tag: "NotFound" })

        const viewer = yield* addSanityMember(org, "viewer")
        expect(yield* viewer.client.aliases.list(projectId)).toEqual([{ name: "spare", datasetName: null }])
        expect(yield* Effect.flip(viewer.client.aliases.create(projectId, "mine"))).toMatchObject({ _tag: "Forbidden" })
        const stranger = yield* makeSanityOrg("aliases stranger")
        expect(yield* Effect.flip(stranger.client.aliases.list(projectId))).toMatchObject({ _tag: "NotFound" })
      }))
  })

  describe("the Access API", () => {
    it.effect("robots are the project's tokens: created once with their secret, listed in pages, rotated, deleted", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("robots")
        const membership = (roleNames: ReadonlyArray<string>) => [{ resourceType: "project", resourceId: projectId, roleNames }]
        const robot = yield* org.client.access.createRobot(projectId, { label: "ci", memberships: membership(["editor"]) })
        expect(robot).toEqual({
          id: expect.any(String),
          label: "ci",
          memberships: membership(["editor"]),
          createdAt: expect.stringMatching(/Z$/),
          expiresAt: null,
          token: expect.any(String)
        })
        // The same token on the legacy route, and a credential with its role, confined to its project.
        expect((yield* org.client.tokens.list(projectId)).map((t) => t.id)).toContain(robot.id)
        const asRobot = yield* sanityClient(robot.token!)
        expect(yield* asRobot.users.me).toMatchObject({ role: "editor", provider: "sanity-token" })
        expect(yield* Effect.flip(asRobot.datasets.create(projectId, "nope"))).toMatchObject({ _tag: "Forbidden" })

        // Pages of one, by cursor.
        yield* org.client.access.createRobot(projectId, { label: "second", memberships: membership(["viewer"]) })
        const first = yield* org.client.access.robots(projectId, { limit: 1 })
        expect(first.data.map((r) => r.label)).toEqual(["ci"])
        expect(first.data[0]).not.toHaveProperty("token")
        const second = yield* org.client.access.robots(projectId, { limit: 1, nextCursor: first.nextCursor! })
        expect(second).toEqual({ data: [expect.objectContaining({ label: "second" })], nextCursor: null })
        expect(yield* Effect.flip(org.client.access.robots(projectId, { nextCursor: "bm90IGFuIGlk" }))).toMatchObject({ _tag: "Validation" })

        // Rotation: the robot itself asks; its old secret stops at once, the new one works.
        const rotated = yield* asRobot.access.rotate
        expect(rotated.id).toBe(robot.id)
        expect(yield* Effect.flip(asRobot.users.me)).toMatchObject({ _tag: "Unauthorized" })
        const asRotated = yield* sanityClient(rotated.token!)
        expect(yield* asRotated.users.me).toMatchObject({ role: "editor" })
        expect(yield* Effect.flip(org.client.access.rotate)).toMatchObject({ _tag: "Forbidden" })

        yield* org.client.access.deleteRobot(projectId, robot.id)
        expect(yield* Effect.flip(asRotated.users.me)).toMatchObject({ _tag: "Unauthorized" })
        expect(yield* Effect.flip(org.client.access.deleteRobot(projectId, robot.id))).toMatchObject({ _tag: "NotFound" })
      }))

    it.effect("refuses bad memberships, roles and expiry; an expired robot is no credential", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("robot rules")
        const create = (memberships: ReadonlyArray<{ resourceType: string; resourceId: string; roleNames: ReadonlyArray<string> }>, expiresAt?: string) =>
          Effect.flip(org.client.access.createRobot(projectId, { label: "x", memberships, ...(expiresAt === undefined ? {} : { expiresAt }) }))
        expect(yield* create([{ resourceType: "project", resourceId: "another", roleNames: ["viewer"] }])).toMatchObject({ _tag: "Validation" })
        expect(yield* create([{ resourceType: "project", resourceId: projectId, roleNames: ["owner"] }])).toMatchObject({ _tag: "Validation" })
        expect(yield* create([{ resourceType: "project", resourceId: projectId, roleNames: ["viewer"] }], "2001-01-01")).toMatchObject({
          _tag: "Validation"
        })
        expect(yield* create([{ resourceType: "project", resourceId: projectId, roleNames: ["viewer"] }], "soon")).toMatchObject({
          _tag: "Validation"
        })
        const soon = new Date(Date.now() + 1500).toISOString()
        const robot = yield* org.client.access.createRobot(projectId, {
          label: "short",
          memberships: [{ resourceType: "project", resourceId: projectId, roleNames: ["viewer"] }],
          expiresAt: soon
        })
        expect(robot.expiresAt).toBe(soon)
        const asRobot = yield* sanityClient(robot.token!)
        expect(yield* asRobot.users.me).toMatchObject({ role: "viewer" })
        // Waits for the expiry by polling the credential, not by sleeping a fixed time.
        const refused = yield* eventually(Effect.either(asRobot.users.me), {
          until: (answer) => Either.isLeft(answer) && answer.left._tag === "Unauthorized",
          what: "the expired robot refused"
        })
        expect(Either.isLeft(refused)).toBe(true)
      }))

    it.effect("roles: the project's role set, in the real API's words, paged", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("access roles")
        const roles = yield* org.client.access.roles(projectId)
        expect(roles.nextCursor).toBeNull()
        expect(roles.data.map((r) => r.name)).toEqual(["administrator", "developer", "editor", "contributor", "viewer", "deploy-studio"])
        expect(roles.data.find((r) => r.name === "deploy-studio")).toEqual({
          name: "deploy-studio",
          title: "Deploy Studio (Token only)",
          description: "Access to deploy Sanity Studio and GraphQL APIs to our hosted service.",
          isCustom: false,
          projectId,
          appliesToUsers: false,
          appliesToRobots: true
        })
        expect(yield* org.client.members.roles(projectId)).toEqual(roles.data)
      }))
  })

  describe("invitations, organizations", () => {
    it.effect("invite with a person's role; list pending; duplicates, bad e-mails and robot-only roles refused", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("invitations")
        const invitation = yield* org.client.members.invite(projectId, { email: "pippi@example.com", role: "editor" })
        expect(invitation).toMatchObject({ email: "pippi@example.com", roles: [{ name: "editor", title: "Editor" }], isAccepted: false })
        expect(yield* org.client.members.invitations(projectId)).toEqual([invitation])
        expect(yield* Effect.flip(org.client.members.invite(projectId, { email: "PIPPI@example.com", role: "viewer" }))).toMatchObject({
          _tag: "Conflict"
        })
        expect(yield* Effect.flip(org.client.members.invite(projectId, { email: "nobody", role: "viewer" }))).toMatchObject({ _tag: "Validation" })
        expect(yield* Effect.flip(org.client.members.invite(projectId, { email: "a@b.io", role: "deploy-studio" }))).toMatchObject({
          _tag: "Validation"
        })
        const viewer = yield* addSanityMember(org, "viewer")
        expect(yield* Effect.flip(viewer.client.members.invite(projectId, { email: "c@d.io", role: "viewer" }))).toMatchObject({
          _tag: "Forbidden"
        })
      }))

    it.effect("an organization lists itself; its managers may attach projects; another's grants are a 404", () =>
      Effect.gen(function*() {
        const { org } = yield* setUp("organizations")
        expect(yield* org.client.organizations.list).toEqual([expect.objectContaining({ id: org.id, name: "organizations" })])
        expect(yield* org.client.organizations.grants(org.id)).toEqual({
          "sanity.organization.projects": [{ grants: [{ name: "read" }, { name: "create" }, { name: "attach" }] }]
        })
        const other = yield* makeSanityOrg("organizations other")
        expect(yield* Effect.flip(org.client.organizations.grants(other.id))).toMatchObject({ _tag: "NotFound" })
      }))
  })

  describe("webhooks, schemas, backups", () => {
    it.effect("webhooks keep what they were given; messages and attempts are empty until one fires", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("hooks")
        const hook = yield* org.client.hooks.create(projectId, {
          name: "publish",
          dataset: "production",
          url: "https://hooks.example.com/in",
          type: "document",
          rule: { on: ["create"], filter: "_type == 'post'" }
        })
        expect(hook).toMatchObject({ name: "publish", dataset: "production", httpMethod: "POST", rule: { on: ["create"] }, projectId })
        expect(yield* org.client.hooks.update(projectId, hook.id, { description: "On create" })).toMatchObject({ description: "On create" })
        expect(yield* org.client.hooks.get(projectId, hook.id)).toMatchObject({ description: "On create", name: "publish" })
        expect(yield* org.client.hooks.messages(projectId, hook.id)).toEqual([])
        expect(yield* org.client.hooks.attempts(projectId, hook.id)).toEqual([])
        expect(yield* Effect.flip(org.client.hooks.attempt(projectId, "nope"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(org.client.hooks.create(projectId, { name: "x", dataset: "production", url: "ftp://x" }))).toMatchObject({
          _tag: "Validation"
        })
        yield* org.client.hooks.delete(projectId, hook.id)
        expect(yield* org.client.hooks.list(projectId)).toEqual([])
      }))

    it.effect("schemas are deployed per workspace and replaced; an unknown id is none; backups are a setting that takes one", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("schemas")
        const settings = org.client.datasetSettings
        const deployed = yield* settings.deploySchemas(projectId, "production", {
          schemas: [{ workspace: { name: "default" }, schema: [{ name: "post" }], version: "1" }]
        })
        expect(deployed).toEqual({ documentIds: ["_.schemas.default"] })
        yield* settings.deploySchemas(projectId, "production", { schemas: [{ workspace: { name: "default" }, schema: [{ name: "page" }] }] })
        const listed = yield* settings.schemas(projectId, "production")
        expect(listed).toEqual([expect.objectContaining({ _id: "_.schemas.default", _type: "system.schema", schema: [{ name: "page" }] })])
        expect(yield* settings.schema(projectId, "production", "_.schemas.default")).toMatchObject({ workspace: { name: "default" } })
        expect(yield* settings.schema(projectId, "production", "_.schemas.unknown")).toBeUndefined()
        yield* settings.deleteSchema(projectId, "production", "_.schemas.default")
        expect(yield* settings.schemas(projectId, "production")).toEqual([])
        expect(yield* settings.setBackups(projectId, "production", true)).toEqual({ enabled: true })
        // Turned on, backups start with one taken at once (here of no documents: see Backups.test.ts).
        expect((yield* settings.backups(projectId, "production")).backups).toEqual([{ id: expect.any(String), createdAt: expect.stringMatching(/Z$/) }])
        expect(yield* Effect.flip(settings.backups(projectId, "missing"))).toMatchObject({ _tag: "NotFound" })
      }))
  })
})
