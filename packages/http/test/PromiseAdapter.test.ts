/**
 * The options of every adapter's Promise client, read into the core retry policy and the
 * `HttpClient` (their effect on real requests is tested with `createSyncClient`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Retry from "@projectkit/core/Retry"
import { PromiseAdapter } from "../src/index.js"

describe("PromiseAdapter", () => {
  it("retry: absent or true is the core policy, false none, attempts counts the first", () => {
    expect(PromiseAdapter.retryPolicy(undefined)).toBe(Retry.defaultPolicy)
    expect(PromiseAdapter.retryPolicy(true)).toBe(Retry.defaultPolicy)
    expect(PromiseAdapter.retryPolicy({})).toBe(Retry.defaultPolicy)
    expect(PromiseAdapter.retryPolicy(false)).toBe(Retry.noRetries)
    expect(PromiseAdapter.retryPolicy({ attempts: 1 })).toEqual({ ...Retry.defaultPolicy, maxAttempts: 0 })
    expect(PromiseAdapter.retryPolicy({ attempts: 3 })).toEqual({ ...Retry.defaultPolicy, maxAttempts: 2 })
    expect(() => PromiseAdapter.retryPolicy({ attempts: 0 })).toThrow(RangeError)
    expect(() => PromiseAdapter.retryPolicy({ attempts: 1.5 })).toThrow(RangeError)
  })

  it("timeoutMs must be positive", () => {
    expect(() => PromiseAdapter.httpClient({ timeoutMs: 0 })).toThrow(RangeError)
    expect(() => PromiseAdapter.httpClient({ timeoutMs: Number.NaN })).toThrow(RangeError)
    expect(PromiseAdapter.httpClient({ timeoutMs: 1 })).toBeDefined()
  })
})
