#!/usr/bin/env node
/**
 * `projectkit-conformance`: see Cli.ts, and `projectkit-conformance --help`. The exit code says how
 * the run went (`exitCodes` in Cli.ts): 0 passed, 1 a check failed or errored, 2 a wrong command
 * line, 3 nothing (or nothing of a selected dialect) checked, 4 a server unreachable, 5 a
 * credential refused; 130 when interrupted.
 */
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Ref from "effect/Ref"
import { cli, colours, exitCodes, type Outcome, plainConsole, RunOutcome } from "./Cli.js"

// `pnpm conformance -- --dialect <name> …` hands the separator on; the options come after it.
const argv = process.argv[2] === "--" ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv

const main = Effect.gen(function*() {
  const outcome = yield* Ref.make<Outcome>("not run")
  yield* cli(argv).pipe(
    Effect.provideService(RunOutcome, outcome),
    // @effect/cli has already printed what was wrong with the command line: one line more says
    // where to look, instead of the runtime logging the same error again as a log line.
    Effect.catchIf(ValidationError.isValidationError, () =>
      Effect.zipRight(
        Console.error("Run projectkit-conformance --help for the options."),
        Ref.set(outcome, "usage")
      ))
  )
  const code = exitCodes[yield* Ref.get(outcome)]
  yield* Effect.sync(() => {
    process.exitCode = code
  })
})

// Styled output on a terminal only, and never with NO_COLOR.
const styled = colours(process.stdout, process.env)

Effect.flatMap(Effect.console, (console) => styled ? main : Effect.withConsole(main, plainConsole(console))).pipe(
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disablePrettyLogger: true,
    teardown: (exit, onExit) => onExit(Exit.isFailure(exit) ? (Cause.isInterruptedOnly(exit.cause) ? 130 : 1) : 0)
  })
)
