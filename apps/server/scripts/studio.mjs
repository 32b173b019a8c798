// Copies the built Studio (@projectkit/studio's dist/) into dist/studio/, where src/Studio.ts
// serves it from: the server carries its web app with it.
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"

const manifest = createRequire(import.meta.url).resolve("@projectkit/studio/package.json")
const built = Path.join(Path.dirname(manifest), "dist")
const target = Path.join(import.meta.dirname, "..", "dist", "studio")
if (!Fs.existsSync(Path.join(built, "index.html"))) {
  console.error(`The Studio is not built (${built}): build @projectkit/studio first`)
  process.exit(1)
}
Fs.rmSync(target, { recursive: true, force: true })
Fs.cpSync(built, target, { recursive: true })
