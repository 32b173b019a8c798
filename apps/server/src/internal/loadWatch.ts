/**
 * A moment the bin waits for once it listens: the server's first busy one, a window of
 * `windowMs` in which the event loop was busy at least `busyUtilization` of the time. The
 * windows stop once it is seen, and their timers never hold the process open.
 */
import { performance } from "node:perf_hooks"

/** How long each window is; the first one starts when this is called. */
const windowMs = 200
/** INF: an idle server's own timers (lifecycle ticks, pool upkeep) keep it well under this. */
const busyUtilization = 0.1

/** Runs `action` once, at the end of the first busy window. */
export const whenFirstBusy = (action: () => void): void => {
  let since = performance.eventLoopUtilization()
  const check = () => {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, since).utilization >= busyUtilization
    since = now
    if (busy) action()
    else setTimeout(check, windowMs).unref()
  }
  setTimeout(check, windowMs).unref()
}
