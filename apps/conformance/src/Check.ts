/**
 * A conformance check: a stable id, a title, the sentence of the provider document it enforces,
 * its profile, and the program that proves it over raw HTTP.
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type { Harness } from "./Harness.js"

/**
 * A dialect's name, as registered (`Dialect.ts`, and the list in `dialects/index.ts`): the value of
 * `--dialect`, its path under the root base URL, and the prefix of its command-line options.
 */
export type Dialect = string

/**
 * `core`: what the provider's documents state. `extended`: what they leave open and the reference
 * server decides (marked INF in its code) — a conforming server may differ, so these can be left out.
 */
export type Profile = "core" | "extended"

/**
 * Where a check's rule is written: a document (relative to the shared documents), its words
 * verbatim, and the provider's public page for it where one exists.
 */
export interface Source {
  readonly document: string
  readonly sentence: string
  /** The provider's public documentation page the sentence comes from, when there is one. */
  readonly url?: string
  /** How the sentence leads to what the check asserts, where that is a reading rather than its words. */
  readonly note?: string
}

/**
 * What a check needs beyond the first organization's credential; without it the check is
 * skipped, with the reason, rather than failed.
 */
export type Requirement =
  /** A credential of a second organization: isolation checks. */
  | "secondOrganization"
  /** A second user of the first organization (per-user visibility). */
  | "member"
  /** A credential of an account without the dialect's runtime API access (an ineligible account). */
  | "ineligible"
  /** A webhook receiver the server can reach (`--webhook-host`). */
  | "webhooks"

/**
 * What a check proves of the provider's documents, where it is one of those the suite must show
 * able to fail (its own tests break each on purpose): `fields`, every documented response field on
 * the routes that answer it; `option`, a documented request option's effect.
 */
export type Assertion = "fields" | "option"

export interface Check {
  readonly id: string
  readonly title: string
  readonly dialect: Dialect
  readonly profile: Profile
  readonly source: Source
  readonly requires?: ReadonlyArray<Requirement>
  readonly asserts?: Assertion
  readonly run: Effect.Effect<void, CheckFailed | CheckSkipped | HarnessError, Harness>
}

/** One HTTP request and its response, as sent and received (secrets are redacted when reported). */
export interface Exchange {
  readonly request: {
    readonly method: string
    readonly url: string
    readonly headers: Readonly<Record<string, string>>
    readonly body?: string
  }
  readonly response: {
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
    /** The body parsed as JSON, or undefined when it is not JSON. */
    readonly json: unknown
  }
  readonly durationMs: number
}

/** The server did not do what the document says. */
export class CheckFailed extends Data.TaggedError("CheckFailed")<{
  readonly message: string
  readonly exchange?: Exchange | undefined
}> {}

/** The check cannot run here (unsupported, or not configured); the reason says which. */
export class CheckSkipped extends Data.TaggedError("CheckSkipped")<{
  readonly reason: string
}> {}

/** The harness itself could not do its work (the network, a bug in a check): neither pass nor fail. */
export class HarnessError extends Data.TaggedError("HarnessError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * How a dialect's module declares its checks: `check(id, title, source, run, options)`, in the core
 * profile unless told otherwise.
 */
export const forDialect = (dialect: Dialect) =>
(
  id: string,
  title: string,
  source: Source,
  run: Check["run"],
  options: { readonly profile?: Profile; readonly requires?: ReadonlyArray<Requirement>; readonly asserts?: Assertion } = {}
): Check => ({
  id,
  title,
  dialect,
  profile: options.profile ?? "core",
  source,
  run,
  ...(options.requires ? { requires: options.requires } : {}),
  ...(options.asserts ? { asserts: options.asserts } : {})
})
