/**
 * @projectkit/indream — Indream's Open API v1: the wire contract (`IndreamApi`), shared by the
 * reference server and the client, its problem-details errors both ways (`IndreamErrors`), the
 * editorState v1 validator (`IndreamEditorState`).
 * The core errors are re-exported as `ProjectsError`, for `instanceof` without importing
 * `@projectkit/core`.
 */
export * as IndreamApi from "./IndreamApi.js"
export * as IndreamErrors from "./IndreamErrors.js"
export * as IndreamEditorState from "./IndreamEditorState.js"
export * as ProjectsError from "@projectkit/core/ProjectsError"
