/**
 * The worker thread `EditorStateWorker` starts: it parses the editor states it is sent (JSON text)
 * and answers what `IndreamEditorState`'s validator says of each, in the order they came. A state
 * it cannot parse or validate is answered `undefined`: the server then validates it itself.
 *
 * Its file name is fixed (not a module of the server's API): `EditorStateWorker` finds it beside
 * itself, in `dist/dialects/indream/` and in the bundle's chunks (`scripts/bundle.mjs`).
 */
import * as IndreamEditorState from "@projectkit/indream/IndreamEditorState"
import { parentPort } from "node:worker_threads"

interface Request {
  readonly id: number
  readonly text: string
}

const validator = IndreamEditorState.make()

parentPort?.on("message", ({ id, text }: Request) => {
  let result: IndreamEditorState.ValidationResult | undefined
  try {
    result = validator.validate(JSON.parse(text))
  } catch {
    result = undefined
  }
  parentPort?.postMessage({ id, result })
})
