/**
 * Fault injection: requests of a dialect that match a fault (by organization, method, path) are
 * delayed and/or answered with the fault's status instead of reaching their handler, the body in
 * the dialect's own error format unless the fault gives one, a 429 or 503 with `Retry-After`. So
 * users can prove their retry and backoff code against the emulator, as WireMock's faults and
 * LocalStack's chaos API allow. Faults live in this instance's memory, like the journal.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import { Fault, FaultInput } from "./ControlSchemas.js"
import { randomId } from "./internal/ids.js"

export { Fault, FaultInput }

/** A fault as matched: its input, and its path as a pattern. */
interface Held {
  fault: Fault
  readonly path: RegExp | undefined
  readonly method: string | undefined
}

/** `*` one segment or part of one, `**` anything; everything else literally. */
const pathPattern = (glob: string): RegExp =>
  new RegExp(
    `^${
      glob.split("**").map((part) =>
        part.split("*").map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")
      ).join(".*")
    }$`
  )

export interface FaultsService {
  /** Read on every request: whether any fault is held. */
  readonly any: () => boolean
  readonly add: (input: FaultInput) => Fault
  /** Every fault held, or the ones of `organization` (global ones included). */
  readonly list: (organization?: string) => ReadonlyArray<Fault>
  readonly remove: (id: string) => boolean
  /** Removes every fault, or `organization`'s only. */
  readonly clear: (organization?: string) => void
  /** Whether some fault matching the request names an organization: then its organization is looked up first. */
  readonly needsOrganization: (dialect: string, method: string, path: string) => boolean
  /**
   * The fault that affects this request, if any: the first added that matches and whose
   * probability draw succeeds; counted as a hit (and removed after its last).
   */
  readonly take: (dialect: string, method: string, path: string, organization: string | undefined) => Fault | undefined
}

export class Faults extends Context.Tag("@projectkit/server/Faults")<Faults, FaultsService>() {}

export const make = (random: () => number = Math.random): FaultsService => {
  let held: Array<Held> = []
  const matches = (entry: Held, dialect: string, method: string, path: string) =>
    entry.fault.dialect === dialect &&
    (entry.method === undefined || entry.method === method) &&
    (entry.path === undefined || entry.path.test(path))
  return {
    any: () => held.length > 0,
    add: (input) => {
      const fault: Fault = { id: randomId(), ...input, hits: 0, createdAt: new Date().toISOString() }
      held.push({
        fault,
        path: input.path === undefined ? undefined : pathPattern(input.path),
        method: input.method?.toUpperCase()
      })
      return fault
    },
    list: (organization) =>
      held.map((entry) => entry.fault).filter((fault) =>
        organization === undefined || fault.organization === undefined || fault.organization === organization
      ),
    remove: (id) => {
      const before = held.length
      held = held.filter((entry) => entry.fault.id !== id)
      return held.length < before
    },
    clear: (organization) => {
      held = organization === undefined ? [] : held.filter((entry) => entry.fault.organization !== organization)
    },
    needsOrganization: (dialect, method, path) =>
      held.some((entry) => entry.fault.organization !== undefined && matches(entry, dialect, method, path)),
    take: (dialect, method, path, organization) => {
      for (const entry of held) {
        if (!matches(entry, dialect, method, path)) continue
        if (entry.fault.organization !== undefined && entry.fault.organization !== organization) continue
        if (entry.fault.probability !== undefined && random() >= entry.fault.probability) continue
        entry.fault = { ...entry.fault, hits: entry.fault.hits + 1 }
        if (entry.fault.times !== undefined && entry.fault.hits >= entry.fault.times) {
          held = held.filter((other) => other !== entry)
        }
        return entry.fault
      }
      return undefined
    }
  }
}

export const layer = Layer.sync(Faults, () => make())
