// Bundles the Studio into dist/: index.html, studio.js (minified, one file) and studio.css. The
// server copies dist/ into its own at build time and serves it at /__projectkit/studio.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Zlib from "node:zlib"

const here = import.meta.dirname
const out = Path.join(here, "dist")
Fs.rmSync(out, { recursive: true, force: true })
Fs.mkdirSync(out, { recursive: true })

await esbuild.build({
  entryPoints: { studio: Path.join(here, "src/main.ts"), "studio-style": Path.join(here, "src/studio.css") },
  outdir: out,
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning"
})
Fs.renameSync(Path.join(out, "studio-style.css"), Path.join(out, "studio.css"))
Fs.copyFileSync(Path.join(here, "src/index.html"), Path.join(out, "index.html"))

const size = (name) => {
  const bytes = Fs.readFileSync(Path.join(out, name))
  return `${name} ${bytes.length} B (${Zlib.gzipSync(bytes, { level: 9 }).length} B gzipped)`
}
console.log(`studio: ${["studio.js", "studio.css", "index.html"].map(size).join(", ")}`)
