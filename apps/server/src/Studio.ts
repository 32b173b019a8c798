/**
 * The Studio at `/__projectkit/studio`: the web app of `@projectkit/studio` (apps/studio), built
 * into the server's `dist/studio/` at build time and served from memory. Its data comes from the
 * control plane (admin token) alone, and its page may reach nothing but this server (its
 * Content-Security-Policy says so): the machines that run the emulator may be offline.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** Where the Studio is served. */
export const path = "/__projectkit/studio"

/** The app's files, as `apps/studio`'s build writes them. */
const files = {
  "index.html": "text/html; charset=utf-8",
  "studio.js": "text/javascript; charset=utf-8",
  "studio.css": "text/css; charset=utf-8"
} as const

/** Only this server, and no inline script: nothing the page loads can come from another host. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * The folder holding the built app: `dist/studio/` beside this module once built (an installed
 * package carries it), or beside the bundled bin's folder (`dist/bundle/` → `dist/studio/`), or
 * the workspace package's `dist/` when run from source.
 */
const assetsFolder = (): string | undefined => {
  for (const relative of ["./studio/", "../studio/"]) {
    const folder = fileURLToPath(new URL(relative, import.meta.url))
    if (Fs.existsSync(Path.join(folder, "index.html"))) return folder
  }
  try {
    const manifest = createRequire(import.meta.url).resolve("@projectkit/studio/package.json")
    const built = Path.join(Path.dirname(manifest), "dist")
    return Fs.existsSync(Path.join(built, "index.html")) ? built : undefined
  } catch {
    return undefined
  }
}

const notBuilt = HttpServerResponse.text(
  "The Studio was not built: run `pnpm build` (apps/studio), then start the server again.\n",
  { status: 404 }
)

/** The Studio's routes on the platform's router; each file is read once, at start. */
export const layer = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function*() {
    const folder = assetsFolder()
    const responses = new Map<string, HttpServerResponse.HttpServerResponse>()
    for (const [name, contentType] of Object.entries(files)) {
      const bytes = folder === undefined ? undefined : Fs.readFileSync(Path.join(folder, name))
      // One response object per file, so `internal/compression.ts` compresses each once.
      responses.set(
        name,
        bytes === undefined ? notBuilt : HttpServerResponse.uint8Array(bytes, {
          contentType,
          headers: {
            "content-security-policy": contentSecurityPolicy,
            "x-content-type-options": "nosniff",
            // The page is small and changes with the server: always asked again (answered from memory).
            "cache-control": "no-cache"
          }
        })
      )
    }
    const serve = (name: keyof typeof files) => Effect.succeed(responses.get(name) ?? notBuilt)
    // With or without its trailing slash (the router treats both as one).
    yield* router.get(path, serve("index.html"))
    yield* router.get(`${path}/studio.js`, serve("studio.js"))
    yield* router.get(`${path}/studio.css`, serve("studio.css"))
  })
)
