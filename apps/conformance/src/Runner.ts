/**
 * Runs the selected checks of the selected dialects, one after the other, each with its own record
 * of exchanges, inside one scope whose finalizers delete what the checks created — after the last
 * check, or as soon as the run fails or is interrupted.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import type { Check, Dialect, Exchange, Profile, Requirement } from "./Check.js"
import { allChecks, sweeps } from "./checks/index.js"
import * as Harness from "./Harness.js"
import * as Report from "./Report.js"
import * as WebhookReceiver from "./WebhookReceiver.js"

export interface DialectConfig {
  /** The dialect's base URL, e.g. `https://api.sync.so` or `http://localhost:4000/sync`. */
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
  readonly checkTimeout?: Duration.DurationInput
  /**
   * Where to receive webhooks: an address of this machine the server under test can reach (and,
   * if the server knows it by another name, that name). Without it, webhook checks are skipped.
   */
  readonly webhooks?: WebhookReceiver.ReceiverOptions
  /** The checks to choose from; all of them by default. */
  readonly checks?: ReadonlyArray<Check>
}

const matches = (check: Check, needles: ReadonlyArray<string>) =>
  needles.some((f) => {
    const needle = f.toLowerCase()
    return check.id.toLowerCase().includes(needle) || check.title.toLowerCase().includes(needle)
  })

export const select = (config: Pick<RunConfig, "dialects" | "profile" | "filter" | "checks">): ReadonlyArray<Check> =>
  (config.checks ?? allChecks).filter((check) =>
    config.dialects.includes(check.dialect) &&
    (config.profile === "extended" || check.profile === "core") &&
    (config.filter.length === 0 || matches(check, config.filter))
  )

const requirementReason: Record<Requirement, string> = {
  secondOrganization: "needs a second organization's credential (isolation checks); none configured",
  member: "needs a credential of another user of the first organization; none configured",
  ineligible: "needs a credential of an account without runtime OpenAPI access; none configured",
  webhooks: "needs a webhook receiver the server can reach (--webhook-host); none configured"
}

const whoOf: Record<Exclude<Requirement, "webhooks">, keyof Harness.DialectCredentials> = {
  secondOrganization: "secondary",
  member: "member",
  ineligible: "ineligible"
}

const randomPrefix = () => `pkc-${Math.random().toString(36).slice(2, 8)}`

export const run = (config: RunConfig): Effect.Effect<Report.Report> =>
  Effect.gen(function*() {
    const startedAt = new Date()
    const selected = select(config)
    const prefix = randomPrefix()
    const cleanupProblems = yield* Ref.make<ReadonlyArray<string>>([])
    const secrets = yield* Ref.make<ReadonlyArray<string>>([])
    const serial = yield* Ref.make(1)
    const scope = yield* Scope.make()
    const webhooks = config.webhooks === undefined || !selected.some((c) => c.requires?.includes("webhooks"))
      ? Option.none()
      : Option.some(yield* WebhookReceiver.make(config.webhooks).pipe(Scope.extend(scope)))
    const runContext: Harness.RunContext = {
      scope,
      cleanupProblems,
      secrets,
      prefix,
      serial,
      requestTimeout: Duration.decode(config.requestTimeout ?? "15 seconds"),
      webhooks
    }
    const checkTimeout = Duration.decode(config.checkTimeout ?? "60 seconds")

    const runOne = (check: Check): Effect.Effect<Report.CheckResult> =>
      Effect.gen(function*() {
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
          return result("skipped", { reason: `no ${check.dialect} base URL and credential configured` })
        }
        if (matches(check, config.unsupported ?? [])) {
          return result("skipped", { reason: "declared unsupported by the implementation (--unsupported)" })
        }
        const missing = (check.requires ?? []).find((r) =>
          r === "webhooks" ? Option.isNone(runContext.webhooks) : Option.isNone(target.credentials[whoOf[r]])
        )
        if (missing !== undefined) return result("skipped", { reason: requirementReason[missing] })

        const exchanges: Array<Exchange> = []
        const harness = Harness.make({
          dialect: check.dialect,
          baseUrl: target.baseUrl,
          credentials: target.credentials,
          options: target.options ?? {},
          run: runContext,
          record: (exchange) => exchanges.push(exchange)
        })
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
      [...new Set(selected.map((check) => check.dialect))],
      (dialect) => {
        const target = config.targets[dialect]
        if (target === undefined || Option.isNone(target.credentials.primary)) return Effect.void
        const harness = Harness.make({
          dialect,
          baseUrl: target.baseUrl,
          credentials: target.credentials,
          options: target.options ?? {},
          run: runContext,
          record: () => undefined
        })
        const callers = (["primary", "secondary", "member"] as const).filter((who) => Option.isSome(target.credentials[who]))
        return Effect.forEach(callers, (who) =>
          sweeps[dialect](who).pipe(
            Effect.provideService(Harness.Harness, harness),
            Effect.timeout(checkTimeout),
            Effect.catchAllCause((cause) =>
              Ref.update(cleanupProblems, (problems) => [...problems, `sweep of ${dialect} as ${who}: ${Cause.pretty(cause)}`])
            )
          ), { discard: true })
      },
      { discard: true }
    )

    const results = yield* Effect.forEach(selected, runOne).pipe(
      // The cleanups run here, whatever happened to the checks.
      Effect.ensuring(Effect.zipRight(Scope.close(scope, Exit.void), sweep))
    )

    return Report.make({
      startedAt,
      dialects: config.dialects,
      profile: config.profile,
      filter: config.filter,
      prefix,
      targets: Object.fromEntries(
        Object.entries(config.targets).map(([dialect, target]) => [dialect, {
          baseUrl: target.baseUrl,
          credentials: Object.fromEntries(
            Object.entries(target.credentials).map(([who, value]) => [who, Option.isSome(value) ? "[REDACTED]" : null])
          ),
          options: target.options ?? {}
        }])
      ),
      results,
      cleanupProblems: yield* Ref.get(cleanupProblems),
      secrets: [
        ...(yield* Ref.get(secrets)),
        ...Object.values(config.targets).flatMap((target: DialectConfig) =>
          Object.values(target.credentials).flatMap((value: Option.Option<string>) => Option.isSome(value) ? [value.value] : [])
        )
      ]
    })
  })
