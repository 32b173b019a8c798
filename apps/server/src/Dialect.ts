/**
 * A dialect of the reference server: one provider's API, served under its own base path, built
 * the same way for every provider. A dialect is one folder, `dialects/<name>/`:
 * - `<Name>Handlers.ts` — the handlers of every endpoint of the provider's contract, and its
 *   authentication (always through `Organizations`);
 * - `<Name>Store.ts` — its SQL, returning rows and core errors (`NotFound`, `Forbidden`,
 *   `Conflict`, `Validation`, …), never HTTP statuses;
 * - `<Name>Wire.ts` — rows as the provider sends them;
 * - its lifecycles (work the real service does on the clock) and `Migrations.ts`;
 * - `<Name>Mounted.ts` — its contract under its base path, which its handlers are written against;
 * - `<Name>Dialect.ts` — the `Dialect` value below, registered in `dialects/index.ts`: everything
 *   central code needs of the dialect (its contract and base path, error table, migrations and
 *   tables, anything it keeps outside the database, the credential it issues and any rows it keeps
 *   per user, organization switches, its configuration, CLI flags, banner lines and Layer).
 *   Central code loops over the registered dialects (`Dialects`) and never names one.
 *
 * How errors leave is decided by the provider package's error table alone (`<Provider>Errors`):
 * handlers fail with core errors, `answer` turns them into that provider's wire errors, and the
 * fallback renders framework failures with the same table's `body`.
 */
import type * as HttpApi from "@effect/platform/HttpApi"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { ErrorTable } from "@projectkit/http"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import type { IncomingHttpHeaders } from "node:http"
import type * as CompiledApi from "./compiled/CompiledApi.js"
import type { DialectDeclaration, Row } from "./ControlSchemas.js"
import type { Database, DatabaseInfo } from "./internal/location.js"
import type { LargerBodies } from "./Fallback.js"
import type { Organizations } from "./Organizations.js"
import type { PublicUrl } from "./PublicUrl.js"
import type { DialectStudio } from "./StudioView.js"
import type { Signer, Webhooks } from "./Webhooks.js"
import * as StorageOutage from "./internal/storageOutage.js"

/**
 * What every dialect's Layer may use of the server: storage (and where it is), tenancy, webhooks,
 * the compiled routes' registry, its public URL.
 */
export type ServerServices =
  | SqlClient.SqlClient
  | Database
  | Organizations
  | Webhooks
  | CompiledApi.Registry
  | PublicUrl

/**
 * One provider's API, as the server mounts it: everything central code needs to know of it, so
 * that central code only loops over the registered dialects (`Dialects`) and never names one.
 * `Config` is what its Layer is configured with, under the server configuration's field `configKey`.
 */
export interface Dialect<
  Config = unknown,
  ConfigKey extends string = string,
  Name extends string = string,
  Field extends string = string
> extends DialectDeclaration<Name, Field> {
  /** Its name, as the control plane and the request log call it (and its folder is named). */
  readonly name: Name
  /** The base path it is mounted under, e.g. "/<name>". */
  readonly prefix: `/${string}`
  /** The provider's contract, for its OpenAPI document and docs page. */
  readonly contract: HttpApi.HttpApi<string, any, any, any>
  /**
   * How its errors look on the wire, both ways (from the provider's package). Any wire type: a
   * table's `toCore` takes only its own classes, which a parameter of type `unknown` would refuse.
   */
  readonly errors: ErrorTable.ErrorTable<any, any, any>
  /** Its tables: migration id → migration (ids are one sequence across the server). */
  readonly migrations: Readonly<Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>>>
  /**
   * What it stores for organizations, table by table, parents before children: what a snapshot
   * exports and imports, and what emptying one organization deletes (`../Snapshots.ts`). A table
   * its migrations create and this list leaves out is neither exported nor emptied (the test
   * `Snapshots.test.ts` refuses that, so a new table cannot be forgotten).
   */
  readonly tables?: ReadonlyArray<Table> | undefined
  /**
   * The tenant credential a request to it carries, if any: how the request journal and
   * per-organization faults find a request's organization without running its handler (through
   * `Organizations.authenticate` under this dialect's name).
   */
  readonly credentialOf?: ((headers: IncomingHttpHeaders) => string | undefined) | undefined
  /**
   * How its webhook deliveries are signed, when its provider documents its own scheme; by default
   * the server's (`Webhooks.sign`).
   */
  readonly webhookSigner?: Signer | undefined
  /**
   * What it keeps outside the database with `database` (files in a folder beside a SQLite file),
   * if anything: how snapshots carry it and how deleting or emptying organizations removes it.
   */
  readonly outside?:
    | ((database: DatabaseInfo) => Effect.Effect<OutsideData | undefined, never, SqlClient.SqlClient>)
    | undefined
  /** Its routes that accept bodies larger than the server's limit, with their own limit. */
  readonly largerBodies?: LargerBodies | undefined
  /** Its tab in the Studio: the views of an organization's records it offers (`../StudioView.ts`). */
  readonly studio?: DialectStudio<Config> | undefined
  /** How each new user's credential for it is made (its kind and format are in `credential`). */
  readonly issueCredential: () => string
  /**
   * Rows it keeps per user besides the credential (members, with their role), written in
   * the transaction that issues the user's credentials. `options` are the member options the
   * control plane accepted (`memberFields`, each optional); `first` tells the organization's first
   * user. Answers the member fields as they were settled (defaults applied).
   */
  readonly addMember?:
    | ((member: NewMember) => Effect.Effect<Readonly<Record<string, unknown>>, SqlError, SqlClient.SqlClient>)
    | undefined
  /** The field of the server's configuration its Layer reads (e.g. `generations`), and the Layer. */
  readonly configKey: ConfigKey
  /**
   * Its handlers, authentication, storage and background work, configured (defaults when
   * undefined). A method: the list holds dialects of different `Config`s as `Dialect`.
   */
  layer(config: Config | undefined): Layer.Layer<never, never, ServerServices>
  /** Its command-line flags (all integers), and the configuration they make. */
  readonly flags?: Flags<Config> | undefined
  /** Its lines in the start banner. */
  readonly banner: BannerLines
}

/**
 * A dialect's data kept outside the database, as central operations on organizations see it. A
 * snapshot carries it as rows of one of the dialect's tables (the same rows on every backend, so
 * a snapshot moves between them); the central code calls these after its own statements.
 */
export interface OutsideData {
  /**
   * The rows a snapshot holds of `table` for `orgId` (every organization when undefined), given
   * those `stored` in the database; called in the snapshot's transaction.
   */
  readonly snapshotRows: (
    table: string,
    orgId: string | undefined,
    stored: ReadonlyArray<Row>
  ) => Effect.Effect<ReadonlyArray<Row>, SqlError>
  /**
   * A snapshot of `orgId` (every organization when undefined) was imported and committed: what
   * was kept outside for them before is replaced by what the imported rows hold.
   */
  readonly imported: (orgId: string | undefined) => Effect.Effect<void>
  /** `orgId` (every organization when undefined) was deleted or emptied: what was kept outside for it goes too. */
  readonly removed: (orgId: string | undefined) => Effect.Effect<void>
}

/**
 * What the served dialects keep outside the database (`Dialect.outside`), for the central
 * operations on organizations; built by the server from where its database is (`outsideData`).
 */
export class Outside extends Context.Tag("@projectkit/server/Outside")<Outside, ReadonlyArray<OutsideData>>() {}

/** What `dialects` keep outside the database with `database`. */
export const outsideData = (
  dialects: ReadonlyArray<Dialect>,
  database: DatabaseInfo
): Effect.Effect<ReadonlyArray<OutsideData>, never, SqlClient.SqlClient> =>
  Effect.map(
    Effect.forEach(dialects, (dialect) => dialect.outside === undefined ? Effect.succeed(undefined) : dialect.outside(database)),
    (found) => found.filter((data): data is OutsideData => data !== undefined)
  )

/** A user being issued credentials, as a dialect's `addMember` sees them. */
export interface NewMember {
  readonly orgId: string
  readonly userId: string
  /** Epoch milliseconds. */
  readonly now: number
  /** Whether this is the organization's first user (who administers what it makes). */
  readonly first: boolean
  /** The member options sent (the dialect's own, each possibly absent). */
  readonly options: Readonly<Record<string, unknown>>
}

/** A dialect's command-line flags: integers with a default, and the configuration they give. */
export interface Flags<Config> {
  readonly options: ReadonlyArray<{ readonly name: string; readonly description: string; readonly default: number }>
  /** The configuration, from each flag's value by its name. */
  readonly toConfig: (values: Readonly<Record<string, number>>) => Config
}

/** How a dialect presents itself when the server starts. */
export interface BannerLines {
  /** Its line among the base URLs (`base` is the server's URL). */
  readonly url: (base: string) => string
  /** Its line among the demo organization's credentials. */
  readonly demoCredential: (secret: string) => string
  /** Its "Try it" commands, with the demo's credential or, when there is none, a placeholder. */
  readonly tryIt: (base: string, secret: string | undefined) => ReadonlyArray<string>
}

/**
 * The dialects this server serves, in order: `dialects/index.ts`'s list unless a test registers
 * more. Central services (organizations, migrations, snapshots, the control plane) loop over it.
 */
export class Dialects extends Context.Tag("@projectkit/server/Dialects")<Dialects, ReadonlyArray<Dialect>>() {}

/** The secret a user holds for `dialect`, in the organization's or member's `credentials`. */
export const secretOf = (
  dialect: DialectDeclaration,
  credentials: Readonly<Record<string, Readonly<Record<string, string>>>>
): string | undefined => credentials[dialect.name]?.[dialect.credential.field]

/** The token of an `Authorization: Bearer <token>` header. */
export const bearerToken = (headers: IncomingHttpHeaders): string | undefined => {
  const authorization = headers.authorization
  return authorization !== undefined && authorization.startsWith("Bearer ") ? authorization.slice(7) : undefined
}

/** One table of organizations' data, as snapshots and the per-organization reset see it. */
export interface Table {
  readonly name: string
  /** Its primary key's columns: a snapshot lists the rows in their order. */
  readonly key: ReadonlyArray<string>
  /**
   * Which organization a row belongs to: the organization id in a column of its own, or (for a
   * table whose rows hang off a parent's) a column referencing the id of `parent`, an earlier
   * table that has one.
   */
  readonly owner: string | { readonly column: string; readonly parent: string }
  /**
   * Who the organization's users are (credentials, roles), not what they made: kept when the
   * organization is emptied, so its credentials keep working.
   */
  readonly keptOnReset?: boolean | undefined
}

const coreTags: ReadonlySet<string> = new Set(ProjectsError.ProjectsError.members.map((member) => member._tag))

const isCoreError = (error: unknown): error is ProjectsError.ProjectsError =>
  error instanceof Error && Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" && coreTags.has(error._tag)

const isSqlError = (error: unknown): error is SqlError => Predicate.isTagged(error, "SqlError")

/** What a handler failing with `E` answers in a dialect whose core → wire table is `Map`. */
export type Answered<E, Map extends ErrorTable.ByTag<unknown>> =
  | Exclude<E, ProjectsError.ProjectsError | SqlError>
  | Map[Extract<E, ProjectsError.ProjectsError>["_tag"]]
  | ([Extract<E, SqlError>] extends [never] ? never : Map["ProviderFailure"] | Map["Unauthorized"])

/**
 * A handler's failures as `errors`' provider answers them: a core error by the table's
 * `fromCore`; a storage failure logged and answered as the provider's 500 (the server's fault,
 * not the caller's); anything else (already a wire error) as it is.
 */
export const answer = <Wire, Map extends ErrorTable.ByTag<Wire>>(errors: ErrorTable.ErrorTable<Wire, any, Map>) => {
  const answerFailure = failureAnswer(errors)
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Answered<E, Map>, R> =>
    Effect.catchAll(effect, answerFailure<E>)
}

/**
 * `answer`, the success made into `f` of it in the same step (where `Effect.map` then `answer`
 * would take two: issue 28, a GET is mostly such steps).
 */
export const answerAs = <Wire, Map extends ErrorTable.ByTag<Wire>>(errors: ErrorTable.ErrorTable<Wire, any, Map>) => {
  const answerFailure = failureAnswer(errors)
  return <A, B>(f: (a: A) => B) =>
  <E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<B, Answered<E, Map>, R> =>
    Effect.matchEffect(effect, { onFailure: answerFailure<E>, onSuccess: (a) => Effect.succeed(f(a)) })
}

/** What `answer` makes of a handler's failure. */
const failureAnswer = <Wire, Map extends ErrorTable.ByTag<Wire>>(errors: ErrorTable.ErrorTable<Wire, any, Map>) =>
<E>(error: E): Effect.Effect<never, Answered<E, Map>> => {
  if (isSqlError(error)) {
    // The caller's organization is gone (deleted, or reset, by another request while this one
    // ran): the credential is stale, refused as any unknown one is.
    if (referencesMissingOrganization(error)) {
      return Effect.fail(errors.fromCore(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" })) as Answered<E, Map>)
    }
    // The storage out of reach is no handler's to answer: the fallback's 503, with Retry-After.
    if (StorageOutage.isUnreachable(error)) return Effect.die(error)
    return Effect.zipRight(
      Effect.logError(`${errors.provider} storage failure`, error),
      Effect.fail(errors.fromCore(storageFailure(errors.provider)) as Answered<E, Map>)
    )
  }
  if (isCoreError(error)) return Effect.fail(errors.fromCore(error) as Answered<E, Map>)
  return Effect.fail(error as Answered<E, Map>)
}

/**
 * Whether a write failed because the organization it names no longer exists: a foreign-key
 * violation on an `org_id` column on PostgreSQL (23503, constraint `<table>_org_id_fkey`); on
 * SQLite, whose message names no column, any foreign-key violation, since a dialect's own
 * references are checked in the same transaction as the write (SQLite serializes writers).
 */
export const referencesMissingOrganization = (error: SqlError): boolean => {
  for (let cause: unknown = error.cause, depth = 0; typeof cause === "object" && cause !== null && depth < 5; depth++) {
    const code = Predicate.hasProperty(cause, "code") ? cause.code : undefined
    if (code === "23503") {
      const constraint = Predicate.hasProperty(cause, "constraint") ? String(cause.constraint) : ""
      const detail = Predicate.hasProperty(cause, "detail") ? String(cause.detail) : ""
      return constraint.endsWith("_org_id_fkey") || detail.includes("(org_id)")
    }
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return true
    cause = Predicate.hasProperty(cause, "cause") ? cause.cause : undefined
  }
  return false
}

/** The core error a storage failure is answered as: the provider's own 500. */
const storageFailure = (provider: string) =>
  new ProjectsError.ProviderFailure({ provider, status: 500, body: null, description: "Internal server error" })
