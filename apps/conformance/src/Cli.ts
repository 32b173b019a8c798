/**
 * `projectkit-conformance`: configured by flags or the environment; first makes sure each selected
 * dialect's server answers and accepts its credential, then runs the checks, prints the summary,
 * writes the JSON and JUnit reports, and records how the run went for the exit code (see
 * `exitCodes`): 0 only when something was checked — every selected dialect — and nothing failed.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type { Dialect } from "./Check.js"
import * as Coverage from "./Coverage.js"
import * as Registration from "./Dialect.js"
import { dialects as suiteDialects } from "./dialects/index.js"
import type * as Harness from "./Harness.js"
import * as HtmlReport from "./HtmlReport.js"
import * as Recording from "./Recording.js"
import * as Replay from "./Replay.js"
import * as Report from "./Report.js"
import * as Runner from "./Runner.js"

const ENV = "PROJECTKIT_CONFORMANCE_"

/** An option's environment variable: `json-report` → `PROJECTKIT_CONFORMANCE_JSON_REPORT`. */
const envOf = (name: string) => `${ENV}${name.replace(/-/g, "_").toUpperCase()}`

const text = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${description} (env ${envOf(name)})`),
    Options.withFallbackConfig(Config.string(envOf(name))),
    Options.optional
  )

const secret = (name: string, description: string) =>
  Options.redacted(name).pipe(
    Options.withPseudoName("key"),
    Options.withDescription(`${description} (env ${envOf(name)})`),
    Options.withFallbackConfig(Config.redacted(envOf(name))),
    Options.optional
  )

/** A dialect's configuration as its options give it, once the root base URL is known. */
type TargetOf = (root: string) => readonly [Dialect, Runner.DialectConfig]

const noCredential: Harness.DialectCredentials = {
  primary: Option.none(),
  secondary: Option.none(),
  member: Option.none(),
  ineligible: Option.none()
}

/** Options in order, as an array of their values: an empty one for none (where `Options.all` gives no value). */
const inOrder = <A>(options: ReadonlyArray<Options.Options<A>>): Options.Options<ReadonlyArray<A>> =>
  options.length === 0 ? Options.map(Options.all([]), () => []) : Options.all(options)

/** A dialect's options, in its registration's order: its base URL, its credentials, its settings. */
const targetOptions = (dialect: Registration.Dialect): Options.Options<TargetOf> =>
  Options.all([
    text(`${dialect.name}-base-url`, dialect.baseUrlDescription),
    inOrder(dialect.credentials.map((option) =>
      Options.map(secret(option.flag, option.description), (value) => [option.credential, Option.map(value, Redacted.value)] as const)
    )),
    inOrder((dialect.settings ?? []).map((option) =>
      Options.text(option.flag).pipe(
        Options.withDescription(`${option.description} (env ${envOf(option.flag)})`),
        Options.withFallbackConfig(Config.string(envOf(option.flag))),
        Options.withDefault(option.default),
        Options.map((value) => [option.setting, value] as const)
      )
    ))
  ]).pipe(Options.map(([ownBaseUrl, credentials, settings]) => (root: string) => [dialect.name, {
    baseUrl: Option.getOrElse(ownBaseUrl, () => `${root}/${dialect.name}`),
    credentials: { ...noCredential, ...Object.fromEntries(credentials) },
    ...(settings.length === 0 ? {} : { options: Object.fromEntries(settings) })
  }] as const))

/** The command line's options for the registered dialects. */
const optionsFor = (dialects: ReadonlyArray<Registration.Dialect>) => {
  const names = dialects.map((dialect) => dialect.name)
  return {
    dialect: Options.choice("dialect", [...names, "all"]).pipe(
      Options.withDescription(`Which API to check (env ${ENV}DIALECT)`),
      Options.withFallbackConfig(Config.literal(...names, "all")(`${ENV}DIALECT`)),
      Options.withDefault("all")
    ),
    baseUrl: Options.text("base-url").pipe(
      Options.withDescription(
        `The server's root URL; each dialect is under ${
          names.map((name) => `/${name}`).join(", ")
        } unless its own base URL is given (env ${ENV}BASE_URL)`
      ),
      Options.withFallbackConfig(Config.string(`${ENV}BASE_URL`)),
      Options.withDefault("http://localhost:4000")
    ),
    profile: Options.choice("profile", ["core", "extended"]).pipe(
      Options.withDescription(
        `core: what the provider documents state; extended: also the reference server's documented choices (env ${ENV}PROFILE)`
      ),
      Options.withFallbackConfig(Config.literal("core", "extended")(`${ENV}PROFILE`)),
      Options.withDefault("extended" as const)
    ),
    // Repeatable and optional: a default of none shows them as optional (`[--filter text...]`) in the usage.
    filter: Options.text("filter").pipe(
      Options.withDescription(
        `Run only checks whose id or title contains this (case-insensitive); repeatable, or comma-separated in env ${ENV}FILTER`
      ),
      Options.repeated,
      Options.withDefault([] as ReadonlyArray<string>)
    ),
    unsupported: Options.text("unsupported").pipe(
      Options.withDescription(
        `Declare checks (ids, or text of ids or titles) unsupported: they are reported skipped; repeatable, or comma-separated in env ${ENV}UNSUPPORTED`
      ),
      Options.repeated,
      Options.withDefault([] as ReadonlyArray<string>)
    ),
    allowSkippedDialects: Options.boolean("allow-skipped-dialects").pipe(
      Options.withDescription(
        `Do not fail when a selected dialect, or the whole run, checked nothing (no credential given, or everything filtered out or unsupported); without it that exits 3 (env ${ENV}ALLOW_SKIPPED_DIALECTS)`
      ),
      Options.withFallbackConfig(Config.boolean(`${ENV}ALLOW_SKIPPED_DIALECTS`)),
      Options.withDefault(false)
    ),
    targets: inOrder(dialects.map(targetOptions)),
    jsonReport: text("json-report", "Where to write the JSON report").pipe(Options.withPseudoName("file")),
    junitReport: text("junit-report", "Where to write the JUnit XML report").pipe(Options.withPseudoName("file")),
    htmlReport: text("html-report", "Where to write the report for people: one self-contained HTML file").pipe(
      Options.withPseudoName("file")
    ),
    replayFailures: text("replay-failures", "Re-run only the checks that failed or errored in this JSON report").pipe(
      Options.withPseudoName("report.json")
    ),
    webhookHost: text(
      "webhook-host",
      "An address of this machine the server can reach: webhook checks listen there (skipped without it)"
    ),
    webhookPublicHost: text(
      "webhook-public-host",
      "The name the server reaches the webhook address by, when it differs (e.g. host.docker.internal)"
    ),
    timeoutMs: Options.integer("request-timeout-ms").pipe(
      Options.withDescription("How long one request may take, in milliseconds"),
      Options.withDefault(15_000)
    ),
    lifecycleTimeoutMs: Options.integer("lifecycle-timeout-ms").pipe(
      Options.withDescription(
        `How long a check waits for the server to finish work it runs on its own clock (a batch of generations), in milliseconds (env ${ENV}LIFECYCLE_TIMEOUT_MS)`
      ),
      Options.withFallbackConfig(Config.integer(`${ENV}LIFECYCLE_TIMEOUT_MS`)),
      Options.withDefault(45_000)
    )
  }
}

/**
 * How a run ended, each with its own exit code so that a CI job can tell them apart: checks
 * failed (1), the command line was wrong (2), nothing — or nothing of a selected dialect — was
 * checked (3), a server could not be reached (4), a server refused the credential (5).
 */
export type Outcome = "not run" | "passed" | "failed" | "usage" | "unchecked" | "unreachable" | "rejected"

export const exitCodes: Record<Outcome, number> = {
  "not run": 0,
  passed: 0,
  failed: 1,
  usage: 2,
  unchecked: 3,
  unreachable: 4,
  rejected: 5
}

/**
 * How the run went, for the process's exit code (set by the bin, so that running the command
 * in-process, as the tests do, does not decide the exit code of the host).
 */
export class RunOutcome extends Context.Tag("@projectkit/conformance/RunOutcome")<RunOutcome, Ref.Ref<Outcome>>() {}

type Parsed = Command.Command.ParseConfig<ReturnType<typeof optionsFor>>

/** The run's configuration from the parsed options. */
const list = (values: ReadonlyArray<string>) => values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")

const toRunConfig = (
  registered: ReadonlyArray<Registration.Dialect>,
  parsed: Parsed,
  env: { readonly filter: ReadonlyArray<string>; readonly unsupported: ReadonlyArray<string> }
): Runner.RunConfig => {
  const root = parsed.baseUrl.replace(/\/+$/, "")
  return {
    registered,
    dialects: parsed.dialect === "all" ? registered.map((dialect) => dialect.name) : [parsed.dialect],
    profile: parsed.profile,
    filter: parsed.filter.length > 0 ? list(parsed.filter) : env.filter,
    unsupported: parsed.unsupported.length > 0 ? list(parsed.unsupported) : env.unsupported,
    requestTimeout: parsed.timeoutMs,
    lifecycleTimeout: parsed.lifecycleTimeoutMs,
    ...Option.match(parsed.webhookHost, {
      onNone: () => ({}),
      onSome: (host) => ({
        webhooks: { host, ...Option.match(parsed.webhookPublicHost, { onNone: () => ({}), onSome: (publicHost) => ({ publicHost }) }) }
      })
    }),
    targets: Object.fromEntries(parsed.targets.map((target) => target(root)))
  }
}

/** The command for the registered dialects: their options, their checks. */
export const commandFor = (registered: ReadonlyArray<Registration.Dialect>) =>
  Command.make("projectkit-conformance", optionsFor(registered), (parsed) =>
    Effect.gen(function*() {
      const outcome = yield* RunOutcome
      const envList = (name: string) =>
        Config.string(`${ENV}${name}`).pipe(Config.map((text) => list([text])), Config.withDefault([] as ReadonlyArray<string>))
      const failedBefore = yield* Option.match(parsed.replayFailures, {
        onNone: () => Effect.succeed(undefined),
        onSome: (file) => failedIdsOf(file)
      })
      const configured = toRunConfig(registered, parsed, { filter: yield* envList("FILTER"), unsupported: yield* envList("UNSUPPORTED") })
      if (failedBefore !== undefined && failedBefore.length === 0) {
        yield* Console.log(`projectkit-conformance: nothing failed in ${Option.getOrThrow(parsed.replayFailures)}; nothing to re-run`)
        return yield* Ref.set(outcome, "passed")
      }
      const config = failedBefore === undefined ? configured : { ...configured, filter: failedBefore }

      // One request per dialect first: an unreachable server or a refused key is one message, not a
      // failure per check.
      const problems = yield* Runner.preflight(config)
      if (problems.length > 0) {
        for (const problem of problems) yield* Console.error(`projectkit-conformance: ${problem.message}`)
        const kind = problems.some((problem) => problem.kind === "unreachable") ? "unreachable" : "rejected"
        yield* Console.error(`projectkit-conformance: no check was run (exit code ${exitCodes[kind]})`)
        return yield* Ref.set(outcome, kind)
      }

      const report = yield* Runner.run(config)
      yield* writeReports(registered, report, parsed, config.targets)
      const result = Report.outcome(report, { allowUnchecked: parsed.allowSkippedDialects })
      if (result === "unchecked") {
        const unchecked = Report.uncheckedDialects(report)
        yield* Console.error(
          `projectkit-conformance: ${
            unchecked.length > 0 ? `nothing was checked of ${unchecked.join(", ")}` : "nothing was checked"
          }; give the options above, or --allow-skipped-dialects if that is expected (exit code ${exitCodes.unchecked})`
        )
      }
      yield* Ref.set(outcome, result)
    }))

/** The ids of the checks that failed or errored in a JSON report (`--replay-failures`). */
const failedIdsOf = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file)
    const report = yield* Effect.try(() => JSON.parse(text) as Partial<Report.Report>)
    if (!Array.isArray(report.checks)) return yield* Effect.fail(new Error("not a projectkit-conformance JSON report"))
    return report.checks.filter((check) => check.status === "failed" || check.status === "error").map((check) => check.id)
  }).pipe(Effect.mapError((error) => new Error(`--replay-failures ${file}: ${error instanceof Error ? error.message : String(error)}`)))

/** Writes the JSON, JUnit and HTML reports asked for, and prints the summary. */
const writeReports = (
  registered: ReadonlyArray<Registration.Dialect>,
  report: Report.Report,
  files: {
    readonly jsonReport: Option.Option<string>
    readonly junitReport: Option.Option<string>
    readonly htmlReport: Option.Option<string>
  },
  targets: Readonly<Partial<Record<Dialect, Runner.DialectConfig>>>,
  rerun?: string
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const write = (file: Option.Option<string>, content: () => Effect.Effect<string>) =>
      Option.match(file, {
        onNone: () => Effect.void,
        onSome: (target) =>
          Effect.flatMap(content(), (text) =>
            Effect.zipRight(
              fs.makeDirectory(path.dirname(target), { recursive: true }),
              fs.writeFileString(target, text)
            ))
      })
    yield* write(files.jsonReport, () => Effect.succeed(Report.json(report)))
    yield* write(files.junitReport, () => Effect.succeed(Report.junit(report)))
    yield* write(files.htmlReport, () =>
      Coverage.measure(
        report.dialects.flatMap((dialect) => {
          const target = targets[dialect]
          return target === undefined ? [] : [{ dialect, baseUrl: target.baseUrl }]
        }),
        report.traffic ?? []
      ).pipe(Effect.map((coverage) =>
        HtmlReport.render({
          report,
          registered,
          coverage,
          rerun: rerun ?? Option.match(files.jsonReport, {
            onNone: () => undefined,
            onSome: (json) => `projectkit-conformance <the same options> --replay-failures ${json}`
          })
        })
      )))
    yield* Console.log(Report.summary(report))
  })

/** The `replay` subcommand's options: the recording, the server, the credentials, the reports. */
const replayOptionsFor = (dialects: ReadonlyArray<Registration.Dialect>) => {
  const names = dialects.map((dialect) => dialect.name)
  const shared = optionsFor(dialects)
  return {
    recording: Options.file("recording", { exists: "yes" }).pipe(
      Options.withDescription("The recording to replay: HAR 1.2 (projectkit-server --record, a browser) or a go-vcr v1/v2 YAML cassette")
    ),
    baseUrl: shared.baseUrl,
    dialect: Options.choice("dialect", names).pipe(
      Options.withDescription(
        "The dialect of exchanges whose URL does not name one (a provider's own host); a projectkit server's recordings name theirs"
      ),
      Options.optional
    ),
    targets: shared.targets,
    jsonReport: shared.jsonReport,
    junitReport: shared.junitReport,
    htmlReport: shared.htmlReport,
    replayFailures: shared.replayFailures,
    timeoutMs: shared.timeoutMs
  }
}

/**
 * `projectkit-conformance replay`: re-sends a recording's requests to a server, ids mapped and
 * credentials replaced, and scores each answer against the recorded one (`Replay.ts`); reports and
 * exit codes as for a run.
 */
export const replayCommandFor = (registered: ReadonlyArray<Registration.Dialect>) =>
  Command.make("replay", replayOptionsFor(registered), (parsed) =>
    Effect.gen(function*() {
      const outcome = yield* RunOutcome
      const fs = yield* FileSystem.FileSystem
      const root = parsed.baseUrl.replace(/\/+$/, "")
      const targets = Object.fromEntries(parsed.targets.map((target) => target(root)))
      const text = yield* fs.readFileString(parsed.recording)
      const exchanges = yield* Recording.parse(parsed.recording, text).pipe(Effect.either)
      if (exchanges._tag === "Left") {
        yield* Console.error(`projectkit-conformance: ${exchanges.left.message}`)
        return yield* Ref.set(outcome, "usage")
      }
      // As for a run: an unreachable server or a refused key is one message and its own exit code,
      // not an error per exchange.
      const problems = yield* Runner.preflight({
        registered,
        dialects: registered.map((dialect) => dialect.name),
        targets,
        profile: "extended",
        filter: [],
        requestTimeout: parsed.timeoutMs
      })
      if (problems.length > 0) {
        for (const problem of problems) yield* Console.error(`projectkit-conformance: ${problem.message}`)
        const kind = problems.some((problem) => problem.kind === "unreachable") ? "unreachable" : "rejected"
        yield* Console.error(`projectkit-conformance: nothing was replayed (exit code ${exitCodes[kind]})`)
        return yield* Ref.set(outcome, kind)
      }
      const failedBefore = yield* Option.match(parsed.replayFailures, {
        onNone: () => Effect.succeed(undefined),
        onSome: (file) => failedIdsOf(file)
      })
      const only = failedBefore === undefined
        ? undefined
        : new Set(failedBefore.flatMap((id) => {
          const index = Replay.indexOf(id)
          return index === undefined ? [] : [index]
        }))
      if (only !== undefined && only.size === 0) {
        yield* Console.log(`projectkit-conformance: nothing failed in ${Option.getOrThrow(parsed.replayFailures)}; nothing to re-run`)
        return yield* Ref.set(outcome, "passed")
      }
      const report = yield* Replay.replay({
        recording: parsed.recording,
        exchanges: exchanges.right,
        registered,
        targets,
        dialect: Option.getOrUndefined(parsed.dialect),
        only,
        requestTimeoutMs: parsed.timeoutMs
      })
      yield* writeReports(
        registered,
        report,
        parsed,
        targets,
        Option.match(parsed.jsonReport, {
          onNone: () => undefined,
          onSome: (json) => `projectkit-conformance replay --recording ${parsed.recording} <the same options> --replay-failures ${json}`
        })
      )
      if (report.checks.length === 0) {
        yield* Console.error(`projectkit-conformance: ${parsed.recording} holds no exchange to replay (exit code ${exitCodes.unchecked})`)
      }
      yield* Ref.set(outcome, report.checks.length === 0 ? "unchecked" : Report.outcome(report, { allowUnchecked: false }))
    }))

/** The command line for the registered dialects: a run by default, `replay` for a recording. */
export const cliFor = (registered: ReadonlyArray<Registration.Dialect>) =>
  Command.run(commandFor(registered).pipe(Command.withSubcommands([replayCommandFor(registered)])), {
    name: "projectkit-conformance",
    version: Report.SUITE_VERSION
  })

/** The suite's command, for its own dialects. */
export const command = commandFor(suiteDialects)

/** The suite's command line, for its own dialects. */
export const cli = cliFor(suiteDialects)

const ansiEscape = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, "g")

/** Whether output may be coloured: only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const colours = (stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>) =>
  stream.isTTY === true && (env["NO_COLOR"] ?? "") === ""

/**
 * A console that writes without ANSI escapes: @effect/cli always styles its help and its error
 * messages, which a log file, a CI page or `NO_COLOR` must get as plain text.
 */
export const plainConsole = (console: Console.Console): Console.Console => {
  const strip = (args: ReadonlyArray<unknown>) => args.map((arg) => (typeof arg === "string" ? arg.replace(ansiEscape, "") : arg))
  return {
    ...console,
    log: (...args) => console.log(...strip(args)),
    error: (...args) => console.error(...strip(args)),
    info: (...args) => console.info(...strip(args)),
    warn: (...args) => console.warn(...strip(args)),
    unsafe: {
      ...console.unsafe,
      log: (...args) => console.unsafe.log(...strip(args)),
      error: (...args) => console.unsafe.error(...strip(args)),
      info: (...args) => console.unsafe.info(...strip(args)),
      warn: (...args) => console.unsafe.warn(...strip(args))
    }
  }
}
