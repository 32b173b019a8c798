import { Ajv } from "ajv"
import * as AjvFormats from "ajv-formats"
import { editorStateSchemaV1 } from "./dist/internal/editorStateSchema.js"
import * as TU from "./dist/internal/taggedUnions.js"
const solid = (i) => ({ id: `item-solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120, top: { value: 0, keyframes: [] }, left: { value: 0, keyframes: [] }, width: { value: 1920, keyframes: [] }, height: { value: 1080, keyframes: [] }, scaleX: { value: 1, keyframes: [] }, scaleY: { value: 1, keyframes: [] }, opacity: { value: 1, keyframes: [] }, isDraggingInTimeline: false, borderRadius: { value: 0, keyframes: [] }, rotation: { value: 0, keyframes: [] }, keepAspectRatio: false })
const items = Object.fromEntries(Array.from({ length: 4400 }, (_, i) => [`item-solid-${i}`, solid(i)]))
const state = JSON.parse(JSON.stringify({ compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000, tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }], assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null } }))
const dispatched = TU.dispatchTaggedUnions(editorStateSchemaV1)
const inline = (root, node, seen = []) => {
  if (Array.isArray(node)) return node.map((n) => inline(root, n, seen))
  if (node === null || typeof node !== "object") return node
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/") && !seen.includes(node.$ref)) {
    const { $ref, ...rest } = node
    const target = TU.resolveRef(root, $ref)
    return { ...inline(root, target, [...seen, $ref]), ...inline(root, rest, seen) }
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "definitions" ? v : inline(root, v, seen)]))
}
const mode = process.argv[2]
const schema = mode === "inline" ? inline(dispatched, dispatched) : dispatched
let t0 = performance.now()
const ajv = new Ajv({ allErrors: false, strict: false, inlineRefs: mode === "inline" ? true : true, code: { source: true } })
AjvFormats.default.default(ajv)
const validate = ajv.compile(schema)
console.log(mode, "compile ms", (performance.now() - t0).toFixed(0), "source", validate.source?.validateCode?.length, "schema json", JSON.stringify(schema).length)
console.log("valid", validate(state))
for (let i = 0; i < 20; i++) validate(state)
const before = process.memoryUsage().heapUsed
t0 = performance.now()
const N = 100
for (let i = 0; i < N; i++) validate(state)
console.log("validate ms", ((performance.now() - t0) / N).toFixed(2))
