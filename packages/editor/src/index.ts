/**
 * @projectkit/editor — the editor Open API v1: the wire contract (`EditorApi`), shared by the
 * reference server and the client, its errors both ways (`EditorErrors`), `EditorClient` with the
 * core `Projects`, the `Autosaver`, and their Promise face, `createEditorClient` (`EditorPromise`).
 * The core errors are re-exported as `ProjectsError`, for `instanceof` without importing
 * `@projectkit/core`.
 */
export * as EditorApi from "./EditorApi.js"
export * as EditorErrors from "./EditorErrors.js"
export * as EditorClient from "./EditorClient.js"
export * as Autosaver from "./Autosaver.js"
export * as EditorPromise from "./EditorPromise.js"
export {
  type AutosaverStatus,
  createEditorClient,
  type EditorClientOptions,
  type EditorPromiseClient,
  type PromiseAutosaver
} from "./EditorPromise.js"
export * as ProjectsError from "@projectkit/core/ProjectsError"
