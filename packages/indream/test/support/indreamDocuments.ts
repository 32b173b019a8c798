/**
 * Indream's official documents (`../shared/providers/indream/`: openapi.yaml, the editorState v1
 * schema, the official client's examples), read from beside the repository's clone as CI places
 * them. `PROJECTKIT_SHARED_DIR` overrides where `shared/` is; outside CI, `/work/shared` is tried
 * when the sibling is missing. A missing document throws: a test that needs one fails, never skips.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Yaml from "yaml"

const repositoryRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../../..")

const candidates = (): ReadonlyArray<string> => {
  const override = process.env.PROJECTKIT_SHARED_DIR
  if (override !== undefined && override !== "") return [override]
  const sibling = Path.resolve(repositoryRoot, "../shared")
  return process.env.CI === undefined ? [sibling, "/work/shared"] : [sibling]
}

/** The folder of Indream's documents; throws, naming where it looked, when there is none. */
export const indreamDirectory = (): string => {
  const tried = candidates().map((shared) => Path.join(shared, "providers/indream"))
  const found = tried.find((directory) => Fs.existsSync(Path.join(directory, "openapi.yaml")))
  if (found === undefined) {
    throw new Error(`Indream's official documents are missing: looked for openapi.yaml in ${tried.join(", ")}`)
  }
  return found
}

/** The official OpenAPI document, parsed. */
export const officialOpenApi = (): { readonly [key: string]: unknown } =>
  Yaml.parse(Fs.readFileSync(Path.join(indreamDirectory(), "openapi.yaml"), "utf8")) as { readonly [key: string]: unknown }

export interface Example {
  readonly file: string
  readonly state: Record<string, unknown>
}

/** The official client's example editor states, valid or invalid. */
export const examples = (kind: "valid" | "invalid"): ReadonlyArray<Example> => {
  const directory = Path.join(indreamDirectory(), "examples")
  const files = Fs.readdirSync(directory)
    .filter((file) => file.startsWith(`editor-state.${kind}.`) || file === `editor-state.${kind}.json`)
    .filter((file) => file.endsWith(".json"))
    .sort()
  if (files.length === 0) throw new Error(`no ${kind} editor-state examples in ${directory}`)
  return files.map((file) => ({
    file,
    state: JSON.parse(Fs.readFileSync(Path.join(directory, file), "utf8")) as Record<string, unknown>
  }))
}

/** The official editorState v1 schema, as published beside openapi.yaml. */
export const officialEditorStateSchema = (): unknown =>
  JSON.parse(Fs.readFileSync(Path.join(indreamDirectory(), "schemas/editor-state.v1.schema.json"), "utf8"))
