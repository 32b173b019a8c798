/**
 * Every dialect the server serves, in one place: the one list (`all`). Adding a provider is its
 * package (contract and error table), a folder here with its `<Name>Dialect.ts` (see
 * `../Dialect.ts`: everything central code needs of it), and a line in the list below. Central
 * code loops over the registered dialects (`Dialect.Dialects`, this list by default) and never
 * names one; the server's configuration of each is typed from the list (`DialectsConfig`).
 */
import * as Layer from "effect/Layer"
import type * as ControlSchemas from "../ControlSchemas.js"
import * as Dialect from "../Dialect.js"
import * as IndreamDialect from "./indream/IndreamDialect.js"
import * as SanityDialect from "./sanity/SanityDialect.js"
import * as SyncDialect from "./sync/SyncDialect.js"

const list = [SyncDialect.dialect, SanityDialect.dialect, IndreamDialect.dialect] as const

/** One of the listed dialects. */
export type Listed = (typeof list)[number]

export const all: ReadonlyArray<Dialect.Dialect> = list

/** What each listed dialect can be configured with (each has defaults), under its `configKey`. */
export type DialectsConfig = {
  readonly [D in Listed as D["configKey"]]?: (D extends Dialect.Dialect<infer Config, string> ? Config : never) | undefined
}

/** The credentials an organization's user holds, one per listed dialect (`credentials.<name>.<field>`). */
export type Credentials = ControlSchemas.CredentialsOf<Listed>

/** The listed dialects, registered. */
export const registered = Layer.succeed(Dialect.Dialects, all)
