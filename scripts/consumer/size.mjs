// The esbuild-minified size of a one-adapter Promise program next to the same program in Effect
// (both sync.so), with what each package contributes; fails if a module only a server needs is in
// either bundle.
import * as esbuild from "esbuild"

const programs = {
  "Promise (createSyncClient)": `
    import { createSyncClient } from "@projectkit/sync"
    const client = createSyncClient({ apiKey: process.env.SYNC_API_KEY })
    await client.projects.create({ name: "x" })
    for await (const project of client.projects.list()) console.log(project.name)
    await client.close()`,
  "Effect (SyncClient.layer)": `
    import { FetchHttpClient } from "@effect/platform"
    import { Projects } from "@projectkit/core"
    import { SyncClient } from "@projectkit/sync"
    import { Effect, Stream } from "effect"
    const program = Effect.gen(function*() {
      const projects = yield* Projects.Projects
      yield* projects.create({ name: "x" })
      return yield* Stream.runCollect(projects.list())
    })
    Effect.runPromise(program.pipe(Effect.provide(SyncClient.layerConfig()), Effect.provide(FetchHttpClient.layer))).then(console.log)`
}

// The reference server and what only it uses: none of it belongs in a client.
const serverOnly = /@projectkit\/server|@effect\/sql|better-sqlite3|[/\\]pg[/\\]|HttpApiBuilder|NodeHttpServer|ProjectsMemory|RateLimit\.js/

const kb = (bytes) => `${(bytes / 1000).toFixed(0)} kB`
let failed = false
for (const [name, contents] of Object.entries(programs)) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    write: false,
    metafile: true,
    logLevel: "error"
  })
  const output = Object.values(result.metafile.outputs)[0]
  const byPackage = {}
  for (const [path, input] of Object.entries(output.inputs)) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
    const owner = match === null ? "(program)" : match[1]
    byPackage[owner] = (byPackage[owner] ?? 0) + input.bytesInOutput
  }
  const parts = Object.entries(byPackage).sort((a, b) => b[1] - a[1]).map(([owner, bytes]) => `${owner} ${kb(bytes)}`)
  console.log(`${name}: ${kb(output.bytes)} minified, ${output.bytes} bytes (${parts.join(", ")})`)
  const offending = Object.keys(output.inputs).filter((path) => serverOnly.test(path))
  if (offending.length > 0) {
    failed = true
    console.error(`  server-only modules in a client bundle:\n    ${offending.join("\n    ")}`)
  }
}
if (failed) process.exit(1)
