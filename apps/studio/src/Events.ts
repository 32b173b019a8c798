/**
 * Live updates: the server's event stream (`/__projectkit/studio/events`), opened with a ticket
 * the admin token buys, since EventSource sends no headers and the token must stay out of URLs.
 * Each event carries two counters (journal appends, data changes): a change the open tab follows
 * asks for a poll.
 */
import * as Schema from "effect/Schema"
import { EventVersions } from "../../server/src/StudioSchemas.js"
import type { State } from "./Shell.js"

/** How long to wait before asking for a new stream after one failed. */
const reconnectMillis = 3_000

const decodeVersions = Schema.decodeUnknownOption(EventVersions)

export interface EventsHooks {
  /** Whether the open tab follows the journal (the requests), besides the data every tab follows. */
  readonly followsJournal: () => boolean
  readonly setLive: (live: boolean) => void
  readonly changed: () => void
}

export const make = (state: State, hooks: EventsHooks) => {
  let source: EventSource | undefined
  let reconnect: number | undefined
  /** The counters last heard. */
  let heard = { journal: -1, data: -1 }

  const disconnect = () => {
    window.clearTimeout(reconnect)
    source?.close()
    source = undefined
    hooks.setLive(false)
  }

  const connect = async () => {
    disconnect()
    const api = state.api
    if (api === undefined || typeof EventSource === "undefined") return
    const retry = () => {
      if (state.api === api) reconnect = window.setTimeout(() => void connect(), reconnectMillis)
    }
    let ticket: string
    try {
      ticket = (await api.eventsTicket()).ticket
    } catch {
      return retry()
    }
    if (state.api !== api) return
    const opened = new EventSource(`/__projectkit/studio/events?ticket=${encodeURIComponent(ticket)}`)
    source = opened
    const listen = (event: MessageEvent<string>) => {
      const next = decodeVersions(event.data)
      if (next._tag === "None") return
      const relevant = next.value.data !== heard.data || (hooks.followsJournal() && next.value.journal !== heard.journal)
      heard = next.value
      hooks.setLive(true)
      if (relevant) hooks.changed()
    }
    opened.addEventListener("ready", listen)
    opened.addEventListener("changed", listen)
    // Its ticket is spent: the browser's own reconnection would be refused. A new ticket, a new stream.
    opened.onerror = () => {
      opened.close()
      if (source !== opened) return
      source = undefined
      hooks.setLive(false)
      retry()
    }
  }

  return { connect, disconnect }
}
