/**
 * The editorState validator against the official client's own examples (every valid one valid,
 * every invalid one invalid, at the path that makes it so), each semantic rule the document names
 * on a state made from the valid example, the shipped schema against the official one, and
 * properties over generated states.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as fc from "fast-check"
import { IndreamEditorState } from "../src/index.js"
import { editorStateSchemaV1 } from "../src/internal/editorStateSchema.js"
import { examples, officialEditorStateSchema } from "./support/indreamDocuments.js"

const validator = IndreamEditorState.make()

/** For each invalid example: the error that makes it invalid (code and path). */
const expected: Readonly<Record<string, { readonly code: string; readonly path: string }>> = {
  "editor-state.invalid.caption-offset.json": { code: "EDITOR_SCHEMA_INVALID", path: "/items/item-caption-1/contentStartOffsetMs" },
  "editor-state.invalid.caption.json": { code: "EDITOR_SCHEMA_INVALID", path: "/assets/asset-caption-1/captions/0/text" },
  "editor-state.invalid.chart.json": { code: "EDITOR_SCHEMA_INVALID", path: "/items/item-chart-1/data/slices" },
  "editor-state.invalid.deleted-asset.json": { code: "EDITOR_SCHEMA_INVALID", path: "/deletedAssets/0/statusAtDeletion/type" },
  "editor-state.invalid.effect.json": { code: "EDITOR_EFFECT_TYPE_INVALID", path: "/items/item-effect-1/effectType" },
  "editor-state.invalid.filter.json": { code: "EDITOR_FILTER_TYPE_INVALID", path: "/items/item-filter-1/filterType" },
  "editor-state.invalid.text-template.json": { code: "EDITOR_SCHEMA_INVALID", path: "/items/item-template-1/nodes/0/id" },
  "editor-state.invalid.transition.json": { code: "EDITOR_TRANSITION_TYPE_INVALID", path: "/transitions/transition-1/type" }
}

interface Keyframes {
  value: number
  keyframes: Array<{ timeTicks: number; value: number }>
}
interface Clip {
  id: string
  startTicks: number
  durationTicks: number
  assetId?: string
  opacity?: Keyframes
  [key: string]: unknown
}
interface Track {
  id: string
  hidden: boolean
  muted: boolean
  items: Array<string>
}
interface Transition {
  trackId: string
  type: string
  [key: string]: unknown
}
/** The parts of a state these tests change. */
interface State {
  tracks: Array<Track>
  items: Record<string, Clip>
  transitions: Record<string, Transition>
  deletedAssets?: Array<unknown>
  [key: string]: unknown
}

/** A deep copy of the official valid example, to break one rule in. */
const validState = (): State =>
  structuredClone(examples("valid").find((example) => example.file === "editor-state.valid.json")!.state) as unknown as State

const defined = <A>(value: A | undefined, what: string): A => {
  if (value === undefined) throw new Error(`the valid example has no ${what}`)
  return value
}
const item = (state: State, id: string): Clip => defined(state.items[id], id)
const track = (state: State, index: number): Track => defined(state.tracks[index], `track ${index}`)
const transition = (state: State, id: string): Transition => defined(state.transitions[id], id)

describe("IndreamEditorState", () => {
  it("ships the official schema unchanged, and validates with that copy", () => {
    const shipped = JSON.parse(Fs.readFileSync(new URL("../schemas/editor-state.v1.schema.json", import.meta.url), "utf8"))
    expect(shipped).toEqual(officialEditorStateSchema())
    expect(editorStateSchemaV1).toEqual(shipped)
    expect(Fs.readFileSync(new URL("../schemas/LICENSE", import.meta.url), "utf8")).toContain("Copyright (c) 2026 Indream")
  })

  describe("the official examples", () => {
    for (const { file, state } of examples("valid")) {
      it(`${file} is valid`, () => expect(validator.validate(state)).toEqual({ valid: true, errors: [] }))
    }
    it("every invalid example has its expected error", () => {
      expect(examples("invalid").map((example) => example.file).sort()).toEqual(Object.keys(expected).sort())
    })
    for (const { file, state } of examples("invalid")) {
      it(`${file} is invalid, at the path that makes it so, and only there`, () => {
        const result = validator.validate(state)
        expect(result.valid).toBe(false)
        expect(result.errors).toContainEqual({ ...expected[file]!, message: expect.any(String) })
        // Narrowed to the kind the value names: no "must be image" for a caption item.
        expect(result.errors.every((error) => error.path.startsWith(expected[file]!.path.split("/").slice(0, 3).join("/")))).toBe(true)
      })
    }
  })

  describe("the semantic rules", () => {
    it("a keyframe at or after its clip's durationTicks is out of range", () => {
      const state = validState()
      const image = item(state, "item-image-1")
      const opacity: Keyframes = { value: 1, keyframes: [{ timeTicks: 0, value: 1 }, { timeTicks: image.durationTicks - 1, value: 0 }] }
      image.opacity = opacity
      expect(validator.validate(state).valid).toBe(true)
      opacity.keyframes[1] = { timeTicks: image.durationTicks, value: 0 }
      expect(validator.validate(state)).toEqual({
        valid: false,
        errors: [{ code: "EDITOR_KEYFRAME_OUT_OF_RANGE", path: "/items/item-image-1/opacity/keyframes/1/timeTicks", message: expect.any(String) }]
      })
    })

    it("items of one track may touch but not overlap", () => {
      const state = validState()
      // item-solid-1 starts where item-image-1 ends: touching is fine.
      expect(item(state, "item-solid-1").startTicks).toBe(item(state, "item-image-1").startTicks + item(state, "item-image-1").durationTicks)
      expect(validator.validate(state).valid).toBe(true)
      item(state, "item-solid-1").startTicks -= 1
      expect(validator.validate(state)).toEqual({
        valid: false,
        errors: [{ code: "EDITOR_TRACK_ITEMS_OVERLAP", path: "/tracks/0/items/1", message: expect.stringContaining("overlaps") }]
      })
    })

    it("items on different tracks may overlap", () => {
      const state = validState()
      item(state, "item-effect-1").startTicks = 0
      expect(validator.validate(state).valid).toBe(true)
    })

    it("an item referring to a deleted asset is refused, as is one referring to no asset", () => {
      const state = validState()
      state.deletedAssets = [{
        assetId: "asset-image-1",
        remoteUrl: null,
        remoteKey: null,
        statusAtDeletion: { type: "uploaded" }
      }]
      expect(validator.validate(state).errors).toEqual([
        { code: "EDITOR_ASSET_DELETED", path: "/items/item-image-1/assetId", message: expect.any(String) }
      ])
      delete state.deletedAssets
      item(state, "item-image-1").assetId = "asset-unknown"
      expect(validator.validate(state).errors).toEqual([
        { code: "EDITOR_ASSET_NOT_FOUND", path: "/items/item-image-1/assetId", message: expect.any(String) }
      ])
    })

    it("a transition's clips must be adjacent in its track, and its track must exist", () => {
      const state = validState()
      track(state, 0).items = ["item-solid-1", "item-image-1"]
      item(state, "item-solid-1").startTicks = 0
      item(state, "item-image-1").startTicks = 120
      expect(validator.validate(state).errors).toEqual([
        { code: "EDITOR_TRANSITION_CLIP_NOT_ADJACENT", path: "/transitions/transition-1", message: expect.any(String) }
      ])
      const other = validState()
      transition(other, "transition-1").trackId = "track-none"
      expect(validator.validate(other).errors).toEqual([
        { code: "EDITOR_TRANSITION_TRACK_NOT_FOUND", path: "/transitions/transition-1/trackId", message: expect.any(String) }
      ])
    })

    it("a track listing an item that does not exist is refused", () => {
      const state = validState()
      track(state, 1).items.push("item-missing")
      expect(validator.validate(state).errors).toEqual([
        { code: "EDITOR_TRACK_ITEM_NOT_FOUND", path: "/tracks/1/items/1", message: expect.any(String) }
      ])
    })

    it("escapes ids in paths as JSON pointers", () => {
      const state = validState()
      state.items["a/b~c"] = {
        ...item(state, "item-solid-1"),
        id: "a/b~c",
        startTicks: 0,
        opacity: { value: 1, keyframes: [{ timeTicks: 10_000, value: 0 }] }
      }
      expect(validator.validate(state).errors).toContainEqual(
        { code: "EDITOR_KEYFRAME_OUT_OF_RANGE", path: "/items/a~1b~0c/opacity/keyframes/0/timeTicks", message: expect.any(String) }
      )
    })
  })

  it("a state that is not an object is invalid at the root", () => {
    for (const state of [null, [], "state", 1]) {
      expect(validator.validate(state)).toEqual({ valid: false, errors: [{ code: "EDITOR_SCHEMA_INVALID", path: "/", message: "must be object" }] })
    }
  })

  it("as a core Validation, every issue is under editorState; as a problem, a 422 with the first code", () => {
    const state = validState()
    transition(state, "transition-1").type = "spin"
    const result = validator.validate(state)
    expect(IndreamEditorState.toValidation(result).issues).toEqual([
      { path: ["editorState", "transitions", "transition-1", "type"], message: expect.stringContaining("EDITOR_TRANSITION_TYPE_INVALID") }
    ])
    const problem = IndreamEditorState.toProblem(result)
    expect(problem).toMatchObject({ status: 422, type: "UNPROCESSABLE_CONTENT", errorCode: "EDITOR_TRANSITION_TYPE_INVALID" })
    expect(problem.detail).toContain("/transitions/transition-1/type")
  })

  describe("properties", () => {
    it("any track layout without overlap is valid; shifting one item onto its neighbour is refused", () => {
      fc.assert(
        fc.property(fc.array(fc.record({ gap: fc.nat(1000), length: fc.integer({ min: 1, max: 1000 }) }), { minLength: 2, maxLength: 8 }), fc.nat(), (clips, pick) => {
          const state = validState()
          const template = item(state, "item-solid-1")
          let start = 0
          const ids = clips.map((clip, index) => {
            start += clip.gap
            const id = `clip-${index}`
            state.items[id] = { ...structuredClone(template), id, startTicks: start, durationTicks: clip.length }
            start += clip.length
            return id
          })
          state.tracks.push({ id: "track-generated", hidden: false, muted: false, items: ids })
          expect(validator.validate(state)).toEqual({ valid: true, errors: [] })
          const index = 1 + (pick % (ids.length - 1))
          const previous = item(state, ids[index - 1]!)
          item(state, ids[index]!).startTicks = previous.startTicks + previous.durationTicks - 1
          expect(validator.validate(state).errors.map((error) => error.code)).toContain("EDITOR_TRACK_ITEMS_OVERLAP")
        }),
        { numRuns: 50 }
      )
    })

    it("a track's items may be listed in any order: overlaps are found by time, reported at the later item's place", () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ start: fc.nat(2000), length: fc.integer({ min: 1, max: 500 }) }), { minLength: 2, maxLength: 8 }),
          fc.func(fc.integer()),
          (clips, rank) => {
            const state = validState()
            const template = item(state, "item-solid-1")
            const ids = clips.map((clip, index) => {
              const id = `clip-${index}`
              state.items[id] = { ...structuredClone(template), id, startTicks: clip.start, durationTicks: clip.length }
              return id
            })
            const listed = [...ids].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
            const trackIndex = state.tracks.push({ id: "track-generated", hidden: false, muted: false, items: listed }) - 1
            // What the rule says: in time order (ties in listing order), each item starting before the previous one ends.
            const byTime = listed.map((id, index) => ({ id, index, start: item(state, id).startTicks, end: item(state, id).startTicks + item(state, id).durationTicks }))
              .sort((a, b) => a.start - b.start || a.index - b.index)
            const expected = byTime.flatMap((after, at) => at > 0 && after.start < byTime[at - 1]!.end ? [`/tracks/${trackIndex}/items/${after.index}`] : [])
            const found = validator.validate(state).errors.filter((error) => error.code === "EDITOR_TRACK_ITEMS_OVERLAP").map((error) => error.path)
            expect(found).toEqual(expected)
          }
        ),
        { numRuns: 200 }
      )
    })

    it("whatever the input, the answer has the documented shape and is valid exactly when it has no errors", () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.constant(validState())), (state) => {
          const result = validator.validate(state)
          expect(result.valid).toBe(result.errors.length === 0)
          expect(result.errors.length).toBeLessThanOrEqual(IndreamEditorState.maxErrors)
          for (const error of result.errors) {
            expect(error.path.startsWith("/")).toBe(true)
            expect(error.code).toMatch(/^EDITOR_[A-Z_]+$/)
            expect(error.message.length).toBeGreaterThan(0)
          }
        }),
        { numRuns: 100 }
      )
    })
  })
})
