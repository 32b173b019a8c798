/**
 * The "one of these kinds, told apart by `type`" unions of a JSON Schema (draft-07, local `$ref`s
 * only): finding the property that tells a `oneOf`'s branches apart, and rewriting such a `oneOf`
 * as a dispatch on that property, so that a validator checks the one branch a value names instead
 * of every branch (a `oneOf` must try them all to know that exactly one passes).
 */

type Json = { readonly [key: string]: unknown }

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

const unescape = (segment: string) => segment.replace(/~1/g, "/").replace(/~0/g, "~")

/** The node a local `$ref` (`#/definitions/…`) points to in `root`. */
export const resolveRef = (root: Json, ref: string): unknown => {
  if (!ref.startsWith("#")) return undefined
  let node: unknown = root
  for (const segment of ref.slice(1).split("/").slice(1).map(unescape)) {
    if (Array.isArray(node)) node = node[Number(segment)]
    else if (isObject(node)) node = node[segment]
    else return undefined
  }
  return node
}

const members = (node: Json, keywords: ReadonlyArray<string>): ReadonlyArray<unknown> =>
  keywords.flatMap((keyword) => Array.isArray(node[keyword]) ? node[keyword] as Array<unknown> : [])

/** The constants a schema (through `$ref`, `allOf`, `oneOf`, `anyOf`) requires of property `key`. */
export const constants = (root: Json, node: unknown, key: string, depth = 0): ReadonlyArray<unknown> => {
  if (!isObject(node) || depth > 8) return []
  if (typeof node.$ref === "string") return constants(root, resolveRef(root, node.$ref), key, depth + 1)
  const property = isObject(node.properties) ? node.properties[key] : undefined
  if (isObject(property)) {
    if ("const" in property) return [property.const]
    if (Array.isArray(property.enum)) return property.enum
  }
  return [...new Set(members(node, ["allOf", "oneOf", "anyOf"]).flatMap((member) => constants(root, member, key, depth + 1)))]
}

/** The property names a schema requires a constant of (candidates to tell branches apart). */
const constantKeys = (root: Json, node: unknown, depth = 0): ReadonlyArray<string> => {
  if (!isObject(node) || depth > 8) return []
  if (typeof node.$ref === "string") return constantKeys(root, resolveRef(root, node.$ref), depth + 1)
  const own = isObject(node.properties)
    ? Object.entries(node.properties).filter(([, value]) => isObject(value) && ("const" in value || Array.isArray(value.enum)))
      .map(([name]) => name)
    : []
  return [...new Set([...own, ...members(node, ["allOf", "oneOf", "anyOf"]).flatMap((member) => constantKeys(root, member, depth + 1))])]
}

/**
 * The property that tells `branches` apart: every branch requires constants of it and no two
 * share one (`type` for items and assets, `chartType` among charts). None: not a tagged union.
 */
export const discriminator = (root: Json, branches: ReadonlyArray<unknown>) => {
  const candidates = ["type", ...constantKeys(root, branches[0]).filter((key) => key !== "type")]
  for (const key of candidates) {
    const values = branches.map((branch) => constants(root, branch, key))
    if (values.some((list) => list.length === 0)) continue
    const all = values.flat()
    if (new Set(all).size === all.length) return { key, values }
  }
  return undefined
}

/**
 * Every value property `key` can have in an object, holding `key`, that `node` accepts; undefined
 * when the schema does not bound it. Stricter than `constants`: a union bounds it only when every
 * member does (a member without the bound could accept any value).
 */
const boundValues = (root: Json, node: unknown, key: string, depth = 0): ReadonlyArray<unknown> | undefined => {
  if (!isObject(node) || depth > 8) return undefined
  if (typeof node.$ref === "string") return boundValues(root, resolveRef(root, node.$ref), key, depth + 1)
  const property = isObject(node.properties) ? node.properties[key] : undefined
  if (isObject(property)) {
    if ("const" in property) return [property.const]
    if (Array.isArray(property.enum)) return property.enum
  }
  // Every `allOf` member holds, so any one that bounds the property bounds it.
  for (const member of members(node, ["allOf"])) {
    const bound = boundValues(root, member, key, depth + 1)
    if (bound !== undefined) return bound
  }
  for (const keyword of ["oneOf", "anyOf"]) {
    const union = members(node, [keyword])
    if (union.length === 0) continue
    const bounds = union.map((member) => boundValues(root, member, key, depth + 1))
    if (bounds.every((bound) => bound !== undefined)) return [...new Set(bounds.flat())]
  }
  return undefined
}

/**
 * A `oneOf` of tagged branches as a dispatch: the value must be an object naming one of the kinds
 * in `key`, and only the branch of the kind it names is checked. Accepts nothing the `oneOf`
 * rejects: a value it accepts holds `key` with a value of exactly one branch's kinds, and no other
 * branch can accept a value outside its own kinds. (It may reject what the `oneOf` accepts —
 * none of the v1 schema's tagged unions does — so a caller that must be exact checks a rejection
 * against the original schema.) Undefined when the branches are not provably told apart by `key`.
 */
const dispatch = (root: Json, branches: ReadonlyArray<unknown>, checked: ReadonlyArray<unknown>): Json | undefined => {
  const tagged = discriminator(root, branches)
  if (tagged === undefined) return undefined
  const bounds = branches.map((branch) => boundValues(root, branch, tagged.key))
  if (bounds.some((bound) => bound === undefined || bound.length === 0)) return undefined
  const kinds = bounds as ReadonlyArray<ReadonlyArray<unknown>>
  const all = kinds.flat()
  // Only kinds compared by identity: `enum` compares deeply, a Set by reference.
  if (all.some((kind) => typeof kind === "object" && kind !== null) || new Set(all).size !== all.length) return undefined
  return {
    type: "object",
    required: [tagged.key],
    properties: { [tagged.key]: { enum: all } },
    allOf: checked.map((branch, index) => ({ if: { properties: { [tagged.key]: { enum: kinds[index] } } }, then: branch }))
  }
}

/** Keywords whose values are data, not schemas: never rewritten. */
const dataKeywords = new Set(["const", "enum", "default", "examples"])

/**
 * A copy of `root` with every `oneOf` of tagged branches (anywhere, definitions included) turned
 * into a dispatch on its tag (see `dispatch`); `$ref`s still point at the same places. What it
 * accepts, the original accepts.
 */
export const dispatchTaggedUnions = (root: Json): Json => {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (!isObject(node)) return node
    const copy: { [key: string]: unknown } = {}
    for (const [key, value] of Object.entries(node)) copy[key] = dataKeywords.has(key) ? value : rewrite(value)
    const branches = node.oneOf
    if (Array.isArray(branches) && Array.isArray(copy.oneOf)) {
      // The branches are analysed as written (their `$ref`s resolve in `root`), checked as rewritten.
      const replaced = dispatch(root, branches, copy.oneOf)
      if (replaced !== undefined) {
        delete copy.oneOf
        // Beside the node's own keywords: an `allOf` adds constraints, never removes any.
        copy.allOf = [...(Array.isArray(copy.allOf) ? copy.allOf : []), replaced]
      }
    }
    return copy
  }
  return rewrite(root) as Json
}
