/**
 * Keeping the page current: at once when the server's event stream says something changed, every
 * half second while the open tab shows work advancing on the server's clock (which no request
 * announces), and otherwise by a slow poll; without the stream (refused, or lost until it is
 * back) every second. A poll that finds nothing new leaves the page alone.
 */
import { type Control, ControlError } from "./Control.js"
import type { State, Tab } from "./Shell.js"

/** Polling without the event stream. */
const fallbackPollMillis = 1_000
/** While the view shows work in flight (a generation processing, an export rendering, a copy running). */
const inFlightPollMillis = 500
/** With the event stream: a safety net for changes it does not carry (another instance's writes). */
const defaultLivePollMillis = 15_000

export interface PollingHooks {
  readonly current: () => Tab
  /** Something the page shows changed. */
  readonly changed: () => void
  readonly unauthorized: () => void
  readonly failed: (message: string) => void
}

export const make = (state: State, storage: Storage, hooks: PollingHooks) => {
  let polling = false
  /** A refresh asked for while one was under way: run once more when it ends, as it may have missed the change. */
  let pollAgain = false
  let lastSeen = ""
  let timer: number | undefined

  const livePollMillis = (): number => Number(storage.getItem("studio.poll") ?? "") || defaultLivePollMillis

  /** The next poll, after the delay the situation calls for. */
  const schedule = () => {
    window.clearTimeout(timer)
    if (state.api === undefined) return
    const delay = hooks.current().inFlight() ? inFlightPollMillis : state.live ? livePollMillis() : fallbackPollMillis
    timer = window.setTimeout(() => void poll(), delay)
  }

  const refresh = async (api: Control) => {
    state.organizations = (await api.organizations()).organizations
    if (state.organizationId !== undefined && !state.organizations.some((o) => o.id === state.organizationId)) {
      state.organizationId = undefined
    }
    if (state.organizationId === undefined && state.organizations[0] !== undefined) {
      state.organizationId = state.organizations[0].id
    }
    const tab = hooks.current()
    return JSON.stringify([state.organizations, state.organizationId, tab.id, await tab.refresh(api)])
  }

  const poll = async (): Promise<void> => {
    const api = state.api
    if (api === undefined) return
    if (polling) {
      pollAgain = true
      return
    }
    polling = true
    try {
      const seen = await refresh(api)
      if (seen !== lastSeen) {
        lastSeen = seen
        hooks.changed()
      }
    } catch (error) {
      if (error instanceof ControlError && error.status === 401) return hooks.unauthorized()
      hooks.failed(`The server does not answer: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      polling = false
      schedule()
    }
    if (pollAgain) {
      pollAgain = false
      await poll()
    }
  }

  return {
    poll,
    schedule,
    /** Forgets what was seen: the next poll draws whatever it finds. */
    forget: () => {
      lastSeen = ""
    },
    stop: () => window.clearTimeout(timer)
  }
}

export type Polling = ReturnType<typeof make>
