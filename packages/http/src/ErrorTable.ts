/**
 * A provider's error table: the one place that says how its errors look on the wire and what they
 * mean in projectkit's core terms, both ways.
 * - wire → core (`toCore`), used by the provider's client: a `{statusCode: 404, …}` becomes a
 *   `NotFound` naming what the call was about;
 * - core → wire (`fromCore`), used by the reference server: a store's `NotFound` leaves as that
 *   provider's 404 body;
 * - a failure below the contract (a body that is not JSON, an unknown route, a body too large, a
 *   defect) in that provider's body (`body`), used by the server's fallback.
 *
 * Modelled on vercel/ai's `createJsonErrorResponseHandler`: a provider supplies only its error
 * classes and these mappings; the adapter shell (`Adapter.call`) and the server do the rest.
 */
import type * as ProjectsError from "@projectkit/core/ProjectsError"
import { serverRules } from "./ContractDocument.js"

/** What a failing call was about, to name it in the core error. */
export interface Subject {
  readonly resource: string
  readonly id?: string | undefined
  /** The project the request filed its work under, for an invalid reference. */
  readonly projectId?: string | null | undefined
}

/** A wire error class (see `WireError.Class`). */
export type WireClass<Wire> = new(...args: ReadonlyArray<any>) => Wire

/**
 * Which wire error answers each core error, by its `_tag`: what `fromCore` returns, as a type, so
 * a server handler failing with a `NotFound` is known to answer with the provider's 404 class (and
 * the compiler checks that its endpoint declares it).
 */
export type ByTag<Wire> = { readonly [Tag in ProjectsError.ProjectsError["_tag"]]: Wire }

export interface ErrorTable<
  Wire,
  Core extends ProjectsError.ProjectsError = ProjectsError.ProjectsError,
  Map extends ByTag<Wire> = ByTag<Wire>
> {
  /** Names the provider in errors: "sync", "editor", "sanity". */
  readonly provider: string
  /** Every wire error class of the provider, each annotated with its status. */
  readonly classes: ReadonlyArray<WireClass<Wire>>
  /** wire → core: what a client reports for `error`, a call about `subject` having failed with it. */
  readonly toCore: (error: Wire, subject: Subject) => Core
  /** core → wire: how a server answers `error`. */
  readonly fromCore: <E extends ProjectsError.ProjectsError>(error: E) => Map[E["_tag"]]
  /** A failure the contract does not describe (bad JSON, unknown route, 413, 500), as this provider's body. */
  readonly body: (status: number, message: string) => unknown
}

/** Whether `error` is one of `table`'s wire errors. */
export const isWire = <Wire>(table: ErrorTable<Wire, any, any>, error: unknown): error is Wire =>
  table.classes.some((klass) => error instanceof klass)

/** `table`, typed (an identity: it only fixes the types of the mappings to the classes). */
export const make = <Wire, Core extends ProjectsError.ProjectsError, Map extends ByTag<Wire>>(
  table: ErrorTable<Wire, Core, Map>
): ErrorTable<Wire, Core, Map> => table

/**
 * A value the caller sent, as an error message quotes it: cut to the server's
 * `maxEchoedCharacters`, so a 70 kB id makes a short 404 rather than a 70 kB one.
 */
export const echoed = (value: string, max: number = serverRules.maxEchoedCharacters): string =>
  value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`
