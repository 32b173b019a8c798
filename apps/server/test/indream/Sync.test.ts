/**
 * `POST /v1/projects/{projectId}/sync` of large states over raw HTTP through the real server: the
 * state stored exactly as sent and read back whole, the answer only its version, the next version
 * counted on, the size limit counted in bytes of UTF-8 (413, the stored state kept), and an
 * invalid item among thousands found (422, nothing stored).
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { layer as testServer } from "../support/TestServer.js"
import { at, call, type IndreamOrg, makeIndreamOrg, textAt } from "./IndreamOrg.js"

/** The configured limit on a state's JSON, in bytes. */
const maxStateBytes = 300_000

/** A valid state of `count` back-to-back solid clips on one track (the bench's state), `name` on the first. */
const stateOf = (count: number, name = "clip") => {
  const solid = (i: number) => ({
    id: `item-solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120,
    top: { value: 0, keyframes: [] }, left: { value: 0, keyframes: [] }, width: { value: 1920, keyframes: [] },
    height: { value: 1080, keyframes: [] }, scaleX: { value: 1, keyframes: [] }, scaleY: { value: 1, keyframes: [] },
    opacity: { value: 1, keyframes: [{ timeTicks: 0, value: 1 }, { timeTicks: 119, value: 0.5 }] }, isDraggingInTimeline: false,
    borderRadius: { value: 0, keyframes: [] }, rotation: { value: 0, keyframes: [] }, keepAspectRatio: false,
    ...(i === 0 ? { name } : {})
  })
  const items: Record<string, ReturnType<typeof solid>> = {}
  for (let i = 0; i < count; i++) items[`item-solid-${i}`] = solid(i)
  return {
    compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000,
    tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }],
    assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null }
  }
}

const createProject = (org: IndreamOrg) =>
  Effect.map(call(org, "POST", "/v1/projects", { json: { title: "Large", editorState: stateOf(1) } }), (answer) => {
    expect(answer.status).toBe(201)
    return textAt(answer, "data", "projectId")
  })

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8")

layer(testServer({
  indream: { maxStateBytes, syncRateLimit: { limit: 1000, window: "1 second", burst: 1000 } }
}), { excludeTestServices: true })("Indream sync", (it) => {
  it.effect("stores a large state exactly as sent, answers only its version, and counts the next one on", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("sync-large")
      const projectId = yield* createProject(org)
      const state = stateOf(400)
      expect(bytesOf(state)).toBeGreaterThan(200_000)
      const synced = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: state, stateVersion: "41" } })
      expect(synced.status).toBe(200)
      expect(Object.keys(at(synced, "data") as object).sort()).toEqual(["projectId", "stateVersion", "updatedAt"])
      expect(at(synced, "data", "stateVersion")).toBe("41")
      const read = yield* call(org, "GET", `/v1/projects/${projectId}`)
      expect(at(read, "data", "editorState")).toEqual(state)
      expect(at(read, "data", "stateVersion")).toBe("41")
      const next = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: stateOf(3) } })
      expect(at(next, "data", "stateVersion")).toBe("42")
      expect(at(yield* call(org, "GET", `/v1/projects/${projectId}`), "data", "editorState")).toEqual(stateOf(3))
    }))

  describe("the size limit", () => {
    it.effect("counts UTF-8 bytes: accepts a state of few bytes but many characters, refuses one over it with 413, keeping the stored one", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("sync-limit")
        const projectId = yield* createProject(org)
        // Over a third of the limit in characters, under it in bytes: counted, and accepted.
        const ascii = stateOf(2, "a".repeat(maxStateBytes / 2))
        expect(JSON.stringify(ascii).length * 3).toBeGreaterThan(maxStateBytes)
        expect(bytesOf(ascii)).toBeLessThan(maxStateBytes)
        const accepted = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: ascii, stateVersion: "7" } })
        expect(accepted.status).toBe(200)
        // Under the limit in characters, over it in bytes (é is two): refused.
        const accented = stateOf(2, "é".repeat(maxStateBytes / 2))
        expect(JSON.stringify(accented).length).toBeLessThan(maxStateBytes)
        expect(bytesOf(accented)).toBeGreaterThan(maxStateBytes)
        const refused = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: accented, stateVersion: "8" } })
        expect(refused.status).toBe(413)
        expect(refused.body).toMatchObject({ status: 413, errorCode: "OPEN_API_PAYLOAD_TOO_LARGE" })
        expect(textAt(refused, "detail")).toContain(`${bytesOf(accented)} bytes`)
        const read = yield* call(org, "GET", `/v1/projects/${projectId}`)
        expect(at(read, "data", "stateVersion")).toBe("7")
        expect(at(read, "data", "editorState")).toEqual(ascii)
      }))

    it.effect("counts the state's serialised size, not the whitespace a request puts in it", () =>
      Effect.gen(function*() {
        const org = yield* makeIndreamOrg("sync-spaced")
        const projectId = yield* createProject(org)
        const state = stateOf(500)
        const spaced = JSON.stringify({ editorState: state, stateVersion: "5" }, null, 4)
        expect(bytesOf(state)).toBeLessThan(maxStateBytes)
        expect(spaced.length).toBeGreaterThan(maxStateBytes)
        const accepted = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { body: spaced, headers: { "content-type": "application/json" } })
        expect(accepted.status).toBe(200)
        const read = yield* call(org, "GET", `/v1/projects/${projectId}`)
        expect(at(read, "data", "editorState")).toEqual(state)
        expect(at(read, "data", "stateVersion")).toBe("5")
      }))
  })

  it.effect("finds one invalid item among hundreds (422 at its path), and stores nothing", () =>
    Effect.gen(function*() {
      const org = yield* makeIndreamOrg("sync-invalid")
      const projectId = yield* createProject(org)
      const before = at(yield* call(org, "GET", `/v1/projects/${projectId}`), "data")
      const state = stateOf(400)
      state.items["item-solid-321"]!.shape = "hexagon"
      const refused = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: state, stateVersion: "9" } })
      expect(refused.status).toBe(422)
      expect(refused.body).toMatchObject({ status: 422, errorCode: "EDITOR_SCHEMA_INVALID" })
      expect(textAt(refused, "detail")).toContain("/items/item-solid-321/shape must be one of")
      // A keyframe past its clip, found by the semantic rules once the schema accepts the state.
      const late = stateOf(400)
      late.items["item-solid-399"]!.opacity.keyframes[1]!.timeTicks = 120
      const lateAnswer = yield* call(org, "POST", `/v1/projects/${projectId}/sync`, { json: { editorState: late, stateVersion: "9" } })
      expect(lateAnswer.status).toBe(422)
      expect(lateAnswer.body).toMatchObject({ errorCode: "EDITOR_KEYFRAME_OUT_OF_RANGE" })
      expect(textAt(lateAnswer, "detail")).toContain("/items/item-solid-399/opacity/keyframes/1/timeTicks")
      expect(at(yield* call(org, "GET", `/v1/projects/${projectId}`), "data")).toEqual(before)
    }))
})
