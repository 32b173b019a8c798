/**
 * The contract every adapter's Promise client passes (`createSyncClient`, `createIndreamClient`,
 * `createSanityClient`, yours), run in one call from its tests against a server speaking the
 * provider's API:
 *
 * ```ts
 * import { suite } from "@projectkit/core/PromiseClientSuite"
 * suite("createSyncClient → reference server", {
 *   provider: "sync",
 *   client: () => createSyncClient({ baseUrl, apiKey }),
 *   refused: () => createSyncClient({ baseUrl, apiKey: "sk-wrong" }),
 *   own: { key: "sync", service: async () => ({ own: service, projects: SyncClient.makeProjects(service) }) }
 * })
 * ```
 *
 * What it holds every Promise face to: the provider's own calls under `client.<key>`, member for
 * member those of the Effect service; the neutral projects in plain values (ISO times, `for await`
 * over every page); the core errors rejected as themselves (`instanceof`, `_tag`); a refused
 * credential as `Unauthorized`; `close()` and `await using`. Like `ProjectsSuite`, it tolerates other
 * data on the server: it names what it creates with a random marker and judges lists by those names.
 */
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { randomUuid } from "./internal/uuid.js"
import * as ProjectsError from "./ProjectsError.js"
import type { BaseClient } from "./PromiseClient.js"

export interface PromiseClientProvider<Client extends BaseClient> {
  /** The `provider` of the adapter's neutral projects. */
  readonly provider: string
  /** A client with working credentials: made before the suite's tests, closed after them. */
  readonly client: () => Client
  /** A client whose credentials the server refuses. */
  readonly refused: () => BaseClient
  /**
   * The provider's own face on the client (`"sync"` for `client.sync`) and the Effect service it
   * mirrors, with the neutral `Projects` the adapter builds from that service (absent for a client
   * with the neutral projects only).
   */
  readonly own?: {
    readonly key: Exclude<keyof Client & string, "projects" | "close">
    readonly service: () => Promise<{ readonly own: object; readonly projects: object }>
  }
  /** Per-test timeout; remote servers may need more than the default. */
  readonly timeout?: number
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/

/** The rejection of `promise`; a test fails when it resolves. */
export const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`), (error: unknown) => error)

/** The members of a service, or of its Promise face, as a tree of names (effects, streams and functions are leaves). */
export const surface = (service: object): unknown =>
  Object.fromEntries(
    Object.entries(service).sort(([a], [b]) => a.localeCompare(b)).map(([key, member]) => [
      key,
      typeof member === "object" && member !== null && !Effect.isEffect(member) && !Predicate.hasProperty(member, Stream.StreamTypeId)
        ? surface(member)
        : "member"
    ])
  )

export const suite = <Client extends BaseClient>(name: string, provider: PromiseClientProvider<Client>) =>
  describe(`Promise client contract: ${name}`, () => {
    const marker = `pc${randomUuid.pipe(Effect.runSync).replace(/-/g, "").slice(0, 10)}`
    const options = provider.timeout === undefined ? {} : { timeout: provider.timeout }
    let made: Client | undefined
    const client = (): Client => {
      if (made === undefined) throw new Error("the suite's client is made in its beforeAll")
      return made
    }
    beforeAll(() => {
      made = provider.client()
    })
    afterAll(() => made?.close())

    it.skipIf(provider.own === undefined)("has every member of the Effect service under its own key, and the neutral Projects under projects", async () => {
      const own = provider.own!
      const service = await own.service()
      expect(surface(client()[own.key] as object)).toEqual(surface(service.own))
      // `capabilities` is a value of the service and a method of the client (the service lives in the runtime).
      expect(Object.keys(client().projects).sort()).toEqual(Object.keys(service.projects).sort())
    }, options)

    it("creates, reads, renames, lists (a page, and every page with for await) and deletes, in plain values", async () => {
      const { projects } = client()
      const created = await projects.create({ name: `${marker} b` })
      expect(created).toMatchObject({ name: `${marker} b`, provider: provider.provider })
      expect(created.createdAt).toMatch(isoTime)
      expect(created.updatedAt).toMatch(isoTime)
      const other = await projects.create({ name: `${marker} a` })
      try {
        expect(await projects.get(created.id)).toMatchObject({ id: created.id, name: `${marker} b`, createdAt: created.createdAt })
        const renamed = await projects.update(created.id, { name: `${marker} c` })
        expect(renamed).toMatchObject({ id: created.id, name: `${marker} c` })

        const capabilities = await projects.capabilities()
        if (capabilities.search === "unsupported" || capabilities.sort["name"]?.["asc"] === "unsupported") {
          // A provider without search or a name order (its capabilities say so): every page, both there.
          const page = await projects.listPage({ limit: 1 })
          expect(page.items).toHaveLength(1)
          const names: Array<string> = []
          for await (const project of projects.list({ pageSize: 1 })) names.push(project.name)
          expect(names.filter((name) => name.startsWith(marker)).sort()).toEqual([`${marker} a`, `${marker} c`])
          return
        }
        const page = await projects.listPage({ search: marker, sortBy: "name", limit: 1 })
        expect(page.items.map((project) => project.name)).toEqual([`${marker} a`])
        expect(page.nextCursor).toEqual(expect.any(String))
        const names: Array<string> = []
        for await (const project of projects.list({ search: marker, sortBy: "name", pageSize: 1 })) names.push(project.name)
        expect(names).toEqual([`${marker} a`, `${marker} c`])
      } finally {
        await projects.delete(other.id)
      }
      await projects.delete(created.id)
      const missing = await rejectionOf(projects.get(created.id))
      expect(missing).toBeInstanceOf(ProjectsError.NotFound)
      expect(missing).toMatchObject({ _tag: "NotFound", id: created.id })
    }, options)

    it("keeps a description where the capabilities support one, and refuses it with Unsupported where not", async () => {
      const { projects } = client()
      const capabilities = await projects.capabilities()
      expect(capabilities.provider).toBe(provider.provider)
      if (capabilities.description === "unsupported") {
        const refused = await rejectionOf(projects.create({ name: `${marker} d`, description: "kept?" }))
        expect(refused).toBeInstanceOf(ProjectsError.Unsupported)
        return
      }
      const described = await projects.create({ name: `${marker} d`, description: "kept" })
      try {
        expect(described.description).toBe("kept")
        expect(await projects.update(described.id, { description: null })).not.toHaveProperty("description")
      } finally {
        await projects.delete(described.id)
      }
    }, options)

    it("rejects refused credentials with Unauthorized", async () => {
      await using refused = provider.refused()
      expect(await rejectionOf(refused.projects.listPage())).toBeInstanceOf(ProjectsError.Unauthorized)
    }, options)

    it("rejects every call after close (and after await using), naming the closed client", async () => {
      let disposed: BaseClient | undefined
      {
        await using scoped = provider.client()
        disposed = scoped
        await scoped.projects.listPage({ limit: 1 })
      }
      expect(String(await rejectionOf(disposed.projects.get("p1")))).toContain("closed")
      const closed = provider.client()
      await closed.close()
      expect(String(await rejectionOf(closed.projects.listPage()))).toContain("closed")
    }, options)
  })
