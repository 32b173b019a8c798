#!/usr/bin/env node
/**
 * `projectkit-conformance`: see Cli.ts, and `projectkit-conformance --help`. Exits 0 only when no
 * check failed or errored.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { cli, Outcome } from "./Cli.js"

// `pnpm conformance -- --dialect sync …` hands the separator on; the options come after it.
const argv = process.argv[2] === "--" ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv

Effect.gen(function*() {
  const outcome = yield* Ref.make<"passed" | "failed" | "not run">("not run")
  yield* cli(argv).pipe(Effect.provideService(Outcome, outcome))
  if ((yield* Ref.get(outcome)) === "failed") {
    yield* Effect.sync(() => {
      process.exitCode = 1
    })
  }
}).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disablePrettyLogger: true }))
