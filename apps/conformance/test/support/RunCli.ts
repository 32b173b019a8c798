/**
 * The command line run in-process, as a user runs it: its outcome (what decides the exit code)
 * and everything it printed.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { cli, type Outcome, RunOutcome } from "../../src/Cli.js"

/** Runs the command line in-process: its outcome and what it printed. */
export const runCli = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const outcome = yield* Ref.make<Outcome>("not run")
    const printed: Array<string> = []
    const capture: Console.Console = {
      ...(yield* Effect.console),
      log: (...args) => Effect.sync(() => void printed.push(args.join(" "))),
      error: (...args) => Effect.sync(() => void printed.push(args.join(" ")))
    }
    yield* cli(["node", "projectkit-conformance", ...args]).pipe(
      Effect.provideService(RunOutcome, outcome),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
      Effect.withConsole(capture)
    )
    return { outcome: yield* Ref.get(outcome), printed: printed.join("\n") }
  }).pipe(Effect.runPromise)

