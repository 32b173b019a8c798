/**
 * Indream's official documents (`../shared/providers/indream/`: openapi.yaml, the editorState v1
 * schema, the official client's example states), found as `@projectkit/indream`'s tests find them
 * (beside the repository's clone, `PROJECTKIT_SHARED_DIR`, or `/work/shared` outside CI). A missing
 * document throws: a test that needs one fails, never skips.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Yaml from "yaml"

const repositoryRoot = Path.resolve(import.meta.dirname, "../../../..")

/** The folder of Indream's documents; throws, naming where it looked, when there is none. */
export const indreamDirectory = (): string => {
  const override = process.env.PROJECTKIT_SHARED_DIR
  const shared = override !== undefined && override !== ""
    ? [override]
    : [Path.resolve(repositoryRoot, "../shared"), ...(process.env.CI === undefined ? ["/work/shared"] : [])]
  const tried = shared.map((directory) => Path.join(directory, "providers/indream"))
  const found = tried.find((directory) => Fs.existsSync(Path.join(directory, "openapi.yaml")))
  if (found === undefined) throw new Error(`Indream's official documents are missing: looked for openapi.yaml in ${tried.join(", ")}`)
  return found
}

/** The official OpenAPI document, parsed. */
export const officialOpenApi = (): unknown => Yaml.parse(Fs.readFileSync(Path.join(indreamDirectory(), "openapi.yaml"), "utf8"))

/** The official client's example editor states, valid or invalid, by file name. */
export const examples = (kind: "valid" | "invalid"): ReadonlyArray<{ readonly file: string; readonly state: Record<string, unknown> }> => {
  const directory = Path.join(indreamDirectory(), "examples")
  const files = Fs.readdirSync(directory).filter((file) => file.startsWith(`editor-state.${kind}.`) && file.endsWith(".json")).sort()
  if (files.length === 0) throw new Error(`no ${kind} editor-state examples in ${directory}`)
  return files.map((file) => ({ file, state: JSON.parse(Fs.readFileSync(Path.join(directory, file), "utf8")) as Record<string, unknown> }))
}

/** The official example every test starts its projects from. */
export const validState = (): Record<string, unknown> => examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
