/**
 * Library mode for adapter authors: the provider-neutral contract suite of `@projectkit/core`,
 * which any implementation of the core `Projects` service runs in one line from its own tests:
 *
 * ```ts
 * import { suite } from "@projectkit/conformance/test-suite"
 * suite("MyAdapter → staging", MyAdapter.layer({ apiKey, baseUrl }), { timeout: 30_000 })
 * ```
 *
 * It needs vitest and @effect/vitest (optional peer dependencies of this package).
 */
export { suite, type SuiteOptions } from "@projectkit/core/test-suite"
