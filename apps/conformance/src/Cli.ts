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
import { type Dialect, dialects } from "./Check.js"
import * as Report from "./Report.js"
import * as Runner from "./Runner.js"

const ENV = "PROJECTKIT_CONFORMANCE_"

const text = (name: string, env: string, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${description} (env ${ENV}${env})`),
    Options.withFallbackConfig(Config.string(`${ENV}${env}`)),
    Options.optional
  )

const secret = (name: string, env: string, description: string) =>
  Options.redacted(name).pipe(
    Options.withPseudoName("key"),
    Options.withDescription(`${description} (env ${ENV}${env})`),
    Options.withFallbackConfig(Config.redacted(`${ENV}${env}`)),
    Options.optional
  )

const dialect = Options.choice("dialect", ["sync", "editor", "sanity", "all"]).pipe(
  Options.withDescription(`Which API to check (env ${ENV}DIALECT)`),
  Options.withFallbackConfig(Config.literal("sync", "editor", "sanity", "all")(`${ENV}DIALECT`)),
  Options.withDefault("all" as const)
)
const baseUrl = Options.text("base-url").pipe(
  Options.withDescription(
    `The server's root URL; each dialect is under /sync, /editor, /sanity unless its own base URL is given (env ${ENV}BASE_URL)`
  ),
  Options.withFallbackConfig(Config.string(`${ENV}BASE_URL`)),
  Options.withDefault("http://localhost:4000")
)
const profile = Options.choice("profile", ["core", "extended"]).pipe(
  Options.withDescription(
    `core: what the provider documents state; extended: also the reference server's documented choices (env ${ENV}PROFILE)`
  ),
  Options.withFallbackConfig(Config.literal("core", "extended")(`${ENV}PROFILE`)),
  Options.withDefault("extended" as const)
)
// Repeatable and optional: a default of none shows them as optional (`[--filter text...]`) in the usage.
const filter = Options.text("filter").pipe(
  Options.withDescription(
    `Run only checks whose id or title contains this (case-insensitive); repeatable, or comma-separated in env ${ENV}FILTER`
  ),
  Options.repeated,
  Options.withDefault([] as ReadonlyArray<string>)
)

const unsupported = Options.text("unsupported").pipe(
  Options.withDescription(
    `Declare checks (ids, or text of ids or titles) unsupported: they are reported skipped; repeatable, or comma-separated in env ${ENV}UNSUPPORTED`
  ),
  Options.repeated,
  Options.withDefault([] as ReadonlyArray<string>)
)

const allowSkippedDialects = Options.boolean("allow-skipped-dialects").pipe(
  Options.withDescription(
    `Do not fail when a selected dialect, or the whole run, checked nothing (no credential given, or everything filtered out or unsupported); without it that exits 3 (env ${ENV}ALLOW_SKIPPED_DIALECTS)`
  ),
  Options.withFallbackConfig(Config.boolean(`${ENV}ALLOW_SKIPPED_DIALECTS`)),
  Options.withDefault(false)
)

const options = {
  dialect,
  baseUrl,
  profile,
  filter,
  unsupported,
  allowSkippedDialects,
  syncBaseUrl: text("sync-base-url", "SYNC_BASE_URL", "The sync.so base URL, e.g. https://api.sync.so"),
  syncApiKey: secret("sync-api-key", "SYNC_API_KEY", "An x-api-key of the first organization"),
  syncApiKey2: secret("sync-api-key-2", "SYNC_API_KEY_2", "An x-api-key of a second organization (isolation checks)"),
  syncMemberApiKey: secret(
    "sync-member-api-key",
    "SYNC_MEMBER_API_KEY",
    "An x-api-key of another user of the first organization (USER visibility checks)"
  ),
  syncWebhookSecret: secret(
    "sync-webhook-secret",
    "SYNC_WEBHOOK_SECRET",
    "The first organization's webhook signing secret: webhook checks verify signatures with it"
  ),
  editorBaseUrl: text("editor-base-url", "EDITOR_BASE_URL", "The editor Open API base URL"),
  editorApiKey: secret("editor-api-key", "EDITOR_API_KEY", "An editor API key of the first organization"),
  editorApiKey2: secret("editor-api-key-2", "EDITOR_API_KEY_2", "An editor API key of a second organization"),
  editorIneligibleApiKey: secret(
    "editor-ineligible-api-key",
    "EDITOR_INELIGIBLE_API_KEY",
    "An editor API key of an account without runtime OpenAPI access"
  ),
  sanityBaseUrl: text("sanity-base-url", "SANITY_BASE_URL", "The Sanity API host, e.g. https://api.sanity.io"),
  sanityToken: secret("sanity-token", "SANITY_TOKEN", "A Sanity token (administrator or developer) of the first organization"),
  sanityToken2: secret("sanity-token-2", "SANITY_TOKEN_2", "A Sanity token of a second organization"),
  sanityApiVersion: Options.text("sanity-api-version").pipe(
    Options.withDescription(`The Sanity API version (env ${ENV}SANITY_API_VERSION)`),
    Options.withFallbackConfig(Config.string(`${ENV}SANITY_API_VERSION`)),
    Options.withDefault("v2021-06-07")
  ),
  jsonReport: text("json-report", "JSON_REPORT", "Where to write the JSON report").pipe(Options.withPseudoName("file")),
  junitReport: text("junit-report", "JUNIT_REPORT", "Where to write the JUnit XML report").pipe(Options.withPseudoName("file")),
  webhookHost: text(
    "webhook-host",
    "WEBHOOK_HOST",
    "An address of this machine the server can reach: webhook checks listen there (skipped without it)"
  ),
  webhookPublicHost: text(
    "webhook-public-host",
    "WEBHOOK_PUBLIC_HOST",
    "The name the server reaches the webhook address by, when it differs (e.g. host.docker.internal)"
  ),
  timeoutMs: Options.integer("request-timeout-ms").pipe(
    Options.withDescription("How long one request may take, in milliseconds"),
    Options.withDefault(15_000)
  ),
  lifecycleTimeoutMs: Options.integer("lifecycle-timeout-ms").pipe(
    Options.withDescription(
      `How long a check waits for the server to finish work it runs on its own clock (a sync.so batch), in milliseconds (env ${ENV}LIFECYCLE_TIMEOUT_MS)`
    ),
    Options.withFallbackConfig(Config.integer(`${ENV}LIFECYCLE_TIMEOUT_MS`)),
    Options.withDefault(45_000)
  )
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

type Parsed = Command.Command.ParseConfig<typeof options>

const value = (option: Option.Option<Redacted.Redacted>) => Option.map(option, Redacted.value)

/** The run's configuration from the parsed options. */
const list = (values: ReadonlyArray<string>) => values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")

export const toRunConfig = (
  parsed: Parsed,
  env: { readonly filter: ReadonlyArray<string>; readonly unsupported: ReadonlyArray<string> }
): Runner.RunConfig => {
  const root = parsed.baseUrl.replace(/\/+$/, "")
  const base = (d: Dialect, own: Option.Option<string>) => Option.getOrElse(own, () => `${root}/${d}`)
  return {
    dialects: parsed.dialect === "all" ? dialects : [parsed.dialect],
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
    targets: {
      sync: {
        baseUrl: base("sync", parsed.syncBaseUrl),
        credentials: {
          primary: value(parsed.syncApiKey),
          secondary: value(parsed.syncApiKey2),
          member: value(parsed.syncMemberApiKey),
          ineligible: Option.none(),
          webhookSecret: value(parsed.syncWebhookSecret)
        }
      },
      editor: {
        baseUrl: base("editor", parsed.editorBaseUrl),
        credentials: {
          primary: value(parsed.editorApiKey),
          secondary: value(parsed.editorApiKey2),
          member: Option.none(),
          ineligible: value(parsed.editorIneligibleApiKey)
        }
      },
      sanity: {
        baseUrl: base("sanity", parsed.sanityBaseUrl),
        credentials: {
          primary: value(parsed.sanityToken),
          secondary: value(parsed.sanityToken2),
          member: Option.none(),
          ineligible: Option.none()
        },
        options: { apiVersion: parsed.sanityApiVersion }
      }
    }
  }
}

export const command = Command.make("projectkit-conformance", options, (parsed) =>
  Effect.gen(function*() {
    const outcome = yield* RunOutcome
    const envList = (name: string) =>
      Config.string(`${ENV}${name}`).pipe(Config.map((text) => list([text])), Config.withDefault([] as ReadonlyArray<string>))
    const config = toRunConfig(parsed, { filter: yield* envList("FILTER"), unsupported: yield* envList("UNSUPPORTED") })

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

export const cli = Command.run(command, { name: "projectkit-conformance", version: Report.SUITE_VERSION })

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
