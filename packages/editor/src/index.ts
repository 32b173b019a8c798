/**
 * @projectkit/editor — the editor Open API v1: the wire contract (`EditorApi`), shared by the
 * reference server and the client, its errors both ways (`EditorErrors`), `EditorClient` with the
 * core `Projects`, and the `Autosaver`.
 */
export * as EditorApi from "./EditorApi.js"
export * as EditorErrors from "./EditorErrors.js"
export * as EditorClient from "./EditorClient.js"
export * as Autosaver from "./Autosaver.js"
