/**
 * The request journal as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format
 * browsers and recording tools exchange traffic in: `GET /__projectkit/requests?format=har` and the
 * file `--record` writes on exit. Entries go oldest first, as recorded traffic is replayed in order.
 * Headers keep the journal's masking (no credential leaves the server); bodies are the journal's
 * (whole when recording, see `Proxy.recordingJournal`).
 */
import type { HarDocument } from "./ControlSchemas.js"
import type { JournalEntry } from "./Journal.js"

/** The document's schemas live with the control plane's contract (`ControlSchemas`). */
export { HarDocument, HarEntry } from "./ControlSchemas.js"

const pairs = (headers: ReadonlyArray<readonly [string, string]> | undefined) =>
  (headers ?? []).map(([name, value]) => ({ name, value }))

const headerOf = (headers: ReadonlyArray<readonly [string, string]> | undefined, name: string) =>
  headers?.find(([each]) => each.toLowerCase() === name)?.[1]

const queryPairs = (query: string) =>
  query === "" ? [] : query.split("&").map((pair) => {
    const equals = pair.indexOf("=")
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, " "))
      } catch {
        return text
      }
    }
    return equals === -1 ? { name: decode(pair), value: "" } : { name: decode(pair.slice(0, equals)), value: decode(pair.slice(equals + 1)) }
  })

/** One journal entry as a HAR entry; the URL's host is the one the client sent (`Host`), else `fallbackHost`. */
export const entryOf = (entry: JournalEntry, fallbackHost: string) => {
  const host = headerOf(entry.requestHeaders, "host") ?? fallbackHost
  const requestType = headerOf(entry.requestHeaders, "content-type")
  const responseType = headerOf(entry.responseHeaders, "content-type") ?? ""
  const requestBody = entry.requestBody ?? ""
  const responseBody = entry.responseBody
  return {
    startedDateTime: entry.time,
    time: entry.durationMs,
    request: {
      method: entry.method,
      url: `http://${host}${entry.path}${entry.query === "" ? "" : `?${entry.query}`}`,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(entry.requestHeaders),
      queryString: queryPairs(entry.query),
      ...(requestBody === "" ? {} : { postData: { mimeType: requestType ?? "", text: requestBody } }),
      headersSize: -1,
      bodySize: Buffer.byteLength(requestBody)
    },
    response: {
      status: entry.status,
      statusText: "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(entry.responseHeaders),
      content: {
        size: responseBody === undefined ? 0 : Buffer.byteLength(responseBody),
        mimeType: responseType,
        ...(responseBody === undefined ? {} : { text: responseBody })
      },
      redirectURL: "",
      headersSize: -1,
      bodySize: responseBody === undefined ? -1 : Buffer.byteLength(responseBody)
    },
    cache: {},
    timings: { send: 0, wait: entry.durationMs, receive: 0 },
    _requestId: entry.requestId,
    _dialect: entry.dialect
  }
}

/** The journal's entries (given newest first, as it lists them) as a HAR 1.2 document, oldest first. */
export const fromJournal = (
  newestFirst: ReadonlyArray<JournalEntry>,
  creator: { readonly name: string; readonly version: string },
  fallbackHost = "localhost"
): HarDocument => ({
  log: {
    version: "1.2",
    creator,
    // Requests the client abandoned before an answer (status 0) have nothing to replay.
    // The journal keeps them as they were answered; sorted (stably) by arrival, concurrent ones keep that order.
    entries: [...newestFirst].reverse().filter((entry) => entry.status !== 0)
      .sort((a, b) => a.time < b.time ? -1 : a.time > b.time ? 1 : 0)
      .map((entry) => entryOf(entry, fallbackHost))
  }
})
