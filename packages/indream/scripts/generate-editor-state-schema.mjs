// Writes src/internal/editorStateSchema.ts from schemas/editor-state.v1.schema.json, so the
// validator carries the schema in its own code (no file read at run time, fine in a bundle).
// Run after replacing the schema: node scripts/generate-editor-state-schema.mjs
import * as Fs from "node:fs"

const schema = JSON.parse(Fs.readFileSync(new URL("../schemas/editor-state.v1.schema.json", import.meta.url), "utf8"))
const source = `/**
 * Indream's editorState v1 JSON Schema, as published by Indream (MIT, see schemas/LICENSE):
 * generated from schemas/editor-state.v1.schema.json by scripts/generate-editor-state-schema.mjs.
 * Do not edit; a test checks it is the same as that file.
 */
export const editorStateSchemaV1: { readonly [key: string]: unknown } = ${JSON.stringify(schema, null, 2)}
`
Fs.writeFileSync(new URL("../src/internal/editorStateSchema.ts", import.meta.url), source)
