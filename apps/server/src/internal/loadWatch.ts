/**
 * What the bin does once it listens, as soon as the server's load says: on its first idle
 * moment, and on its first busy one. A moment is a window of `windowMs` in which the event loop
 * was busy less (idle) or more (busy) than `idleUtilization` of the time; the windows stop once
 * both have been seen. Their timers never hold the process open.
 */
import { performance } from "node:perf_hooks"

/** How long each window is; the first one starts when the server listens. */
const windowMs = 200
/** INF: an idle server's own timers (lifecycle ticks, pool upkeep) keep it well under this. */
const idleUtilization = 0.1

export interface Handlers {
  /** Run once, at the end of the first idle window. */
  readonly onFirstIdle: () => void
  /** Run once, at the end of the first busy window. */
  readonly onFirstBusy: () => void
}

export const watch = (handlers: Handlers): void => {
  let idleSeen = false
  let busySeen = false
  let since = performance.eventLoopUtilization()
  const check = () => {
    const now = performance.eventLoopUtilization()
    const idle = performance.eventLoopUtilization(now, since).utilization < idleUtilization
    since = now
    if (idle && !idleSeen) {
      idleSeen = true
      handlers.onFirstIdle()
    } else if (!idle && !busySeen) {
      busySeen = true
      handlers.onFirstBusy()
    }
    if (!idleSeen || !busySeen) setTimeout(check, windowMs).unref()
  }
  setTimeout(check, windowMs).unref()
}
