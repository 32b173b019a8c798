/**
 * The garbage of the bin's start collected once the server is first idle. Starting promotes much
 * that dies soon after (layer construction, migrations, the demo organization, what parsing and
 * compiling the modules leave) into the old generation; an idle server allocates too little for
 * V8 to run the full collection that would free it, so a third of the old generation stays dead
 * but resident (~9 MB). One compacting full collection gives those pages back.
 *
 * It pauses the process (~50 ms, more on a loaded machine), so it waits for a moment when the
 * server has nothing to do: a window of `checkEveryMs` with the event loop busy less than
 * `idleUtilization` of it. A server under load from its start is left to V8, as before, and
 * collects as V8 decides; this only changes what an idle one keeps.
 *
 * V8 offers no collection to call but the `gc` extension (`--expose-gc`), which it installs only
 * in contexts created while the flag is on: one throwaway context is made for it (~150 KB).
 * Flags set after start are best effort by Node's own account: should a V8 version ignore them,
 * the server only idles with more memory.
 */
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import { performance } from "node:perf_hooks"

/** How long each window is; the first one starts when the server listens. */
const checkEveryMs = 200
/** INF: an idle server's own timers (lifecycle ticks, pool upkeep) keep it well under this. */
const idleUtilization = 0.1

/** One compacting full collection at the end of the first idle window; its timers never hold the process open. */
export const collectOnceIdle = (): void => {
  let since = performance.eventLoopUtilization()
  const check = () => {
    const now = performance.eventLoopUtilization()
    const window = performance.eventLoopUtilization(now, since)
    since = now
    if (window.utilization < idleUtilization) collect()
    else setTimeout(check, checkEveryMs).unref()
  }
  setTimeout(check, checkEveryMs).unref()
}

const collect = (): void => {
  V8.setFlagsFromString("--expose-gc")
  const gc: unknown = Vm.runInNewContext("gc")
  V8.setFlagsFromString("--no-expose-gc")
  if (typeof gc !== "function") return
  // Every page evacuated, not only the most fragmented: the survivors of the start are scattered
  // over all of them, and a plain collection frees the garbage but keeps its pages.
  V8.setFlagsFromString("--compact-on-every-full-gc")
  try {
    gc()
  } finally {
    V8.setFlagsFromString("--no-compact-on-every-full-gc")
  }
}
