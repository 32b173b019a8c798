// The published bin bundled: `dist/bundle/projectkit-server.js` and its chunks, every module of
// the server and of its dependencies bundled by esbuild, but better-sqlite3 (a native addon) and pg
// (whose optional native binding is looked up at run time), which stay installed dependencies.
//
// Why: from spawn to the first healthy answer, Node spent ~1.5 s of ~3.5 s resolving and loading
// several hundred ES modules one file at a time; a few dozen files of the same code load in a
// fraction of that (see the `startup` scenario of `pnpm bench`), each under ~200 KB for the idle
// memory's sake (bundleParts.mjs). `dist/bin.js` (tsc's output, the unbundled
// modules) stays what the repository's own scripts and tests run; both take the same flags.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as BundleParts from "./bundleParts.mjs"

const root = Path.resolve(import.meta.dirname, "..")
const outdir = Path.join(root, "dist/bundle")
const outfile = Path.join(outdir, "projectkit-server.js")

Fs.rmSync(outdir, { recursive: true, force: true })
const entryPoints = { "projectkit-server": Path.join(root, "src/start.ts") }
const options = {
  outdir,
  // What is imported on demand (the Swagger UI page, ~2 MB) is a file of its own, loaded on demand.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3", "pg", "pg-native"],
  // Bundled CommonJS modules call `require` for Node's built-ins: give the ES module one.
  banner: {
    js: "import { createRequire as __projectkitCreateRequire } from \"node:module\"; const require = __projectkitCreateRequire(import.meta.url);"
  },
  // Smaller text parses faster. Identifiers are not minified, so stack traces and class names stay
  // readable (and `keepNames`, which wraps every function at load, is not needed).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  metafile: true,
  sourcemap: process.env.BUNDLE_SOURCEMAP === "1",
  logLevel: "warning"
}
// What the bin loads at start cut into files of at most ~200 KB: idle memory (see bundleParts.mjs).
const parts = await BundleParts.startupParts(
  (entries) => esbuild.build({ ...options, entryPoints: entries, write: false, sourcemap: false }),
  entryPoints
)
const result = await esbuild.build({ ...options, entryPoints: { ...entryPoints, ...parts } })

// The Indream dialect's editor-state worker thread (EditorStateWorker.ts) loads its own file, found
// beside the code that starts it (the output holding EditorStateWorker.ts, whose `import.meta.url`
// it resolves against): built apart, so that what it shares with the bin is not split into chunks
// the bin would then load at start.
const starter = Object.entries(result.metafile.outputs)
  .find(([, output]) => Object.keys(output.inputs).some((input) => input.endsWith("src/dialects/indream/EditorStateWorker.ts")))?.[0]
if (starter === undefined) throw new Error("bundle: no output holds EditorStateWorker.ts, beside which the editor-state worker goes")
await esbuild.build({
  entryPoints: { "editor-state-worker": Path.join(root, "src/dialects/indream/editor-state-worker.ts") },
  outdir: Path.dirname(Path.resolve(starter)),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning"
})

// The shebang of src/start.ts is kept by esbuild: the file runs as a bin.
Fs.chmodSync(outfile, 0o755)
const inputs = Object.keys(result.metafile.inputs).length
const chunks = Object.keys(result.metafile.outputs).filter((output) => output.endsWith(".js")).length - 1
const [largestBytes, largest] = BundleParts.largestAtStart(result.metafile, "projectkit-server")
console.log(
  `bundled ${inputs} modules into ${Path.relative(root, outfile)} (and ${chunks} more files: chunks, and the entry points that shape them; the largest loaded at start ${(largestBytes / 1024).toFixed(0)} KB)`
)
// Over ~260 KB, reading it raises glibc's thresholds and an idle server keeps ~10 MB more (bundleParts.mjs).
if (largestBytes > 250 * 1024) console.warn(`bundle: ${largest} is ${(largestBytes / 1024).toFixed(0)} KB, over 250 KB: lower the limit of BundleParts.startupParts`)
