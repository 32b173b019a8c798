/**
 * Runs the selected checks — each dialect's one after the other, the dialects side by side (they
 * share nothing, and most of a run is spent waiting on lifecycles: a generation, an export) — each
 * check with its own record of exchanges, inside one scope whose finalizers delete what the checks
 * created: after the last check, or as soon as the run fails or is interrupted.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import type { Check, Dialect, Exchange, Profile, Requirement } from "./Check.js"
import * as Registration from "./Dialect.js"
import { dialects as suiteDialects } from "./dialects/index.js"
import * as Harness from "./Harness.js"
import * as Report from "./Report.js"
import * as WebhookReceiver from "./WebhookReceiver.js"

export interface DialectConfig {
  /** The dialect's base URL, e.g. `https://api.example.com` or `http://localhost:4000/<dialect>`. */
  readonly baseUrl: string
  readonly credentials: Harness.DialectCredentials
  readonly options?: Readonly<Record<string, string>>
}

export interface RunConfig {
  readonly dialects: ReadonlyArray<Dialect>
  readonly targets: Readonly<Partial<Record<Dialect, DialectConfig>>>
  /** `core` runs the core checks; `extended` runs every check. */
  readonly profile: Profile
  /** Substrings (case-insensitive) of check ids or titles; empty runs every check. */
  readonly filter: ReadonlyArray<string>
  /**
   * Checks the implementation declares it does not support (ids, or substrings of ids or titles):
   * reported skipped with that reason rather than run.
   */
  readonly unsupported?: ReadonlyArray<string>
  readonly requestTimeout?: Duration.DurationInput
  /**
   * How long a check waits for a lifecycle the server runs on its own clock (a batch of generations to
   * complete) before it fails; default 45 seconds. A real provider's may take minutes.
   */
  readonly lifecycleTimeout?: Duration.DurationInput
  /** How long one check may take; default 60 seconds, or 30 seconds more than `lifecycleTimeout` when that is longer. */
  readonly checkTimeout?: Duration.DurationInput
  /**
   * Where to receive webhooks: an address of this machine the server under test can reach (and,
   * if the server knows it by another name, that name). Without it, webhook checks are skipped.
   */
  readonly webhooks?: WebhookReceiver.ReceiverOptions
  /** The dialects registered, to run the checks of; the suite's own (`dialects/index.ts`) by default. */
  readonly registered?: ReadonlyArray<Registration.Dialect>
  /** The checks to choose from; all of the registered dialects' by default. */
  readonly checks?: ReadonlyArray<Check>
}

const matches = (check: Check, needles: ReadonlyArray<string>) =>
  needles.some((f) => {
    const needle = f.toLowerCase()
    return check.id.toLowerCase().includes(needle) || check.title.toLowerCase().includes(needle)
  })

export const select = (config: Pick<RunConfig, "dialects" | "profile" | "filter" | "checks" | "registered">): ReadonlyArray<Check> =>
  (config.checks ?? Registration.checksOf(config.registered ?? suiteDialects)).filter((check) =>
    config.dialects.includes(check.dialect) &&
    (config.profile === "extended" || check.profile === "core") &&
    (config.filter.length === 0 || matches(check, config.filter))
  )

/** What a check needs to run: the first organization's credential, or one of its requirements. */
export type Setting = "primary" | Requirement

const whoOf: Record<Exclude<Setting, "webhooks">, Exclude<keyof Harness.DialectCredentials, "webhookSecret">> = {
  primary: "primary",
  secondOrganization: "secondary",
  member: "member",
  ineligible: "ineligible"
}

/**
 * The command-line option that provides a setting of a dialect (its environment variable is
 * `PROJECTKIT_CONFORMANCE_` and the option's name in capitals, e.g. `<DIALECT>_API_KEY_2`), when it has
 * one. The summary names them for the checks skipped without them.
 */
export const optionFor = (dialect: Registration.Dialect, setting: Setting): string | undefined =>
  setting === "webhooks" ? "--webhook-host" : Registration.optionOf(dialect, whoOf[setting])

const requirementReason: Record<Requirement, string> = {
  secondOrganization: "needs a second organization's credential (isolation checks); none configured",
  member: "needs a credential of another user of the first organization; none configured",
  ineligible: "needs a credential of an account without runtime OpenAPI access; none configured",
  webhooks: "needs a webhook receiver the server can reach (--webhook-host); none configured"
}

/** A skip for want of a setting: the reason, and the option that would have run the check. */
const unconfigured = (dialect: Registration.Dialect, setting: Setting, reason: string): Partial<Report.CheckResult> => {
  const option = optionFor(dialect, setting)
  return { reason, ...(option === undefined ? {} : { unconfigured: option }) }
}

/** A dialect's harness for one target, recording each exchange with `record`. */
const harnessOf = (
  dialect: Registration.Dialect,
  target: DialectConfig,
  run: Harness.RunContext,
  record: (exchange: Exchange) => void = () => undefined
) =>
  Harness.make({
    dialect: dialect.name,
    authenticate: dialect.authenticate,
    baseUrl: target.baseUrl,
    credentials: target.credentials,
    options: target.options ?? {},
    run,
    record
  })

/** The selected dialects, in the order of their first selected check. */
const dialectsOf = (registered: ReadonlyArray<Registration.Dialect>, checks: ReadonlyArray<Check>) =>
  [...new Set(checks.map((check) => check.dialect))].map((name) => Registration.named(registered, name))

const randomPrefix = () => `pkc-${Math.random().toString(36).slice(2, 8)}`

export const run = (config: RunConfig): Effect.Effect<Report.Report> =>
  Effect.gen(function*() {
    const startedAt = new Date()
    const registered = config.registered ?? suiteDialects
    const selected = select(config)
    const prefix = randomPrefix()
    const cleanupProblems = yield* Ref.make<ReadonlyArray<string>>([])
    const secrets = yield* Ref.make<ReadonlyArray<string>>([])
    const serial = yield* Ref.make(1)
    const scope = yield* Scope.make()
    const webhooks = config.webhooks === undefined || !selected.some((c) => c.requires?.includes("webhooks"))
      ? Option.none()
      : Option.some(yield* WebhookReceiver.make(config.webhooks).pipe(Scope.extend(scope)))
    const lifecycleTimeout = Duration.decode(config.lifecycleTimeout ?? "45 seconds")
    const runContext: Harness.RunContext = {
      scope,
      cleanupProblems,
      secrets,
      prefix,
      serial,
      requestTimeout: Duration.decode(config.requestTimeout ?? "15 seconds"),
      webhooks,
      lifecycleTimeout
    }
    // A check that waits for a lifecycle has its whole wait, and time for its requests around it.
    const checkTimeout = Duration.decode(
      config.checkTimeout ?? Duration.max(Duration.seconds(60), Duration.sum(lifecycleTimeout, Duration.seconds(30)))
    )

    const runOne = (check: Check): Effect.Effect<Report.CheckResult> =>
      Effect.gen(function*() {
        const dialect = Registration.named(registered, check.dialect)
        const target = config.targets[check.dialect]
        const started = performance.now()
        const result = (status: Report.Status, extra: Partial<Report.CheckResult> = {}): Report.CheckResult => ({
          id: check.id,
          title: check.title,
          dialect: check.dialect,
          profile: check.profile,
          source: check.source,
          status,
          durationMs: Math.round(performance.now() - started),
          ...extra
        })
        if (target === undefined || Option.isNone(target.credentials.primary)) {
          return result("skipped", unconfigured(dialect, "primary", `no ${check.dialect} credential configured`))
        }
        if (matches(check, config.unsupported ?? [])) {
          return result("skipped", { reason: "declared unsupported by the implementation (--unsupported)" })
        }
        const missing = (check.requires ?? []).find((r) =>
          r === "webhooks" ? Option.isNone(runContext.webhooks) : Option.isNone(target.credentials[whoOf[r]])
        )
        if (missing !== undefined) return result("skipped", unconfigured(dialect, missing, requirementReason[missing]))

        const exchanges: Array<Exchange> = []
        const harness = harnessOf(dialect, target, runContext, (exchange) => exchanges.push(exchange))
        const exit = yield* check.run.pipe(
          Effect.provideService(Harness.Harness, harness),
          Effect.timeoutFail({
            duration: checkTimeout,
            onTimeout: () => ({ _tag: "Timeout" as const })
          }),
          Effect.exit
        )
        const last = exchanges[exchanges.length - 1]
        if (Exit.isSuccess(exit)) return result("passed")
        const failure = Cause.failureOption(exit.cause)
        if (Option.isSome(failure)) {
          const error = failure.value
          switch (error._tag) {
            case "CheckFailed": {
              const exchange = error.exchange ?? last
              return result("failed", { message: error.message, ...(exchange ? { exchange } : {}) })
            }
            case "CheckSkipped":
              return result("skipped", { reason: error.reason })
            case "HarnessError":
              return result("error", { message: error.message, ...(last ? { exchange: last } : {}) })
            case "Timeout":
              return result("failed", {
                message: `the check did not finish in ${Duration.format(checkTimeout)}`,
                ...(last ? { exchange: last } : {})
              })
          }
        }
        return result("error", { message: `the check crashed: ${Cause.pretty(exit.cause)}` })
      })

    /**
     * After the per-resource cleanups, a sweep by the run's prefix deletes what they could not know
     * of (a create whose answer never came back, e.g. when the run was interrupted during it).
     */
    const sweep = Effect.forEach(
      dialectsOf(registered, selected),
      (dialect) => {
        const target = config.targets[dialect.name]
        if (target === undefined || Option.isNone(target.credentials.primary)) return Effect.void
        const harness = harnessOf(dialect, target, runContext)
        const callers = (["primary", "secondary", "member"] as const).filter((who) => Option.isSome(target.credentials[who]))
        return Effect.forEach(callers, (who) =>
          dialect.sweep(who).pipe(
            Effect.provideService(Harness.Harness, harness),
            Effect.timeout(checkTimeout),
            Effect.catchAllCause((cause) =>
              Ref.update(cleanupProblems, (problems) => [...problems, `sweep of ${dialect.name} as ${who}: ${Cause.pretty(cause)}`])
            )
          ), { discard: true })
      },
      { discard: true }
    )

    const byDialect = [...new Set(selected.map((check) => check.dialect))].map((dialect) =>
      selected.filter((check) => check.dialect === dialect)
    )
    const results = yield* Effect.forEach(byDialect, (checks) => Effect.forEach(checks, runOne), { concurrency: "unbounded" }).pipe(
      // In the order the checks were selected, whichever dialect finished first.
      Effect.map((perDialect) => {
        const byId = new Map(perDialect.flat().map((result) => [`${result.dialect} ${result.id}`, result]))
        return selected.map((check) => byId.get(`${check.dialect} ${check.id}`)!)
      }),
      // The cleanups run here, whatever happened to the checks.
      Effect.ensuring(Effect.zipRight(Scope.close(scope, Exit.void), sweep))
    )

    const targets = Object.entries(config.targets).flatMap(([dialect, target]) => target === undefined ? [] : [[dialect, target] as const])
    return Report.make({
      startedAt,
      dialects: config.dialects,
      profile: config.profile,
      filter: config.filter,
      prefix,
      targets: Object.fromEntries(
        targets.map(([dialect, target]) => [dialect, {
          baseUrl: target.baseUrl,
          credentials: Object.fromEntries(
            Object.entries(target.credentials).map(([who, value]) => [who, value !== undefined && Option.isSome(value) ? "[REDACTED]" : null])
          ),
          options: target.options ?? {}
        }])
      ),
      results,
      cleanupProblems: yield* Ref.get(cleanupProblems),
      secrets: [
        ...(yield* Ref.get(secrets)),
        ...targets.flatMap(([, target]) =>
          Object.values(target.credentials).flatMap((value: Option.Option<string> | undefined) =>
            value !== undefined && Option.isSome(value) ? [value.value] : []
          )
        )
      ]
    })
  })

/** Why a dialect cannot be checked at all: its server is not there, or it refuses the credential. */
export interface PreflightProblem {
  readonly dialect: Dialect
  readonly kind: "unreachable" | "rejected"
  /** One line saying what happened and what to look at. */
  readonly message: string
}

/** The innermost cause of a failed fetch, e.g. `ECONNREFUSED 127.0.0.1:9`, for a message people can act on. */
const rootCause = (cause: unknown): string => {
  let current: unknown = cause
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null && "cause" in current && current.cause; depth++) {
    current = current.cause
  }
  if (typeof current === "object" && current !== null && "code" in current && typeof current.code === "string") {
    const address = "address" in current && typeof current.address === "string" ? ` ${current.address}` : ""
    const port = "port" in current && typeof current.port === "number" ? `:${current.port}` : ""
    return `${current.code}${address}${port}`
  }
  return current instanceof Error ? current.message : String(current)
}

/**
 * Before any check: one request per selected dialect that has checks to run and a credential,
 * so that an unreachable server or a refused key is one clear message rather than a failure (or
 * error) per check. Answers the problems found; none means go ahead.
 */
export const preflight = (config: RunConfig): Effect.Effect<ReadonlyArray<PreflightProblem>> =>
  Effect.gen(function*() {
    const dialects = dialectsOf(config.registered ?? suiteDialects, select(config))
    const scope = yield* Scope.make()
    const runContext: Harness.RunContext = {
      scope,
      cleanupProblems: yield* Ref.make<ReadonlyArray<string>>([]),
      secrets: yield* Ref.make<ReadonlyArray<string>>([]),
      prefix: randomPrefix(),
      serial: yield* Ref.make(1),
      requestTimeout: Duration.decode(config.requestTimeout ?? "15 seconds"),
      webhooks: Option.none()
    }
    const problems = yield* Effect.forEach(dialects, (registration) => {
      const dialect = registration.name
      const target = config.targets[dialect]
      if (target === undefined || Option.isNone(target.credentials.primary)) return Effect.succeed([])
      const harness = harnessOf(registration, target, runContext)
      const probe = registration.probe(target.options ?? {})
      const where = `${harness.baseUrl}${probe.path}`
      return harness.request({ ...probe, retryRateLimited: false }).pipe(
        Effect.map((exchange): ReadonlyArray<PreflightProblem> => {
          const status = exchange.response.status
          const said = exchange.response.body.slice(0, 200)
          if (status === 401 || status === 403) {
            return [{
              dialect,
              kind: "rejected",
              message: `${dialect}: the server refused the credential (${optionFor(registration, "primary")}): GET ${where} answered ${status} ${said}`
            }]
          }
          if (status === 404) {
            return [{
              dialect,
              kind: "unreachable",
              message: `${dialect}: no ${dialect} API at ${harness.baseUrl}: GET ${where} answered 404 — is the base URL right?`
            }]
          }
          return []
        }),
        Effect.catchAll((error) =>
          Effect.succeed<ReadonlyArray<PreflightProblem>>([{
            dialect,
            kind: "unreachable",
            message: `${dialect}: cannot reach ${harness.baseUrl} (${error.cause === undefined ? error.message : rootCause(error.cause)})`
          }])
        )
      )
    }, { concurrency: "unbounded" })
    yield* Scope.close(scope, Exit.void)
    return problems.flat()
  })
