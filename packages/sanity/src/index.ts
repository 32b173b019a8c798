/**
 * @projectkit/sanity — Sanity's management (Projects) API: the wire contract (`SanityApi`), shared
 * by the reference server and the client, and `SanityClient` with the core `Projects` service.
 */
export * as SanityApi from "./SanityApi.js"
export * as SanityClient from "./SanityClient.js"
