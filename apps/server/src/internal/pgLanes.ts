/**
 * A few PostgreSQL connections in `pg`'s pipeline mode, shared by the statements that need no
 * connection of their own: a statement is written at once on the connection with the fewest
 * statements in flight, without waiting for the ones before it to be answered. PostgreSQL answers
 * them in order, each with its own result or error (each ends with its own Sync, so one failing
 * leaves the others alone, as they are not in a transaction).
 *
 * Why: taking a pool connection for each statement costs Node a checkout, a release and a wakeup
 * per statement, and PostgreSQL a wakeup per statement on each of ten connections. Shared and
 * pipelined, several statements in flight travel and are answered together: measured on loopback
 * with 20 statements at once, ~30 → ~17 µs of Node CPU and ~25 → ~14 µs of PostgreSQL CPU per
 * statement with two connections.
 *
 * Only for short reads whose plans are known (the named SELECTs, see pg.ts): a statement waits for
 * the ones ahead of it on its connection, so a slow one (a search) would hold up the others, and so
 * would a write, whose COMMIT waits for the disk (on connections of their own, concurrent commits
 * are flushed together). Those, transactions and scripts go through the pool. A connection is used
 * once it is open; until then (and after it breaks, until its replacement is open) statements go
 * through the pool.
 */
import Pg from "pg"

export type Query = Pg.QueryConfig<Array<unknown>> & { readonly rowMode?: "array" }
export type Done = (error: Error | null, result: Pg.QueryResult) => void

interface Lane {
  readonly client: Pg.Client
  /** Statements sent and not yet answered. */
  inFlight: number
  open: boolean
}

export interface Lanes {
  /** Sends `query` on the least busy open connection; false if none is open (`done` is not called). */
  readonly send: (query: Query, done: Done) => boolean
  /** Closes every connection. */
  readonly end: () => Promise<void>
}

/** `count` pipelined connections with `config`, opened on first use and again after one breaks. */
export const make = (count: number, config: Pg.ClientConfig): Lanes => {
  const lanes: Array<Lane | undefined> = new Array(count).fill(undefined)
  // After a failed connect, no new attempt on that lane for a second (the pool reports the
  // failure meanwhile), rather than one per statement.
  const retryAt: Array<number> = new Array(count).fill(0)
  let ended = false

  const open = (index: number): Lane => {
    const client = new Pg.Client({ ...config, pipeline: true })
    const lane: Lane = { client, inFlight: 0, open: false }
    // A broken connection: its statements in flight fail with the error (pg answers each), and
    // the next statement opens a replacement.
    const drop = () => {
      lane.open = false
      if (lanes[index] === lane) lanes[index] = undefined
    }
    client.on("error", drop)
    client.on("end", drop)
    client.connect((error: Error | undefined) => {
      if (error) {
        retryAt[index] = Date.now() + 1_000
        drop()
        void client.end().catch(() => {})
      } else if (ended) {
        void client.end().catch(() => {})
      } else {
        lane.open = true
      }
    })
    lanes[index] = lane
    return lane
  }

  return {
    send: (query, done) => {
      if (ended) return false
      let best: Lane | undefined
      for (let index = 0; index < count; index++) {
        const lane = lanes[index] ?? (Date.now() >= retryAt[index]! ? open(index) : undefined)
        if (lane !== undefined && lane.open && (best === undefined || lane.inFlight < best.inFlight)) best = lane
      }
      if (best === undefined) return false
      const lane = best
      lane.inFlight++
      lane.client.query(query as Pg.QueryConfig, (error: Error | null, result: Pg.QueryResult) => {
        lane.inFlight--
        done(error, result)
      })
      return true
    },
    end: async () => {
      ended = true
      await Promise.all(lanes.map((lane) => lane?.client.end().catch(() => {})))
    }
  }
}
