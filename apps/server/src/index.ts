/**
 * The reference server as a library, for tools that start it in-process (e.g. the conformance
 * suite's own tests): `Server.layer(config)` serves every dialect and the control plane.
 */
export * as Server from "./Server.js"
