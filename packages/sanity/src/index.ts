/**
 * @projectkit/sanity — Sanity's management (Projects) API: the wire contract (`SanityApi`), shared
 * by the reference server and the client, its errors both ways (`SanityErrors`), and
 * `SanityClient` with the core `Projects` service.
 */
export * as SanityApi from "./SanityApi.js"
export * as SanityClient from "./SanityClient.js"
export * as SanityErrors from "./SanityErrors.js"
