// The `startup` scenario of `pnpm bench`: from spawn to the first 200 from `/__projectkit/health`
// (polled every 5 ms from the moment of the spawn), median of 5, for the published bin (the bundle,
// `dist/bundle/projectkit-server.js`) and the unbundled modules (`dist/bin.js`, what the repository's
// scripts run), next to `node -e ''` measured in the same run; and the published bin's idle RSS, 2 s
// after its first 200 with no load. Targets: under 1 s, under 100 MB.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"

const here = import.meta.dirname
const bundled = Path.resolve(here, "../dist/bundle/projectkit-server.js")
const unbundled = Path.resolve(here, "../dist/bin.js")

const runs = 5
const idleSettleMs = 2_000
export const targets = { startupMs: 1_000, idleRssMb: 100 }

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = Net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(Fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024
  } catch {
    return NaN
  }
}

const exited = (child) => new Promise((resolve) => child.exitCode !== null ? resolve() : child.once("exit", () => resolve()))

/** Milliseconds from spawning `args` to the process's exit (for `node -e ''`). */
const timeToExit = async (args) => {
  const started = performance.now()
  const child = ChildProcess.spawn(process.execPath, args, { stdio: "ignore" })
  await exited(child)
  return performance.now() - started
}

/** Milliseconds from spawning the server at `bin` to its first 200 from health, and its RSS once idle. */
const timeToHealthy = async (bin, idle) => {
  const port = await freePort()
  const started = performance.now()
  const child = ChildProcess.spawn(
    process.execPath,
    [bin, "--port", String(port), "--data", ":memory:", "--admin-token", "bench-admin-token", "--log-format", "json"],
    { stdio: "ignore" }
  )
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${bin} exited ${child.exitCode} before it answered`)
      const ok = await fetch(`http://127.0.0.1:${port}/__projectkit/health`, { signal: AbortSignal.timeout(1_000) })
        .then((response) => response.status === 200, () => false)
      if (ok) break
      if (performance.now() - started > 60_000) throw new Error(`${bin} did not answer within 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const ms = performance.now() - started
    let idleRss = NaN
    if (idle) {
      await new Promise((resolve) => setTimeout(resolve, idleSettleMs))
      idleRss = rssMb(child.pid)
    }
    return { ms, idleRss }
  } finally {
    child.kill("SIGTERM")
    await exited(child)
  }
}

/** Runs the scenario, prints its lines, and answers its figures. */
export const run = async () => {
  console.log(`startup: spawn → first 200 from health, median of ${runs} (--data :memory:)`)
  const node = []
  const bundle = []
  const modules = []
  const idle = []
  // Interleaved, so a neighbour's burst of load spreads over all three.
  for (let i = 0; i < runs; i++) {
    node.push(await timeToExit(["-e", ""]))
    const published = await timeToHealthy(bundled, true)
    bundle.push(published.ms)
    idle.push(published.idleRss)
    modules.push((await timeToHealthy(unbundled, false)).ms)
  }
  const figures = { nodeMs: median(node), bundledMs: median(bundle), unbundledMs: median(modules), idleRssMb: median(idle) }
  const f = (n) => Number.isFinite(n) ? n.toFixed(0) : "-"
  console.log(`  node -e ''                          ${f(figures.nodeMs).padStart(5)} ms`)
  console.log(`  projectkit-server (bundle)          ${f(figures.bundledMs).padStart(5)} ms   idle RSS ${f(figures.idleRssMb)} MB (${idleSettleMs / 1000} s after its first 200)`)
  console.log(`  dist/bin.js (unbundled modules)     ${f(figures.unbundledMs).padStart(5)} ms\n`)
  return figures
}

/** The scenario's lines of the report's targets. */
export const report = (figures, target) => {
  const f = (n) => Number.isFinite(n) ? n.toFixed(0) : "-"
  target(
    figures.bundledMs < targets.startupMs,
    `startup under ${targets.startupMs} ms, spawn → first 200 from health (${f(figures.bundledMs)} ms; node -e '' ${f(figures.nodeMs)} ms)`
  )
  target(figures.idleRssMb < targets.idleRssMb, `idle RSS under ${targets.idleRssMb} MB (${f(figures.idleRssMb)} MB)`)
}
