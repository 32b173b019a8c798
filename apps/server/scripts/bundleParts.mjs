// The bundled bin's start-up code in files of at most ~200 KB (issue 28: idle memory).
//
// Why: Node reads an ES module's file whole into one buffer. glibc's malloc serves a buffer of
// 128 KB or more with mmap, and freeing such a buffer raises the size from which it uses mmap (and
// twice that, the free memory it keeps before giving any back) to that buffer's size: a 1 MB chunk
// raised both to 1 MB and 2 MB. Every block under 1 MB the start then asked for (the parser's and
// compiler's zones of each chunk, the other chunks' text) came from the heap instead, and what the
// start freed stayed resident around what it kept: ~12 MB of an idle server's ~90 MB, free but
// never returned (glibc's `malloc_stats`: 13 MB held by the main arena, 5 MB in use). Files under
// ~260 KB keep the threshold where Node's own start leaves it (260 KB), and that memory goes back.
//
// How: esbuild puts each module in the chunk of the set of entry points that reach it. Each
// extra entry point (a module of the bundle, emitted as `parts/<n>.js`, never loaded) splits the
// chunk holding it in two: the modules it imports, directly or not, and the others. The largest
// chunk loaded at start is split, at the module that halves it best, until every one is under the
// limit. An entry point keeps every export of its module, not only those the bin uses: a module
// whose output grows with that (or that then pulls in modules the bin never loaded) is not used
// again, and the choice is made anew without it.
import * as Path from "node:path"

/** The sum of `bytesInOutput` of each module, over the outputs loaded at start. */
const startupModules = (metafile, entryOutput) => {
  const outputs = metafile.outputs
  // What the entry imports, statically or (the bin, once the young generation is held) at once;
  // then what those import statically. Other dynamic imports (Swagger UI, the PostgreSQL client)
  // are loaded on demand.
  const loaded = new Set([entryOutput])
  const pending = outputs[entryOutput].imports.filter((i) => !i.external).map((i) => i.path)
  while (pending.length > 0) {
    const output = pending.pop()
    if (loaded.has(output) || outputs[output] === undefined) continue
    loaded.add(output)
    for (const i of outputs[output].imports) if (!i.external && i.kind === "import-statement") pending.push(i.path)
  }
  const sizes = new Map()
  for (const output of loaded) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[output].inputs)) {
      sizes.set(input, (sizes.get(input) ?? 0) + bytesInOutput)
    }
  }
  return { loaded, sizes }
}

/** The chunk files (not entry stubs) of `loaded`, largest first, as [bytes, output]. */
const chunkSizes = (metafile, loaded) =>
  [...loaded]
    .filter((output) => metafile.outputs[output].entryPoint === undefined || /\/chunks\//.test(output))
    .map((output) => [metafile.outputs[output].bytes, output])
    .sort((a, b) => b[0] - a[0])

/**
 * Extra entry points (`{ "parts/<n>": file }`) for `build(entryPoints)` (an esbuild build with a
 * metafile, not written), so that every chunk the bin loads at start is at most `limitBytes`, as
 * esbuild counts a module's bytes.
 */
export const startupParts = async (build, entryPoints, limitBytes = 150_000) => {
  const [entryName] = Object.keys(entryPoints)
  const first = (await build(entryPoints)).metafile
  const entryOutput = Object.keys(first.outputs).find((output) => first.outputs[output].entryPoint !== undefined && Path.basename(output, ".js") === entryName)
  const { sizes } = startupModules(first, entryOutput)
  const imports = new Map()
  const dynamicTargets = new Set(Object.values(first.inputs).flatMap((input) => input.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path)))
  for (const [input, { imports: list }] of Object.entries(first.inputs)) {
    imports.set(input, list.filter((i) => i.kind === "import-statement" && !i.external && first.inputs[i.path] !== undefined).map((i) => i.path))
  }
  const reach = new Map()
  const reachOf = (module) => {
    let found = reach.get(module)
    if (found !== undefined) return found
    found = new Set([module])
    reach.set(module, found)
    for (const dependency of imports.get(module) ?? []) for (const each of reachOf(dependency)) found.add(each)
    return found
  }
  const modules = [...sizes.keys()]
  const bytes = (group) => group.reduce((sum, module) => sum + sizes.get(module), 0)
  // Never an entry already (the bin's own, what is imported dynamically), nor one found to grow.
  // (esbuild names modules relative to its working directory, the process's by default.)
  const excluded = new Set([...Object.values(entryPoints).map((file) => Path.relative(process.cwd(), file)), ...dynamicTargets])

  let parts = []
  for (let attempt = 0; attempt < 8; attempt++) {
    parts = []
    const groups = () => {
      const bySet = new Map()
      for (const module of modules) {
        const key = parts.filter((part) => reachOf(part).has(module)).join("\n")
        const group = bySet.get(key)
        if (group === undefined) bySet.set(key, [module])
        else group.push(module)
      }
      return [...bySet.values()].sort((a, b) => bytes(b) - bytes(a))
    }
    for (let group = groups()[0]; bytes(group) > limitBytes; group = groups()[0]) {
      const total = bytes(group)
      const members = new Set(group)
      let best
      let bestDistance = Infinity
      for (const candidate of group) {
        if (excluded.has(candidate) || parts.includes(candidate)) continue
        let inside = 0
        for (const module of reachOf(candidate)) if (members.has(module)) inside += sizes.get(module)
        if (inside === total) continue
        const distance = Math.abs(total / 2 - inside)
        if (distance < bestDistance) {
          bestDistance = distance
          best = candidate
        }
      }
      if (best === undefined) break
      parts.push(best)
    }
    const withParts = (await build({ ...entryPoints, ...partEntries(parts) })).metafile
    const { sizes: after } = startupModules(withParts, entryOutput)
    const grown = parts.filter((part) => (after.get(part) ?? 0) > sizes.get(part) * 1.15 + 2_000)
    // A module new at start is imported by a kept export of a part: that part is dropped.
    const added = new Set([...after.keys()].filter((module) => !sizes.has(module)))
    const pulling = parts.filter((part) => withParts.inputs[part]?.imports.some((i) => added.has(i.path)))
    const dropped = [...grown, ...(added.size > 0 && pulling.length === 0 ? parts.slice(-1) : pulling)]
    if (added.size === 0 && grown.length === 0) break
    for (const part of dropped) excluded.add(part)
  }
  return partEntries(parts)
}

const partEntries = (parts) => Object.fromEntries(parts.map((part, n) => [`parts/${n}`, Path.resolve(part)]))

/** The largest chunk loaded at start, once built: [bytes, output]. */
export const largestAtStart = (metafile, entryName) => {
  const entryOutput = Object.keys(metafile.outputs).find((output) => metafile.outputs[output].entryPoint !== undefined && Path.basename(output, ".js") === entryName)
  const { loaded } = startupModules(metafile, entryOutput)
  return chunkSizes(metafile, loaded)[0]
}
