/**
 * The Studio's live updates: a server-sent events stream at `/__projectkit/studio/events` that
 * says "changed" (with two counters: the journal's appends and the data's changes) when a request
 * was journaled or a request that changes data succeeded, debounced, so the open Studio refreshes
 * the view it shows at once instead of waiting for its next poll.
 *
 * The stream sits behind the admin token without carrying it: `EventSource` cannot send headers,
 * and a token in a URL ends up in logs and histories. The Studio first exchanges its token (as a
 * bearer header, `POST /__projectkit/studio/tickets`) for a ticket: random, good once, for 30 s,
 * for this stream alone. A ticket seen in a log is spent already.
 *
 * Bounded: at most `maxStreams` streams at once (503 beyond) and `maxTickets` tickets unspent.
 * While no stream is open, telling this service of a change costs one comparison. At shutdown
 * every stream is ended before the listener closes, so an open Studio never holds the server up.
 *
 * Not here: changes a request does not cause (a generation's or an export's progress on the
 * server's clock, another instance's writes on a shared database). The Studio polls for those.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"

/** Where the stream is served (the Studio's own prefix). */
export const path = "/__projectkit/studio/events"

/** Streams open at once; one more is answered 503. */
export const maxStreams = 16
/** Tickets held unspent; issuing one more forgets the oldest. */
export const maxTickets = 64
/** How long a ticket can be spent. */
export const ticketMillis = 30_000
/** How long changes are gathered before one "changed" is sent for all of them. */
export const debounceMillis = 100
/** How often an idle stream sends a comment, so a proxy keeps it and a gone client is noticed. */
export const keepAliveMillis = 15_000

export interface Versions {
  /** How many requests were journaled since the server started. */
  readonly journal: number
  /** How many requests that change data succeeded since the server started. */
  readonly data: number
}

export interface StudioEventsService {
  /** Whether a stream is open: read on every request while the request observer runs. */
  readonly watching: () => boolean
  /** A request was journaled. */
  readonly journalAppended: () => void
  /** A request that changes data (any method but GET, HEAD and OPTIONS) succeeded. */
  readonly dataChanged: () => void
  readonly versions: () => Versions
  /** A new ticket, good once within `ticketMillis`. */
  readonly issueTicket: () => { readonly ticket: string; readonly expiresInMs: number }
  /** Spends `ticket`: true once, if it was issued and has not expired. */
  readonly redeem: (ticket: string) => boolean
  /** A new stream's events as bytes, or "full" when `maxStreams` are open, or "closed" after shutdown. */
  readonly open: () => Stream.Stream<Uint8Array> | "full" | "closed"
  /** Ends every stream and refuses new ones (shutdown). */
  readonly closeAll: () => void
}

export class StudioEvents extends Context.Tag("@projectkit/server/StudioEvents")<StudioEvents, StudioEventsService>() {}

interface Subscriber {
  readonly send: (bytes: Uint8Array) => void
  readonly end: () => void
}

const encoder = new TextEncoder()
const event = (name: string, versions: Versions) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(versions)}\n\n`)
const keepAlive = encoder.encode(": keep-alive\n\n")

export const make = (): StudioEventsService => {
  const subscribers = new Set<Subscriber>()
  // Slots taken by streams answered but not yet running, so the cap holds between the two.
  let starting = 0
  const tickets = new Map<string, number>()
  let journal = 0
  let data = 0
  let closed = false
  let pending: ReturnType<typeof setTimeout> | undefined
  let beat: ReturnType<typeof setInterval> | undefined

  const versions = (): Versions => ({ journal, data })
  const broadcast = (bytes: Uint8Array) => {
    for (const subscriber of subscribers) subscriber.send(bytes)
  }
  const flush = () => {
    pending = undefined
    broadcast(event("changed", versions()))
  }
  const changed = () => {
    if (pending === undefined && subscribers.size > 0) pending = setTimeout(flush, debounceMillis)
  }
  const stopTimersWhenIdle = () => {
    if (subscribers.size > 0) return
    if (beat !== undefined) clearInterval(beat)
    if (pending !== undefined) clearTimeout(pending)
    beat = undefined
    pending = undefined
  }

  return {
    watching: () => subscribers.size > 0,
    journalAppended: () => {
      journal++
      changed()
    },
    dataChanged: () => {
      data++
      changed()
    },
    versions,
    issueTicket: () => {
      const now = Date.now()
      for (const [ticket, expires] of tickets) if (expires <= now) tickets.delete(ticket)
      // The oldest first, in the Map's insertion order.
      while (tickets.size >= maxTickets) tickets.delete(tickets.keys().next().value!)
      const ticket = Crypto.randomBytes(24).toString("base64url")
      tickets.set(ticket, now + ticketMillis)
      return { ticket, expiresInMs: ticketMillis }
    },
    redeem: (ticket) => {
      const expires = tickets.get(ticket)
      if (expires === undefined) return false
      tickets.delete(ticket)
      return expires > Date.now()
    },
    open: () => {
      if (closed) return "closed"
      if (subscribers.size + starting >= maxStreams) return "full"
      starting++
      let started = false
      const begin = () => {
        if (!started) starting--
        started = true
      }
      return Stream.asyncPush<Uint8Array>((emit) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            begin()
            const subscriber: Subscriber = { send: (bytes) => void emit.single(bytes), end: () => void emit.end() }
            if (closed) return subscriber.end()
            subscribers.add(subscriber)
            beat ??= setInterval(() => broadcast(keepAlive), keepAliveMillis)
            beat.unref()
            // The versions now: the Studio knows the stream is up, and what it has seen.
            subscriber.send(event("ready", versions()))
            return subscriber
          }),
          (subscriber) =>
            Effect.sync(() => {
              if (subscriber !== undefined) subscribers.delete(subscriber)
              stopTimersWhenIdle()
            })
        ), { bufferSize: 16, strategy: "sliding" }).pipe(
          // A stream never run (its client went away first) gives its slot back too.
          Stream.ensuring(Effect.sync(begin))
        )
    },
    closeAll: () => {
      closed = true
      tickets.clear()
      for (const subscriber of subscribers) subscriber.end()
      subscribers.clear()
      stopTimersWhenIdle()
    }
  }
}

/** The service, its streams ended when the server stops. */
export const layer = Layer.scoped(
  StudioEvents,
  Effect.acquireRelease(Effect.sync(make), (events) => Effect.sync(() => events.closeAll()))
)

const refused = (status: number, error: string, message: string) =>
  HttpServerResponse.unsafeJson({ error, message }, { status })

/**
 * The stream's route on the platform's router: `?ticket=` spent, then events until the client
 * leaves or the server stops. Its finalizer ends every stream before the listener closes (this
 * layer is released first), so shutdown does not wait on an open Studio.
 */
export const layerRoute = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function*() {
    const events = yield* StudioEvents
    yield* Effect.addFinalizer(() => Effect.sync(() => events.closeAll()))
    yield* router.get(
      path,
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const ticket = new URL(request.url, "http://studio").searchParams.get("ticket")
        if (ticket === null || !events.redeem(ticket)) {
          return refused(401, "unauthorized", "A valid ticket is required: POST /__projectkit/studio/tickets with the admin token")
        }
        const stream = events.open()
        if (stream === "closed") return refused(503, "unavailable", "The server is stopping")
        if (stream === "full") return refused(503, "unavailable", `At most ${maxStreams} event streams are open at once`)
        return HttpServerResponse.stream(stream, {
          contentType: "text/event-stream",
          headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
        })
      })
    )
  })
)
