/**
 * @projectkit/indream — Indream's Open API v1: the wire contract (`IndreamApi`), shared by the
 * reference server and the client, its problem-details errors both ways (`IndreamErrors`), the
 * editorState v1 validator (`IndreamEditorState`), `IndreamClient` with the core `Projects`, the
 * `Autosaver`, export webhook signing and verification (`IndreamWebhooks`), and their Promise
 * face, `createIndreamClient` (`IndreamPromise`). The core errors are re-exported as
 * `ProjectsError`, for `instanceof` without importing `@projectkit/core`.
 */
export * as IndreamApi from "./IndreamApi.js"
export * as IndreamErrors from "./IndreamErrors.js"
export * as IndreamEditorState from "./IndreamEditorState.js"
export * as IndreamClient from "./IndreamClient.js"
export * as Autosaver from "./Autosaver.js"
export * as IndreamWebhooks from "./IndreamWebhooks.js"
export * as IndreamPromise from "./IndreamPromise.js"
export {
  type AutosaverStatus,
  createIndreamClient,
  type IndreamClientOptions,
  type IndreamPromiseClient,
  type PromiseAutosaver
} from "./IndreamPromise.js"
export { verifyWebhook } from "./IndreamWebhooks.js"
export * as ProjectsError from "@projectkit/core/ProjectsError"
