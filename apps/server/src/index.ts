/**
 * The reference server as a library.
 * - `startServer(options)`: a running server for any test suite (Promise), `close()` to stop it;
 * - `Emulator.layer(options)` / `Emulator.make(options)`: the same for Effect users (a Layer, a scoped resource);
 * - `Server.layer(config)`: every dialect and the control plane, for tools that compose it themselves.
 */
export { type RunningServer, startServer, type StartOptions } from "./Emulator.js"
export * as Emulator from "./Emulator.js"
export * as Faults from "./Faults.js"
export * as Har from "./Har.js"
export * as Journal from "./Journal.js"
export * as Proxy from "./Proxy.js"
export * as Server from "./Server.js"
export * as Snapshots from "./Snapshots.js"
