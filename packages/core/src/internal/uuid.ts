import * as Effect from "effect/Effect"
import * as Random from "effect/Random"

const randomHex = (digits: number) =>
  Effect.map(
    Effect.all(Array.from({ length: digits }, () => Random.nextIntBetween(0, 16))),
    (nibbles) => nibbles.map((n) => n.toString(16)).join("")
  )

/** A version 4 UUID drawn from Effect's `Random`, so a seeded Random makes ids reproducible. */
export const randomUuid: Effect.Effect<string> = Effect.map(
  Effect.all([randomHex(32), Random.nextIntBetween(8, 12)]),
  ([hex, variant]) =>
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant.toString(16)}${hex.slice(17, 20)}-${
      hex.slice(20, 32)
    }`
)
