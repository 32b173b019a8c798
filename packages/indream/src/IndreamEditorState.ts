/**
 * Whether an `editorState` is a valid Indream v1 state, answered as `POST /v1/editor/validate`
 * answers: `{valid, errors: [{code, path, message}]}`, `path` a JSON pointer into the state.
 *
 * Two passes, as the document describes ("Validate editor JSON schema and semantic rules"):
 * 1. the official v1 JSON Schema (shipped in this package, see `schemas/README.md`), with Ajv 8
 *    and ajv-formats, compiled once per validator. Where the schema says "one of" a list of kinds
 *    told apart by `type` (items, assets, upload states), only the kind the value names is
 *    reported, not every other kind it is not. A state is first checked, fast, with those unions
 *    dispatched on their tag (`internal/taggedUnions.ts`), up to its first error; only a state
 *    that check rejects is checked again for every error;
 * 2. when the schema passes, the semantic rules: keyframes inside their clip (DOC: "timeTicks <
 *    item.durationTicks", local clip time), no overlap within one track (DOC: items "may touch
 *    end-to-start"), track items that exist, transitions between adjacent clips of their track
 *    (the official client's test: `EDITOR_TRANSITION_CLIP_NOT_ADJACENT`), and item assets that
 *    exist and are not deleted (an asset listed in `deletedAssets`).
 *
 * Codes: `EDITOR_SCHEMA_INVALID`, `EDITOR_EFFECT_TYPE_INVALID`, `EDITOR_FILTER_TYPE_INVALID`,
 * `EDITOR_TRANSITION_TYPE_INVALID` and `EDITOR_TRANSITION_CLIP_NOT_ADJACENT` are the official
 * client's tests'; INF: the other `EDITOR_*` codes, in the same style.
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { Ajv, type ErrorObject } from "ajv"
import * as AjvFormats from "ajv-formats"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import type * as IndreamApi from "./IndreamApi.js"
import * as IndreamErrors from "./IndreamErrors.js"
import { editorStateSchemaV1 } from "./internal/editorStateSchema.js"
import * as TaggedUnions from "./internal/taggedUnions.js"

export type ValidationError = IndreamApi.EditorValidationError
export type ValidationResult = IndreamApi.EditorValidationResult

/** The official v1 schema's `$id`. */
export const schemaId = "https://api.indream.ai/schemas/editor-state.v1.schema.json"

/** The v1 JSON Schema this package validates against (Indream's, MIT). */
export const schema: { readonly [key: string]: unknown } = editorStateSchemaV1

/** INF: at most this many errors are reported; the first ones, in document order. */
export const maxErrors = 100

export const Code = {
  SchemaInvalid: "EDITOR_SCHEMA_INVALID",
  EffectTypeInvalid: "EDITOR_EFFECT_TYPE_INVALID",
  FilterTypeInvalid: "EDITOR_FILTER_TYPE_INVALID",
  TransitionTypeInvalid: "EDITOR_TRANSITION_TYPE_INVALID",
  TransitionClipNotAdjacent: "EDITOR_TRANSITION_CLIP_NOT_ADJACENT",
  TransitionTrackNotFound: "EDITOR_TRANSITION_TRACK_NOT_FOUND",
  KeyframeOutOfRange: "EDITOR_KEYFRAME_OUT_OF_RANGE",
  TrackItemsOverlap: "EDITOR_TRACK_ITEMS_OVERLAP",
  TrackItemNotFound: "EDITOR_TRACK_ITEM_NOT_FOUND",
  AssetNotFound: "EDITOR_ASSET_NOT_FOUND",
  AssetDeleted: "EDITOR_ASSET_DELETED"
} as const

/**
 * The smallest valid v1 state: an empty timeline of `width`×`height` (1920×1080 by default) with
 * one empty track (the schema wants at least one). What a project created without a state of its
 * own (the neutral `Projects.create`) starts with.
 */
export const blank = (options: { readonly width?: number; readonly height?: number } = {}): { [key: string]: unknown } => ({
  compositionWidth: options.width ?? 1920,
  compositionHeight: options.height ?? 1080,
  timebaseTicksPerSecond: 240000,
  tracks: [{ id: "track-1", items: [], hidden: false, muted: false }],
  assets: {},
  items: {},
  transitions: {},
  globalBackground: { type: "none" },
  deletedAssets: []
})

/** A validator of editor states: the schema compiled once, used for every call. */
export interface Validator {
  readonly validate: (editorState: unknown) => ValidationResult
}

/** The validator as a service, for a server that builds it once. */
export class EditorStateValidator extends Context.Tag("@projectkit/indream/EditorStateValidator")<
  EditorStateValidator,
  Validator
>() {}

// ---------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------

type Json = { readonly [key: string]: unknown }

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

/** One JSON-pointer segment (RFC 6901). */
const escape = (segment: string | number) => String(segment).replace(/~/g, "~0").replace(/\//g, "~1")
const pointer = (...segments: ReadonlyArray<string | number>) => "/" + segments.map(escape).join("/")
const under = (base: string, ...segments: ReadonlyArray<string | number>) =>
  (base === "/" ? "" : base) + pointer(...segments)

const unescape = (segment: string) => segment.replace(/~1/g, "/").replace(/~0/g, "~")

/** The value at a JSON pointer (`""` is the root). */
const at = (root: unknown, path: string): unknown => {
  if (path === "" || path === "/") return root
  let value: unknown = root
  for (const segment of path.slice(1).split("/").map(unescape)) {
    if (Array.isArray(value)) value = value[Number(segment)]
    else if (isObject(value)) value = value[segment]
    else return undefined
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// Pass 1: the JSON Schema
// ---------------------------------------------------------------------------------------------

/** The code of a schema error, by where it is (as the official client's tests tell them apart). */
const schemaCode = (path: string): string =>
  path.includes("/effectType")
    ? Code.EffectTypeInvalid
    : path.includes("/filterType")
    ? Code.FilterTypeInvalid
    : path.startsWith("/transitions")
    ? Code.TransitionTypeInvalid
    : Code.SchemaInvalid

/** Ajv's error as ours: the path names the property at fault, the message the allowed values. */
const fromAjv = (error: ErrorObject, base: string): ValidationError => {
  const path = base + error.instancePath
  const params = error.params as Json
  const named = (key: string) => typeof params[key] === "string" ? under(path, params[key] as string) : path
  const located = error.keyword === "required"
    ? named("missingProperty")
    : error.keyword === "additionalProperties"
    ? named("additionalProperty")
    : path
  const message = error.keyword === "enum" && Array.isArray(params.allowedValues)
    ? `must be one of: ${params.allowedValues.map((value) => JSON.stringify(value)).join(", ")}`
    : error.keyword === "const"
    ? `must be ${JSON.stringify(params.allowedValue)}`
    : error.keyword === "additionalProperties"
    ? "is not allowed here"
    : error.message ?? `fails ${error.keyword}`
  const finalPath = located === "" ? "/" : located
  return { code: schemaCode(finalPath), path: finalPath, message }
}

/** Every object and array of the schema, by identity, with its JSON pointer. */
const indexSchema = (node: unknown, path: string, index: WeakMap<object, string>): void => {
  if (typeof node !== "object" || node === null || index.has(node)) return
  index.set(node, path)
  for (const [key, value] of Object.entries(node)) indexSchema(value, `${path}/${escape(key)}`, index)
}

interface Compiled {
  readonly ajv: Ajv
  readonly pointers: WeakMap<object, string>
}

/** Errors of `data` against the v1 schema's subschema at `fragment` (`#/definitions/…`). */
const errorsAgainst = (compiled: Compiled, fragment: string, data: unknown): ReadonlyArray<ErrorObject> | undefined => {
  const validate = compiled.ajv.getSchema(`${schemaId}${fragment}`)
  if (validate === undefined) return undefined
  return validate(data) ? [] : [...(validate.errors ?? [])]
}

/**
 * `errors` (at `base`, in `data`) with each "one of these kinds" failure narrowed to the kind the
 * value names (by `type`, or whichever property tells the kinds apart): that kind's own errors
 * (themselves narrowed), or, when the value names no kind, one error on that property listing
 * the kinds. Ajv reports a `oneOf` after its branches' errors, so at one path the last is the
 * outermost, handled first.
 */
const narrow = (
  compiled: Compiled,
  errors: ReadonlyArray<ErrorObject>,
  data: unknown,
  base: string,
  depth = 0
): ReadonlyArray<ValidationError> => {
  const oneOfs = errors
    .map((error, order) => ({ error, order }))
    .filter(({ error }) => error.keyword === "oneOf")
    .sort((a, b) => a.error.instancePath.length - b.error.instancePath.length || b.order - a.order)
    .map(({ error }) => error)
  const inside = (path: string, container: string) => path === container || path.startsWith(container + "/")
  const handled: Array<string> = []
  const result: Array<ValidationError> = []
  for (const oneOf of oneOfs) {
    if (depth > 6 || handled.some((path) => inside(oneOf.instancePath, path))) continue
    const branches: unknown = oneOf.schema
    if (!Array.isArray(branches)) continue
    const location = compiled.pointers.get(branches)
    const tagged = TaggedUnions.discriminator(editorStateSchemaV1, branches)
    if (location === undefined || tagged === undefined) continue
    const value = at(data, oneOf.instancePath)
    const tag = isObject(value) ? value[tagged.key] : undefined
    const chosen = tagged.values.findIndex((values) => tag !== undefined && values.includes(tag))
    const path = base + oneOf.instancePath
    if (chosen === -1) {
      const allowed = tagged.values.flat().map((name) => JSON.stringify(name)).join(", ")
      const tagPath = under(path === "" ? "/" : path, tagged.key)
      handled.push(oneOf.instancePath)
      result.push({ code: schemaCode(tagPath), path: tagPath, message: `must be one of: ${allowed}` })
      continue
    }
    const branchErrors = errorsAgainst(compiled, `#${location}/${chosen}`, value)
    if (branchErrors === undefined) continue
    handled.push(oneOf.instancePath)
    result.push(...narrow(compiled, branchErrors, value, path, depth + 1))
  }
  for (const error of errors) {
    if (handled.some((path) => inside(error.instancePath, path))) continue
    result.push(fromAjv(error, base))
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Pass 2: the semantic rules (on a state the schema accepted)
// ---------------------------------------------------------------------------------------------

const numberField = (value: Json, key: string): number => (typeof value[key] === "number" ? value[key] as number : 0)

/** Whether `value` is an animated number track (`{value, keyframes}`). */
const isAnimatedTrack = (value: unknown): value is { readonly keyframes: ReadonlyArray<Json> } =>
  isObject(value) && typeof value.value === "number" && Array.isArray(value.keyframes)

/** An item's place in its track (`index` among the track's item ids) and time span. */
interface Span {
  readonly index: number
  readonly id: string
  readonly start: number
  readonly end: number
}

/** Item `after` starts before item `before` ends, in one track. */
const overlap = (trackIndex: number, before: Span, after: Span): ValidationError => ({
  code: Code.TrackItemsOverlap,
  path: pointer("tracks", trackIndex, "items", after.index),
  message: `item ${after.id} (from ${after.start} ticks) overlaps item ${before.id} (until ${before.end} ticks) in the same track`
})

/**
 * The semantic rules' errors: items (keyframes, then asset) in document order, then tracks, then
 * transitions. Plain loops over keys, no per-property entry arrays: it runs on every sync, and a
 * large state has thousands of items.
 */
const semanticErrors = (state: Json): ReadonlyArray<ValidationError> => {
  const errors: Array<ValidationError> = []
  const items = isObject(state.items) ? state.items : {}
  const assets = isObject(state.assets) ? state.assets : {}
  const tracks = Array.isArray(state.tracks) ? state.tracks.filter(isObject) : []
  const deleted = new Set(
    (Array.isArray(state.deletedAssets) ? state.deletedAssets : [])
      .filter(isObject)
      .map((entry) => entry.assetId)
      .filter((id): id is string => typeof id === "string")
  )

  for (const itemKey of Object.keys(items)) {
    const item = items[itemKey]
    if (!isObject(item)) continue
    const duration = numberField(item, "durationTicks")
    // for-in: the keys of objects of one shape are enumerated from V8's cache, not copied to an array.
    for (const property in item) {
      const value = item[property]
      if (!isAnimatedTrack(value)) continue
      const keyframes = value.keyframes
      for (let index = 0; index < keyframes.length; index++) {
        const keyframe: unknown = keyframes[index]
        // A property the schema does not know may hold anything in its keyframes.
        const time = isObject(keyframe) ? numberField(keyframe, "timeTicks") : 0
        if (time >= duration) {
          errors.push({
            code: Code.KeyframeOutOfRange,
            path: pointer("items", itemKey, property, "keyframes", index, "timeTicks"),
            message: `keyframe at ${time} ticks is outside its clip: local time must be below durationTicks (${duration})`
          })
        }
      }
    }
    if (typeof item.assetId === "string") {
      const path = pointer("items", itemKey, "assetId")
      if (deleted.has(item.assetId)) {
        errors.push({ code: Code.AssetDeleted, path, message: `asset ${item.assetId} is deleted (listed in deletedAssets)` })
      } else if (!(item.assetId in assets)) {
        errors.push({ code: Code.AssetNotFound, path, message: `asset ${item.assetId} is not in assets` })
      }
    }
  }

  tracks.forEach((track, trackIndex) => {
    const ids: ReadonlyArray<unknown> = Array.isArray(track.items) ? track.items : []
    // Editors keep a track's items in time order: then each item is compared with the one before
    // it as it comes; only a track out of order is sorted (below).
    let inOrder = true
    const overlaps: Array<ValidationError> = []
    let before: Span | undefined
    for (let position = 0, index = 0; position < ids.length; position++) {
      const id = ids[position]
      if (typeof id !== "string") continue
      const item = items[id]
      if (!isObject(item)) {
        errors.push({
          code: Code.TrackItemNotFound,
          path: pointer("tracks", trackIndex, "items", index),
          message: `item ${id} is not in items`
        })
      } else {
        const start = numberField(item, "startTicks")
        const span = { index, id, start, end: start + numberField(item, "durationTicks") }
        if (before !== undefined && inOrder) {
          if (span.start < before.start) inOrder = false
          else if (span.start < before.end) overlaps.push(overlap(trackIndex, before, span))
        }
        before = span
      }
      index++
    }
    if (inOrder) {
      for (const error of overlaps) errors.push(error)
      return
    }
    const spans: Array<Span> = []
    for (let position = 0, index = 0; position < ids.length; position++) {
      const id = ids[position]
      if (typeof id !== "string") continue
      const item = items[id]
      if (isObject(item)) {
        const start = numberField(item, "startTicks")
        spans.push({ index, id, start, end: start + numberField(item, "durationTicks") })
      }
      index++
    }
    spans.sort((a, b) => a.start - b.start || a.index - b.index)
    for (let next = 1; next < spans.length; next++) {
      if (spans[next]!.start < spans[next - 1]!.end) errors.push(overlap(trackIndex, spans[next - 1]!, spans[next]!))
    }
  })

  const transitions = isObject(state.transitions) ? state.transitions : {}
  for (const [key, transition] of Object.entries(transitions)) {
    if (!isObject(transition)) continue
    const track = tracks.find((candidate) => candidate.id === transition.trackId)
    if (track === undefined) {
      errors.push({
        code: Code.TransitionTrackNotFound,
        path: pointer("transitions", key, "trackId"),
        message: `track ${String(transition.trackId)} does not exist`
      })
      continue
    }
    const order = Array.isArray(track.items) ? track.items : []
    const from = order.indexOf(transition.fromClipId)
    const to = order.indexOf(transition.toClipId)
    if (from === -1 || to === -1 || to !== from + 1) {
      errors.push({
        code: Code.TransitionClipNotAdjacent,
        path: pointer("transitions", key),
        message: "transition clips must be adjacent in track timeline: toClipId must follow fromClipId in the track"
      })
    }
  }
  return errors
}

// ---------------------------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------------------------

const unique = (errors: ReadonlyArray<ValidationError>): ReadonlyArray<ValidationError> => {
  const seen = new Set<string>()
  return errors.filter((error) => {
    const key = `${error.code}\u0000${error.path}\u0000${error.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The v1 schema compiled to report every error (the costly part: ~0.5 s and tens of MB), with
 * where each branch lies in it.
 */
const compileReporting = () => {
  // verbose: a `oneOf` error then carries its branches, which `narrow` locates in the schema.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
  AjvFormats.default.default(ajv)
  ajv.addSchema(editorStateSchemaV1 as object)
  const validateRoot = ajv.getSchema(schemaId)
  if (validateRoot === undefined) throw new Error(`the editorState schema ${schemaId} did not compile`)
  const pointers = new WeakMap<object, string>()
  indexSchema(editorStateSchemaV1, "", pointers)
  const compiled: Compiled = { ajv, pointers }
  return { validateRoot, compiled }
}

/**
 * The v1 schema compiled to answer only "valid or not", fast: each tagged `oneOf` (items, assets,
 * …) a dispatch on its `type`, so an item is checked against its own kind only, not against all
 * thirteen, and the first error ends the check. It accepts nothing the v1 schema rejects; a state
 * it rejects goes through the reporting schema, which finds the errors (or, should the two
 * disagree, accepts it), so the answers are exactly the v1 schema's.
 */
const compileAccepting = () => {
  const ajv = new Ajv({ allErrors: false, strict: false })
  AjvFormats.default.default(ajv)
  const validate = ajv.compile(TaggedUnions.dispatchTaggedUnions(editorStateSchemaV1))
  return (editorState: unknown): boolean => validate(editorState)
}

/**
 * A validator: the v1 schema compiled once, on its first use (make one and keep it), so that a
 * process that never validates a state (a server no Indream client calls) never pays for it. The
 * reporting schema is compiled only when a first state is rejected.
 */
export const make = (): Validator => {
  let accepts: ReturnType<typeof compileAccepting> | undefined
  let reporting: ReturnType<typeof compileReporting> | undefined
  /** The schema's errors; undefined when the schema accepts the state. */
  const schemaErrors = (editorState: Json): ReadonlyArray<ValidationError> | undefined => {
    accepts ??= compileAccepting()
    if (accepts(editorState)) return undefined
    reporting ??= compileReporting()
    const { compiled, validateRoot } = reporting
    return validateRoot(editorState) ? undefined : narrow(compiled, [...(validateRoot.errors ?? [])], editorState, "")
  }
  return {
    validate: (editorState) => {
      if (!isObject(editorState)) {
        return { valid: false, errors: [{ code: Code.SchemaInvalid, path: "/", message: "must be object" }] }
      }
      const errors = schemaErrors(editorState) ?? semanticErrors(editorState)
      const reported = unique(errors).slice(0, maxErrors)
      return { valid: reported.length === 0, errors: reported }
    }
  }
}

/** `EditorStateValidator`, compiled once for the Layer's lifetime. */
export const layer: Layer.Layer<EditorStateValidator> = Layer.sync(EditorStateValidator, make)

// ---------------------------------------------------------------------------------------------
// As errors
// ---------------------------------------------------------------------------------------------

/** The refusal of an invalid state, in core terms: one issue per error, under `editorState`. */
export const toValidation = (result: ValidationResult): ProjectsError.Validation =>
  new ProjectsError.Validation({
    issues: result.errors.map((error) => ({
      path: ["editorState", ...error.path.split("/").slice(1).filter((segment) => segment !== "").map(unescape)],
      message: `${error.message} (${error.code})`
    }))
  })

/**
 * The refusal of an invalid state on create, sync and exports, as Indream words it: 422 with the
 * first error's code, every error (up to a few) in `detail`.
 */
export const toProblem = (result: ValidationResult): IndreamErrors.UnprocessableContent => {
  const shown = result.errors.slice(0, 5).map((error) => `${error.path} ${error.message}`)
  const more = result.errors.length > shown.length ? ` (and ${result.errors.length - shown.length} more)` : ""
  return new IndreamErrors.UnprocessableContent(IndreamErrors.problemBody(
    422,
    result.errors[0]?.code ?? IndreamErrors.ErrorCode.EditorSchemaInvalid,
    `editorState is invalid: ${shown.join("; ")}${more}`
  ))
}
