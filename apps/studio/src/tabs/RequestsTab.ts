/**
 * The Requests tab: the request journal (turned on and off here, bodies recorded), filtered by
 * organization, dialect and status; a request opens to its headers (credentials masked by the
 * server before they were ever kept) and bodies.
 */
import type { JournalEntry, JournalSettings } from "../../../server/src/Journal.js"
import { type Child, field, h, pretty, when } from "../dom.js"
import type { Shell, Tab } from "../Shell.js"

export const organizationName = (shell: Shell, id: string | null | undefined) =>
  id === null || id === undefined ? "—" : shell.state.organizations.find((o) => o.id === id)?.name ?? id

export const make = (shell: Shell): Tab => {
  const { state } = shell
  const filter = { organization: "", dialect: "", status: "" }
  let requests: ReadonlyArray<JournalEntry> = []
  let journal: JournalSettings | undefined
  let openRequest: string | undefined

  const controls = (): Child => {
    const changed = (key: keyof typeof filter) => (event: Event) => {
      filter[key] = (event.target as HTMLSelectElement).value
      void shell.poll().then(shell.drawContent)
    }
    return h(
      "div",
      { class: "inline" },
      field("Organization", "filter-org", h(
        "select",
        { id: "filter-org", onchange: changed("organization") },
        h("option", { value: "" }, "Any"),
        state.organizations.map((o) => h("option", { value: o.id, selected: filter.organization === o.id }, o.name))
      )),
      field("Dialect", "filter-dialect", h(
        "select",
        { id: "filter-dialect", onchange: changed("dialect") },
        h("option", { value: "" }, "Any"),
        state.dialects.map((d) => h("option", { value: d, selected: filter.dialect === d }, d))
      )),
      field("Status", "filter-status", h(
        "select",
        { id: "filter-status", onchange: changed("status") },
        ["", "2xx", "3xx", "4xx", "5xx"].map((s) => h("option", { value: s, selected: filter.status === s }, s === "" ? "Any" : s))
      )),
      h("button", { type: "button", onclick: () => void shell.act((api) => api.clearRequests(), "Journal cleared") }, "Clear")
    )
  }

  /** Headers as the server recorded them: credentials are masked there, before they are ever kept. */
  const headerList = (title: string, headers: JournalEntry["requestHeaders"]): Child => [
    h("h4", {}, title),
    headers === undefined
      ? h("p", { class: "hint" }, "Not recorded")
      : h("dl", { class: "headers" }, headers.map(([name, value]) => [h("dt", {}, h("code", {}, name)), h("dd", {}, h("code", {}, value))]))
  ]

  const details = (r: JournalEntry) =>
    h(
      "div",
      { class: "details" },
      h(
        "dl",
        {},
        h("dt", {}, "Request id"), h("dd", {}, h("code", {}, r.requestId)),
        h("dt", {}, "Organization"), h("dd", {}, organizationName(shell, r.organization)),
        h("dt", {}, "Dialect"), h("dd", {}, r.dialect ?? "—"),
        h("dt", {}, "Injected fault"), h("dd", {}, r.fault ?? "none")
      ),
      headerList("Request headers", r.requestHeaders),
      headerList("Response headers", r.responseHeaders),
      r.headersTruncated === true ? h("p", { class: "hint" }, "Some headers were dropped or cut.") : null,
      h("h4", {}, "Request body"),
      h("pre", { class: "json" }, r.requestBody === undefined ? "Not recorded" : pretty(r.requestBody) || "(empty)"),
      h("h4", {}, "Response body"),
      h("pre", { class: "json" }, r.responseBody === undefined ? "Not recorded" : pretty(r.responseBody) || "(empty)"),
      r.bodiesTruncated === true ? h("p", { class: "hint" }, "Bodies cut to the journal's size.") : null
    )

  const content = (): Child => {
    const status = filter.status
    const shown = requests.filter((r) => status === "" || String(r.status).startsWith(status[0]!))
    const recording = journal?.enabled === true
    return [
      h(
        "div",
        { class: "inline" },
        h("p", {}, recording ? "Recording requests." : "The journal is off: requests are not recorded."),
        h("button", {
          type: "button",
          id: "journal-toggle",
          "data-key": "journal-toggle",
          onclick: () =>
            void shell.act(
              (api) => api.configureJournal(recording ? { enabled: false } : { enabled: true, bodyBytes: 64 * 1024 }),
              recording ? "Recording stopped" : "Recording requests"
            )
        }, recording ? "Stop recording" : "Record requests")
      ),
      shown.length === 0 ? h("p", { class: "empty" }, "No request recorded.") : h(
        "ul",
        { class: "items requests" },
        shown.map((r) => {
          const opened = openRequest === r.requestId
          return h(
            "li",
            { "data-request": r.requestId },
            h("button", {
              type: "button",
              class: "row",
              "data-key": `request-${r.requestId}`,
              "aria-expanded": opened ? "true" : "false",
              onclick: () => {
                openRequest = opened ? undefined : r.requestId
                shell.drawContent()
              }
            }, h("span", { class: `code code-${String(r.status)[0]}xx` }, String(r.status)), ` ${r.method} `, h("code", {}, `${r.path}${r.query === "" ? "" : `?${r.query}`}`), ` · ${r.durationMs} ms · ${when(r.time)}`),
            opened ? details(r) : null
          )
        })
      )
    ]
  }

  return {
    id: "requests",
    label: "Requests",
    controls,
    content,
    refresh: async (api) => {
      const [list, settings] = await Promise.all([
        api.requests({ org: filter.organization || undefined, dialect: filter.dialect || undefined }),
        api.journal()
      ])
      requests = list.requests
      journal = settings
      return [requests, journal]
    },
    inFlight: () => false,
    followsJournal: true
  }
}
