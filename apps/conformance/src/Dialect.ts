/**
 * A dialect of the suite: one provider's API, registered once. Its record declares everything
 * the central modules need — its checks and the documents they cite, its credentials and their
 * command-line options, how a request carries a credential, how to probe the server before a run
 * and how to sweep up after one — so that the command line, the runner, the reports and the
 * README loop over the registered dialects and name none of them. The suite's own dialects are
 * listed in `dialects/index.ts`, each in a folder of its own.
 */
import type * as Effect from "effect/Effect"
import type { Check } from "./Check.js"
import type { DialectCredentials, Harness, RequestOptions, Who } from "./Harness.js"
import type { Documents } from "./Sources.js"

/** Which of a dialect's credentials an option gives (the fields of `Harness.DialectCredentials`). */
export type Credential = keyof DialectCredentials

/** A command-line option that gives one credential; its environment variable follows from its name. */
export interface CredentialOption {
  readonly credential: Credential
  /** The option's name without the dashes, e.g. `<name>-api-key-2`. */
  readonly flag: string
  readonly description: string
}

/** A command-line option for a dialect-specific setting the checks read (`Harness.options`), with its default. */
export interface SettingOption {
  /** The key the checks read it by. */
  readonly setting: string
  /** The option's name without the dashes, e.g. `<name>-api-version`. */
  readonly flag: string
  readonly description: string
  readonly default: string
}

export interface Dialect {
  /**
   * The value of `--dialect`, the path of its API under the root base URL (`--base-url`), and the
   * first word of its options (`--<name>-base-url`).
   */
  readonly name: string
  /** The first word of its checks' ids, e.g. `ACME` in `ACME-PROJ-001`. */
  readonly idPrefix: string
  /** What `--<name>-base-url` is, with an example. */
  readonly baseUrlDescription: string
  /**
   * Its credentials' options, in the order `--help` lists them; the `primary` one is required to
   * run any of its checks, the others run the checks that need them (`Check.requires`).
   */
  readonly credentials: ReadonlyArray<CredentialOption>
  readonly settings?: ReadonlyArray<SettingOption>
  /** The headers that carry a credential in a request. */
  readonly authenticate: (credential: string) => Readonly<Record<string, string>>
  /** The documents its checks cite (paths relative to the shared documents). */
  readonly documents: Documents
  readonly checks: ReadonlyArray<Check>
  /**
   * One cheap authenticated read (its first page of projects, say), made before any check so that
   * an unreachable server or a refused credential is one message rather than a failure per check.
   */
  readonly probe: (settings: Readonly<Record<string, string>>) => RequestOptions
  /** Deletes what the run left under its prefix, as one caller: what per-resource cleanups could not know of. */
  readonly sweep: (as: Who) => Effect.Effect<void, unknown, Harness>
}

/** The dialect of a name among those registered. */
export const named = (dialects: ReadonlyArray<Dialect>, name: string): Dialect => {
  const dialect = dialects.find((candidate) => candidate.name === name)
  if (dialect === undefined) throw new Error(`no dialect ${name} is registered (${dialects.map((d) => d.name).join(", ")})`)
  return dialect
}

/** Every check of the registered dialects, dialect by dialect. */
export const checksOf = (dialects: ReadonlyArray<Dialect>): ReadonlyArray<Check> => dialects.flatMap((dialect) => dialect.checks)

/** Every document the registered dialects cite, dialect by dialect. */
export const documentsOf = (dialects: ReadonlyArray<Dialect>): Documents =>
  Object.fromEntries(dialects.flatMap((dialect) => Object.entries(dialect.documents)))

/** The command-line option that gives a credential, with its dashes, when the dialect has one. */
export const optionOf = (dialect: Dialect, credential: Credential): string | undefined => {
  const option = dialect.credentials.find((candidate) => candidate.credential === credential)
  return option === undefined ? undefined : `--${option.flag}`
}
