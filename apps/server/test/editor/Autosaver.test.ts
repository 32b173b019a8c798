/**
 * The Autosaver against the reference server over real HTTP, with a sync rate limit tighter than
 * the Autosaver's own interval, so the server's 429s and Retry-After really shape the saving.
 */
import { expect, layer } from "@effect/vitest"
import * as Retry from "@projectkit/core/Retry"
import { Autosaver, EditorClient } from "@projectkit/editor"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { makeEditorOrg } from "../support/EditorOrg.js"
import { layer as testServer } from "../support/TestServer.js"

// One sync per 500 ms per project, no burst: Retry-After is then "1" (whole seconds).
const server = testServer({ editor: { syncRateLimit: { limit: 2, window: "1 second", burst: 1 } } })

layer(server, { excludeTestServices: true })("Autosaver → reference server", (it) => {
  it.effect("saves a stream of edits through the server's 429s, and flushes the last edit on close", () =>
    Effect.gen(function*() {
      const org = yield* makeEditorOrg("autosaver", Retry.noRetries)
      const project = yield* org.client.projects.create({ title: "Autosaved", editorState: { n: 0 } })
      const statuses: Array<Autosaver.Status["_tag"]> = []
      yield* Effect.gen(function*() {
        const saver = yield* Autosaver.make({
          projectId: project.projectId,
          // Faster than the server allows, so some syncs are refused and must be retried.
          interval: "100 millis",
          delay: "20 millis",
          backoff: "50 millis",
          maxBackoff: "200 millis"
        })
        yield* Effect.forkScoped(Stream.runForEach(saver.status, (status) => Effect.sync(() => statuses.push(status._tag))))
        for (let n = 1; n <= 40; n++) {
          yield* saver.update({ n, text: `edit ${n}` })
          yield* Effect.sleep("25 millis")
        }
        // The scope closes here, with edits not yet saved: closing flushes them.
      }).pipe(Effect.scoped, Effect.provideService(EditorClient.EditorClient, org.client))
      const saved = yield* org.client.projects.get(project.projectId)
      expect(saved).toMatchObject({ title: "Autosaved", stateVersion: 40, editorState: { n: 40, text: "edit 40" } })
      expect(statuses).toContain("Retrying")
      expect(statuses).toContain("Saving")
    }), { timeout: 20_000 })
})
