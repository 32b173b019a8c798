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
import * as Registration from "./Dialect.js"
import { dialects as suiteDialects } from "./dialects/index.js"
import type * as Harness from "./Harness.js"
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
      const config = toRunConfig(registered, parsed, { filter: yield* envList("FILTER"), unsupported: yield* envList("UNSUPPORTED") })

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
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const write = (file: Option.Option<string>, content: string) =>
        Option.match(file, {
          onNone: () => Effect.void,
          onSome: (target) =>
            Effect.zipRight(
              fs.makeDirectory(path.dirname(target), { recursive: true }),
              fs.writeFileString(target, content)
            )
        })
      yield* write(parsed.jsonReport, Report.json(report))
      yield* write(parsed.junitReport, Report.junit(report))
      yield* Console.log(Report.summary(report))
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

/** The command line for the registered dialects. */
export const cliFor = (registered: ReadonlyArray<Registration.Dialect>) =>
  Command.run(commandFor(registered), { name: "projectkit-conformance", version: Report.SUITE_VERSION })

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
