/**
 * `recentlySeen` (`src/internal/recentlySeen.ts`): a string's value made once while it is kept, at
 * most `entries` kept (all forgotten when full), strings over `longest` made every time.
 */
import { describe, expect, it } from "vitest"
import { recentlySeen } from "../src/internal/recentlySeen.js"

/** `recentlySeen` over a `make` that counts its calls per key. */
const counted = (limits: { readonly entries: number; readonly longest: number }) => {
  const made = new Map<string, number>()
  const seen = recentlySeen((key) => {
    made.set(key, (made.get(key) ?? 0) + 1)
    return { key }
  }, limits)
  return { seen, made: (key: string) => made.get(key) ?? 0 }
}

describe("recentlySeen", () => {
  it("makes a string's value once while it is kept, and answers the same value", () => {
    const { made, seen } = counted({ entries: 3, longest: 10 })
    const first = seen("a")
    expect(seen("a")).toBe(first)
    expect(first).toEqual({ key: "a" })
    seen("b")
    seen("a")
    expect(made("a")).toBe(1)
    expect(made("b")).toBe(1)
  })

  it("keeps at most `entries` strings: the next one forgets them all", () => {
    const { made, seen } = counted({ entries: 3, longest: 10 })
    for (const key of ["a", "b", "c"]) seen(key)
    seen("a")
    expect(made("a")).toBe(1)
    seen("d") // full: a, b and c forgotten
    seen("a")
    seen("b")
    expect(made("a")).toBe(2)
    expect(made("b")).toBe(2)
    expect(made("d")).toBe(1)
  })

  it("makes strings longer than `longest` every time, and never keeps them", () => {
    const { made, seen } = counted({ entries: 2, longest: 4 })
    const long = "x".repeat(5)
    expect(seen(long)).not.toBe(seen(long))
    expect(made(long)).toBe(2)
    seen("ok")
    seen(long)
    seen("ok")
    expect(made("ok")).toBe(1)
    expect(seen("abcd")).toBe(seen("abcd"))
  })
})
