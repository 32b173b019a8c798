/**
 * @projectkit/sync — sync.so v2: the wire contract (`SyncApi`), shared by the reference server
 * and the client, its errors both ways (`SyncErrors`), and `SyncClient` with the core `Projects`
 * service.
 */
export * as SyncApi from "./SyncApi.js"
export * as SyncClient from "./SyncClient.js"
export * as SyncErrors from "./SyncErrors.js"
