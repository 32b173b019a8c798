/**
 * @projectkit/conformance — the conformance suite, as a library: run the checks programmatically
 * (`Runner.run`) and render their reports. The contract suite for adapters is exported separately,
 * from "@projectkit/conformance/test-suite", so that vitest is only needed where it runs.
 */
export * as Check from "./Check.js"
export * as Dialect from "./Dialect.js"
export { allChecks, dialects } from "./dialects/index.js"
export * as Expect from "./Expect.js"
export * as Harness from "./Harness.js"
export * as Readme from "./Readme.js"
export * as Report from "./Report.js"
export * as Runner from "./Runner.js"
export * as Sources from "./Sources.js"
