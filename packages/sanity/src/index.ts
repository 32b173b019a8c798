/**
 * @projectkit/sanity — Sanity's management (Projects) API: the wire contract (`SanityApi`), shared
 * by the reference server and the client, its errors both ways (`SanityErrors`), `SanityClient`
 * with the core `Projects` service, and its Promise face, `createSanityClient` (`SanityPromise`).
 * The core errors are re-exported as `ProjectsError`, for `instanceof` without importing
 * `@projectkit/core`.
 */
export * as SanityApi from "./SanityApi.js"
export * as SanityClient from "./SanityClient.js"
export * as SanityErrors from "./SanityErrors.js"
export * as SanityPromise from "./SanityPromise.js"
export { createSanityClient, type SanityClientOptions, type SanityPromiseClient } from "./SanityPromise.js"
export * as ProjectsError from "@projectkit/core/ProjectsError"
