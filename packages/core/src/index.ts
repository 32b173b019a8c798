/**
 * @projectkit/core — the provider-agnostic projects domain. The contract suite is exported
 * separately, from "@projectkit/core/test-suite", so that vitest is only needed where it runs.
 * `createProjectsClient` is the neutral Promise client (see `PromiseClient`). The test support
 * (`Eventually`, `PromiseClientSuite`) is exported only by path, for the same reason.
 */
export * as Attachment from "./Attachment.js"
export * as Capabilities from "./Capabilities.js"
export * as Pagination from "./Pagination.js"
export * as Project from "./Project.js"
export * as Projects from "./Projects.js"
export * as ProjectsError from "./ProjectsError.js"
export * as ProjectsMemory from "./ProjectsMemory.js"
export * as PromiseClient from "./PromiseClient.js"
export * as RateLimit from "./RateLimit.js"
export * as Retry from "./Retry.js"
export { createProjectsClient } from "./PromiseClient.js"
