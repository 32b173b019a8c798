/**
 * @projectkit/editor — the editor Open API v1: the wire contract (`EditorApi`), shared by the
 */
export * as EditorApi from "./EditorApi.js"
export * as EditorClient from "./EditorClient.js"
