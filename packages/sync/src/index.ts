/**
 * @projectkit/sync — sync.so v2: the wire contract (`SyncApi`), shared by the reference server
 * and the client, its errors both ways (`SyncErrors`), `SyncClient` with the core `Projects`
 * service, and its Promise face, `createSyncClient` (`SyncPromise`). The core errors are
 * re-exported as `ProjectsError`, for `instanceof` without importing `@projectkit/core`.
 */
export * as SyncApi from "./SyncApi.js"
export * as SyncClient from "./SyncClient.js"
export * as SyncErrorCatalog from "./SyncErrorCatalog.js"
export * as SyncErrors from "./SyncErrors.js"
export * as SyncPromise from "./SyncPromise.js"
export { createSyncClient, type SyncClientOptions, type SyncPromiseClient } from "./SyncPromise.js"
export * as ProjectsError from "@projectkit/core/ProjectsError"
