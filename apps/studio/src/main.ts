/**
 * projectkit Studio: what an integration made on the reference server, in a browser. One page,
 * no framework: a few views over the control plane, refreshed live: at once when the server's
 * event stream says something changed, every half second while the view shows work advancing on
 * the server's clock (which no request announces), and otherwise by a slow poll; without the
 * stream (refused, or lost until it is back) every second.
 *
 * Each view has controls (forms, filters: drawn when the view is opened or changed by the user, so
 * a poll never disturbs typing) and content (drawn again whenever what the server answers changes).
 */
import { type Control, control, ControlError, type CreatedOrganization, type Credentials, type Fault, type JournalEntry, type JournalSettings, type OrganizationData, type OrganizationSummary, type Row } from "./api.js"
import { bytes, type Child, h, replace, when } from "./dom.js"

type Tab = "organizations" | "sync" | "editor" | "sanity" | "requests" | "faults"

const tabs: ReadonlyArray<{ readonly id: Tab; readonly label: string }> = [
  { id: "organizations", label: "Organizations" },
  { id: "sync", label: "sync.so" },
  { id: "editor", label: "Editor" },
  { id: "sanity", label: "Sanity" },
  { id: "requests", label: "Requests" },
  { id: "faults", label: "Faults" }
]

const storage = window.sessionStorage
/** Polling without the event stream. */
const fallbackPollMillis = 1_000
/** While the view shows work in flight (a generation processing, an export rendering, a copy running). */
const inFlightPollMillis = 500
/** With the event stream: a safety net for changes it does not carry (another instance's writes). */
const livePollMillis = (): number => Number(storage.getItem("studio.poll") ?? "") || 15_000
/** How long to wait before asking for a new stream after one failed. */
const reconnectMillis = 3_000

interface State {
  api: Control | undefined
  tab: Tab
  organizations: ReadonlyArray<OrganizationSummary>
  organizationId: string | undefined
  data: OrganizationData | undefined
  requests: ReadonlyArray<JournalEntry>
  journal: JournalSettings | undefined
  faults: ReadonlyArray<Fault>
  dialects: ReadonlyArray<string>
  // What the user typed or chose, kept across redraws.
  projectSearch: string
  projectSort: "createdAt" | "updatedAt" | "name"
  renaming: { readonly id: string; name: string } | undefined
  requestFilter: { organization: string; dialect: string; status: string }
  openRequest: string | undefined
  openEditorState: string | undefined
  notice: { readonly text: string; readonly error: boolean } | undefined
  /** Whether the server's event stream is connected. */
  live: boolean
}

const state: State = {
  api: undefined,
  tab: (storage.getItem("studio.tab") as Tab | null) ?? "organizations",
  organizations: [],
  organizationId: storage.getItem("studio.org") ?? undefined,
  data: undefined,
  requests: [],
  journal: undefined,
  faults: [],
  dialects: ["sync", "editor", "sanity"],
  projectSearch: "",
  projectSort: "createdAt",
  renaming: undefined,
  requestFilter: { organization: "", dialect: "", status: "" },
  openRequest: undefined,
  openEditorState: undefined,
  notice: undefined,
  live: false
}

const app = document.getElementById("app")!

// ---------------------------------------------------------------------------------------------
// Credentials the Studio saw when it created an organization: the server keeps only their
// hashes, so this tab's session is the only place they can still be shown.
// ---------------------------------------------------------------------------------------------

const remembered = (): Record<string, Credentials> => {
  try {
    return JSON.parse(storage.getItem("studio.credentials") ?? "{}") as Record<string, Credentials>
  } catch {
    return {}
  }
}
const remember = (created: CreatedOrganization) =>
  storage.setItem("studio.credentials", JSON.stringify({ ...remembered(), [created.id]: created.credentials }))

const masked = (secret: string) => secret.length <= 10 ? "••••••" : `${secret.slice(0, 6)}••••••${secret.slice(-4)}`

const copy = async (text: string) => {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    // Not a secure context: the old way, through a selected field.
    const field = h("textarea", { "aria-hidden": "true", class: "offscreen" }, text)
    document.body.append(field)
    field.select()
    document.execCommand("copy")
    field.remove()
  }
  notify("Copied")
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

const notify = (text: string, error = false) => {
  state.notice = { text, error }
  drawNotice()
}

/** Runs `action` against the server, says what failed, and refreshes what is shown. */
const act = async (action: (api: Control) => Promise<unknown>, done?: string) => {
  if (state.api === undefined) return
  try {
    await action(state.api)
    if (done !== undefined) notify(done)
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), true)
  }
  await poll()
}

const selectOrganization = (id: string | undefined) => {
  state.organizationId = id
  state.data = undefined
  if (id === undefined) storage.removeItem("studio.org")
  else storage.setItem("studio.org", id)
  drawAll()
  void poll()
}

const open = (tab: Tab) => {
  state.tab = tab
  state.notice = undefined
  storage.setItem("studio.tab", tab)
  drawAll()
  void poll()
  document.getElementById(`tab-${tab}`)?.focus()
}

// ---------------------------------------------------------------------------------------------
// Polling
// ---------------------------------------------------------------------------------------------

let polling = false
/** A refresh asked for while one was under way: run once more when it ends, as it may have missed the change. */
let pollAgain = false
let lastSeen = ""

const poll = async (): Promise<void> => {
  const api = state.api
  if (api === undefined) return
  if (polling) {
    pollAgain = true
    return
  }
  polling = true
  try {
    state.organizations = (await api.organizations()).organizations
    if (state.organizationId !== undefined && !state.organizations.some((o) => o.id === state.organizationId)) {
      state.organizationId = undefined
      state.data = undefined
    }
    if (state.organizationId === undefined && state.organizations[0] !== undefined) {
      state.organizationId = state.organizations[0].id
    }
    const tab = state.tab
    if ((tab === "sync" || tab === "editor" || tab === "sanity") && state.organizationId !== undefined) {
      state.data = await api.data(state.organizationId)
    }
    if (tab === "requests") {
      const filter = state.requestFilter
      const [list, journal] = await Promise.all([
        api.requests({ org: filter.organization || undefined, dialect: filter.dialect || undefined }),
        api.journal()
      ])
      state.requests = list.requests
      state.journal = journal
    }
    if (tab === "faults") state.faults = (await api.faults()).faults
    // Drawn again only when something changed: a poll that finds nothing new leaves the page alone.
    const seen = JSON.stringify([state.organizations, state.data, state.requests, state.journal, state.faults])
    if (seen !== lastSeen) {
      const organizationsChanged = JSON.stringify(state.organizations) !== lastOrganizations
      lastSeen = seen
      if (organizationsChanged) drawHeader()
      drawContent()
    }
  } catch (error) {
    if (error instanceof ControlError && error.status === 401) return signOut("The admin token was refused")
    notify(`The server does not answer: ${error instanceof Error ? error.message : String(error)}`, true)
  } finally {
    polling = false
    schedule()
  }
  if (pollAgain) {
    pollAgain = false
    await poll()
  }
}

let lastOrganizations = ""

/** Whether the view shows work the server advances on its clock: no event tells of each step. */
const inFlight = (): boolean => {
  const data = state.data
  if (data === undefined) return false
  const any = (table: string, column: string, values: ReadonlyArray<string>) =>
    rows(data, table).some((row) => values.includes(text(row[column])))
  switch (state.tab) {
    case "sync":
      return any("sync_generations", "status", ["PENDING", "PROCESSING"])
    case "editor":
      return any("editor_exports", "status", ["queued", "rendering"])
    case "sanity":
      return any("sanity_copy_jobs", "state", ["pending", "running"]) || any("sanity_datasets", "embeddings_status", ["updating"])
    default:
      return false
  }
}

let timer: number | undefined
/** The next poll, after the delay the situation calls for (see the module's comment). */
const schedule = () => {
  window.clearTimeout(timer)
  if (state.api === undefined) return
  const delay = inFlight() ? inFlightPollMillis : state.live ? livePollMillis() : fallbackPollMillis
  timer = window.setTimeout(() => void poll(), delay)
}

// ---------------------------------------------------------------------------------------------
// Live updates: the server's event stream (`/__projectkit/studio/events`), opened with a ticket
// the admin token buys, since EventSource sends no headers and the token must stay out of URLs.
// ---------------------------------------------------------------------------------------------

let events: EventSource | undefined
let reconnect: number | undefined
/** The counters last heard: journal appends and data changes. */
let heard = { journal: -1, data: -1 }

const setLive = (live: boolean) => {
  document.documentElement.dataset.live = live ? "events" : "polling"
  if (state.live === live) return
  state.live = live
  drawLive()
  schedule()
}

const disconnectEvents = () => {
  window.clearTimeout(reconnect)
  events?.close()
  events = undefined
  setLive(false)
}

const connectEvents = async () => {
  disconnectEvents()
  const api = state.api
  if (api === undefined || typeof EventSource === "undefined") return
  const retry = () => {
    if (state.api === api) reconnect = window.setTimeout(() => void connectEvents(), reconnectMillis)
  }
  let ticket: string
  try {
    ticket = (await api.eventsTicket()).ticket
  } catch {
    return retry()
  }
  if (state.api !== api) return
  const source = new EventSource(`/__projectkit/studio/events?ticket=${encodeURIComponent(ticket)}`)
  events = source
  const listen = (event: MessageEvent<string>) => {
    const next = JSON.parse(event.data) as typeof heard
    // The requests view follows the journal; every view follows the data (organizations included).
    const relevant = next.data !== heard.data || (state.tab === "requests" && next.journal !== heard.journal)
    heard = next
    setLive(true)
    if (relevant) void poll()
  }
  source.addEventListener("ready", listen)
  source.addEventListener("changed", listen)
  // Its ticket is spent: the browser's own reconnection would be refused. A new ticket, a new stream.
  source.onerror = () => {
    source.close()
    if (events !== source) return
    events = undefined
    setLive(false)
    retry()
  }
}

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

const signIn = async (token: string) => {
  const api = control(token)
  try {
    await api.organizations()
  } catch (error) {
    return drawSignIn(error instanceof ControlError && error.status === 401 ? "That is not the admin token" : String(error))
  }
  storage.setItem("studio.token", token)
  state.api = api
  api.health().then((health) => {
    state.dialects = health.dialects
  }, () => undefined)
  drawAll()
  void connectEvents()
  await poll()
}

const signOut = (why?: string) => {
  storage.removeItem("studio.token")
  state.api = undefined
  disconnectEvents()
  window.clearTimeout(timer)
  drawSignIn(why)
}

const drawSignIn = (error?: string) => {
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true })
  replace(
    app,
    h(
      "main",
      { class: "signin" },
      h("h1", {}, "projectkit Studio"),
      h(
        "form",
        {
          onsubmit: (event) => {
            event.preventDefault()
            void signIn(input.value.trim())
          }
        },
        h("label", { for: "token" }, "Admin token"),
        h("p", { class: "hint" }, "The server printed it when it started, with a link that fills it in."),
        input,
        error === undefined ? null : h("p", { class: "error", role: "alert" }, error),
        h("button", { type: "submit" }, "Open")
      )
    )
  )
  input.focus()
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const header = h("header", { class: "top" })
const controls = h("section", { class: "controls" })
const content = h("section", { class: "content", "aria-live": "off" })
const notice = h("p", { class: "notice", role: "status" })

const drawAll = () => {
  replace(app, header, h("main", { id: "main" }, notice, controls, content))
  lastOrganizations = ""
  drawHeader()
  drawControls()
  drawContent()
  drawNotice()
}

const drawNotice = () => {
  notice.className = state.notice?.error === true ? "notice error" : "notice"
  notice.textContent = state.notice?.text ?? ""
}

const drawHeader = () => {
  lastOrganizations = JSON.stringify(state.organizations)
  const select = h(
    "select",
    {
      id: "organization",
      "data-key": "organization",
      onchange: (event) => selectOrganization((event.target as HTMLSelectElement).value || undefined)
    },
    state.organizations.length === 0 ? h("option", { value: "" }, "No organization yet") : null,
    state.organizations.map((o) =>
      h("option", { value: o.id, selected: o.id === state.organizationId }, `${o.name} (${o.id.slice(0, 8)})`)
    )
  )
  replace(
    header,
    h("h1", {}, "projectkit Studio"),
    h("div", { class: "org-picker" }, h("label", { for: "organization" }, "Organization"), select),
    h(
      "nav",
      { "aria-label": "Views" },
      tabs.map((tab) =>
        h("button", {
          type: "button",
          id: `tab-${tab.id}`,
          class: "tab",
          "aria-current": tab.id === state.tab ? "page" : null,
          onclick: () => open(tab.id)
        }, tab.label)
      )
    ),
    liveBadge(),
    h("button", { type: "button", class: "quiet", onclick: () => signOut() }, "Sign out")
  )
}

/** Whether updates arrive as they happen (the event stream) or by polling. */
const liveBadge = () =>
  h(
    "span",
    { id: "live", class: state.live ? "badge live" : "badge", title: state.live ? "Updates arrive as they happen" : "Updates by polling every second" },
    state.live ? "Live" : "Polling"
  )
const drawLive = () => document.getElementById("live")?.replaceWith(liveBadge())

const drawControls = () => replace(controls, viewControls())
const drawContent = () => replace(content, viewContent())

const viewControls = (): Child => {
  switch (state.tab) {
    case "organizations":
      return organizationControls()
    case "sync":
      return syncControls()
    case "requests":
      return requestControls()
    case "faults":
      return faultControls()
    default:
      return null
  }
}

const viewContent = (): Child => {
  switch (state.tab) {
    case "organizations":
      return organizationContent()
    case "sync":
      return needsOrganization(syncContent)
    case "editor":
      return needsOrganization(editorContent)
    case "sanity":
      return needsOrganization(sanityContent)
    case "requests":
      return requestContent()
    case "faults":
      return faultContent()
  }
}

const needsOrganization = (view: (data: OrganizationData) => Child): Child => {
  if (state.organizationId === undefined) return h("p", { class: "empty" }, "Create an organization first.")
  if (state.data === undefined || state.data.organization.id !== state.organizationId) {
    return h("p", { class: "empty" }, "Loading…")
  }
  return view(state.data)
}

const rows = (data: OrganizationData, table: string): ReadonlyArray<Row> => data.tables[table] ?? []
const text = (value: Row[string] | undefined): string => value === null || value === undefined ? "" : String(value)
const num = (value: Row[string] | undefined): number => Number(value ?? 0)

const field = (label: string, id: string, input: HTMLElement) =>
  h("div", { class: "field" }, h("label", { for: id }, label), input)

// ---------------------------------------------------------------------------------------------
// Organizations
// ---------------------------------------------------------------------------------------------

const organizationControls = (): Child => {
  const name = h("input", { id: "new-org", name: "name", required: true, maxlength: 200, autocomplete: "off" })
  return h(
    "form",
    {
      class: "inline",
      onsubmit: (event) => {
        event.preventDefault()
        const value = name.value.trim()
        void act(async (api) => {
          const created = await api.createOrganization(value)
          remember(created)
          name.value = ""
          state.organizationId = created.id
          storage.setItem("studio.org", created.id)
        }, `Created ${value}`)
      }
    },
    field("New organization", "new-org", name),
    h("button", { type: "submit" }, "Create organization")
  )
}

const credentialLine = (label: string, secret: string) =>
  h(
    "li",
    {},
    h("span", { class: "label" }, label),
    h("code", {}, masked(secret)),
    h("button", { type: "button", class: "small", "aria-label": `Copy the ${label}`, onclick: () => void copy(secret) }, "Copy")
  )

const organizationContent = (): Child => {
  if (state.organizations.length === 0) return h("p", { class: "empty" }, "No organization yet.")
  const known = remembered()
  return h(
    "ul",
    { class: "cards" },
    state.organizations.map((o) => {
      const credentials = known[o.id]
      return h(
        "li",
        { class: "card", "data-org": o.id },
        h("h2", {}, o.name, o.id === state.organizationId ? h("span", { class: "badge" }, "selected") : null),
        h("p", { class: "meta" }, h("code", {}, o.id), ` · ${o.members} member${o.members === 1 ? "" : "s"} · created ${when(o.createdAt)}`),
        credentials === undefined
          ? h("p", { class: "hint" }, "Credentials are shown once, when they are issued; the server keeps only their hashes.")
          : h(
            "ul",
            { class: "credentials", "aria-label": "Credentials" },
            credentialLine("sync.so API key", credentials.sync.apiKey),
            credentialLine("editor API key", credentials.editor.apiKey),
            credentialLine("Sanity token", credentials.sanity.token)
          ),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", "data-key": `open-${o.id}`, onclick: () => selectOrganization(o.id) }, "Select"),
          h("button", {
            type: "button",
            "data-key": `reset-${o.id}`,
            onclick: () => {
              if (confirm(`Empty ${o.name}? Its projects, jobs and tokens go; it and its credentials stay.`)) {
                void act((api) => api.resetOrganization(o.id), `Emptied ${o.name}`)
              }
            }
          }, "Reset"),
          h("button", {
            type: "button",
            class: "danger",
            "data-key": `delete-${o.id}`,
            onclick: () => {
              if (confirm(`Delete ${o.name} and everything it owns?`)) {
                void act((api) => api.deleteOrganization(o.id), `Deleted ${o.name}`)
              }
            }
          }, "Delete")
        )
      )
    })
  )
}

// ---------------------------------------------------------------------------------------------
// sync.so
// ---------------------------------------------------------------------------------------------

const syncControls = (): Child => {
  const name = h("input", { id: "new-project", name: "name", required: true, maxlength: 200, autocomplete: "off" })
  const visibility = h(
    "select",
    { id: "new-project-visibility" },
    h("option", { value: "ORGANIZATION" }, "ORGANIZATION"),
    h("option", { value: "USER" }, "USER")
  )
  const search = h("input", {
    id: "project-search",
    type: "search",
    value: state.projectSearch,
    oninput: (event) => {
      state.projectSearch = (event.target as HTMLInputElement).value
      drawContent()
    }
  })
  const sort = h(
    "select",
    {
      id: "project-sort",
      onchange: (event) => {
        state.projectSort = (event.target as HTMLSelectElement).value as State["projectSort"]
        drawContent()
      }
    },
    h("option", { value: "createdAt", selected: state.projectSort === "createdAt" }, "Newest created"),
    h("option", { value: "updatedAt", selected: state.projectSort === "updatedAt" }, "Last updated"),
    h("option", { value: "name", selected: state.projectSort === "name" }, "Name A→Z")
  )
  return [
    h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault()
          const organization = state.organizationId
          if (organization === undefined) return notify("Create an organization first", true)
          const value = name.value.trim()
          void act(async (api) => {
            await api.createSyncProject(organization, { name: value, visibility: visibility.value })
            name.value = ""
          }, `Created project ${value}`)
        }
      },
      field("New project", "new-project", name),
      field("Visibility", "new-project-visibility", visibility),
      h("button", { type: "submit" }, "Create project")
    ),
    h("div", { class: "inline" }, field("Search projects", "project-search", search), field("Sort", "project-sort", sort))
  ]
}

/** sync.so's search: the name contains the words typed, ignoring case and accents. */
const searchKey = (value: string) => value.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()

const statusBadge = (status: string) => h("span", { class: `status status-${status.toLowerCase()}` }, status)

const generationItem = (row: Row) =>
  h(
    "li",
    { "data-generation": text(row.id) },
    statusBadge(text(row.status)),
    h("code", {}, text(row.id).slice(0, 8)),
    ` ${text(row.model)} · ${when(row.created_at)}`,
    row.error === null || row.error === undefined ? null : h("span", { class: "error" }, ` ${text(row.error)}`)
  )

const assetItem = (row: Row) =>
  h(
    "li",
    { "data-asset": text(row.id) },
    h("span", { class: "badge" }, text(row.type)),
    ` ${text(row.name) || text(row.url) || text(row.id)}`
  )

const work = (generations: ReadonlyArray<Row>, assets: ReadonlyArray<Row>): Child => [
  h("h4", {}, `Generations (${generations.length})`),
  generations.length === 0 ? h("p", { class: "empty" }, "None") : h("ul", { class: "items" }, generations.map(generationItem)),
  h("h4", {}, `Assets (${assets.length})`),
  assets.length === 0 ? h("p", { class: "empty" }, "None") : h("ul", { class: "items" }, assets.map(assetItem))
]

const projectCard = (organization: string, project: Row, generations: ReadonlyArray<Row>, assets: ReadonlyArray<Row>) => {
  const id = text(project.id)
  const renaming = state.renaming?.id === id ? state.renaming : undefined
  const title = renaming === undefined
    ? h("h3", {}, text(project.name))
    : h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault()
          const name = renaming.name.trim()
          state.renaming = undefined
          void act((api) => api.renameSyncProject(organization, id, name), `Renamed to ${name}`)
        }
      },
      field("Name", `rename-${id}`, h("input", {
        id: `rename-${id}`,
        "data-key": `rename-${id}`,
        value: renaming.name,
        required: true,
        oninput: (event) => {
          renaming.name = (event.target as HTMLInputElement).value
        }
      })),
      h("button", { type: "submit", "data-key": `save-${id}` }, "Save"),
      h("button", {
        type: "button",
        onclick: () => {
          state.renaming = undefined
          drawContent()
        }
      }, "Cancel")
    )
  return h(
    "li",
    { class: "card", "data-project": id },
    title,
    h(
      "p",
      { class: "meta" },
      h("code", {}, id),
      ` · ${text(project.visibility)} · ${text(project.mode)} · created ${when(project.created_at)} · updated ${when(project.updated_at)}`
    ),
    h(
      "div",
      { class: "actions" },
      h("button", {
        type: "button",
        "data-key": `rename-button-${id}`,
        "aria-label": `Rename ${text(project.name)}`,
        onclick: () => {
          state.renaming = { id, name: text(project.name) }
          drawContent()
          document.getElementById(`rename-${id}`)?.focus()
        }
      }, "Rename"),
      h("button", {
        type: "button",
        class: "danger",
        "data-key": `delete-${id}`,
        "aria-label": `Delete ${text(project.name)}`,
        onclick: () => {
          if (confirm(`Delete project ${text(project.name)}? Its generations and assets stay, in no project.`)) {
            void act((api) => api.deleteSyncProject(organization, id), `Deleted ${text(project.name)}`)
          }
        }
      }, "Delete")
    ),
    work(generations, assets)
  )
}

const syncContent = (data: OrganizationData): Child => {
  const search = searchKey(state.projectSearch.trim())
  const order = state.projectSort
  const projects = rows(data, "sync_projects")
    .filter((p) => search === "" || searchKey(text(p.name)).includes(search))
    .slice()
    .sort((a, b) =>
      order === "name"
        ? text(a.name) < text(b.name) ? -1 : text(a.name) > text(b.name) ? 1 : text(a.id) < text(b.id) ? -1 : 1
        : num(order === "updatedAt" ? b.updated_at : b.created_at) - num(order === "updatedAt" ? a.updated_at : a.created_at)
    )
  const newestFirst = (list: ReadonlyArray<Row>) => list.slice().sort((a, b) => num(b.created_at) - num(a.created_at))
  const generations = newestFirst(rows(data, "sync_generations"))
  const assets = newestFirst(rows(data, "sync_assets"))
  const under = (list: ReadonlyArray<Row>, projectId: string | null) =>
    list.filter((row) => (row.project_id ?? null) === projectId)
  return [
    h("h2", {}, `Projects (${projects.length})`),
    projects.length === 0
      ? h("p", { class: "empty" }, search === "" ? "No project yet." : "No project matches.")
      : h(
        "ul",
        { class: "cards" },
        projects.map((p) => projectCard(data.organization.id, p, under(generations, text(p.id)), under(assets, text(p.id))))
      ),
    h(
      "section",
      { id: "ungrouped", class: "card", "aria-labelledby": "ungrouped-title" },
      h("h3", { id: "ungrouped-title" }, "Not in a project"),
      work(under(generations, null), under(assets, null))
    )
  ]
}

// ---------------------------------------------------------------------------------------------
// Editor
// ---------------------------------------------------------------------------------------------

const editorContent = (data: OrganizationData): Child => {
  const projects = rows(data, "editor_projects").slice().sort((a, b) => num(b.created_at) - num(a.created_at))
  const exports = rows(data, "editor_exports").slice().sort((a, b) => num(b.created_at) - num(a.created_at))
  return [
    h("h2", {}, `Projects (${projects.length})`),
    projects.length === 0 ? h("p", { class: "empty" }, "No project yet.") : h(
      "ul",
      { class: "cards" },
      projects.map((p) => {
        const id = text(p.id)
        const opened = state.openEditorState === id
        return h(
          "li",
          { class: "card", "data-editor-project": id },
          h("h3", {}, text(p.title)),
          p.description === null ? null : h("p", {}, text(p.description)),
          h(
            "p",
            { class: "meta" },
            h("code", {}, id),
            ` · stateVersion ${text(p.state_version)} · editorState ${p.editor_state_bytes === undefined ? "none" : bytes(num(p.editor_state_bytes))} · updated ${when(p.updated_at)}`
          ),
          syncBudget(data.editorSyncBudget[id]),
          p.editor_state_bytes === undefined ? null : h("button", {
            type: "button",
            "data-key": `state-${id}`,
            "aria-expanded": opened ? "true" : "false",
            onclick: () => {
              state.openEditorState = opened ? undefined : id
              drawContent()
            }
          }, opened ? "Hide editorState" : "Show editorState"),
          opened ? h("pre", { class: "json" }, p.editor_state === null ? "Too large to show here." : pretty(text(p.editor_state))) : null
        )
      })
    ),
    h("h2", {}, `Exports (${exports.length})`),
    exports.length === 0 ? h("p", { class: "empty" }, "No export yet.") : h(
      "ul",
      { class: "items exports" },
      exports.map((e) => {
        const id = text(e.id)
        const progress = num(e.progress)
        return h(
          "li",
          { "data-export": id },
          statusBadge(text(e.status)),
          h("code", {}, id.slice(0, 8)),
          ` ${text(e.format)} · project `,
          h("code", {}, text(e.project_id) || "—"),
          h("progress", { max: 100, value: progress, "aria-label": `Export ${id.slice(0, 8)} progress` }),
          h("span", { class: "percent" }, `${progress} %`),
          e.error === null ? null : h("span", { class: "error" }, ` ${text(e.error)}`)
        )
      })
    )
  ]
}

/** The project's `sync` budget: what its rate limit admits now, and the rule. */
const syncBudget = (budget: OrganizationData["editorSyncBudget"][string] | undefined): Child =>
  budget === undefined ? null : h(
    "p",
    { class: "meta budget" },
    `sync budget: ${budget.available} of ${budget.burst} now `,
    h("meter", { min: 0, max: budget.burst, value: budget.available, "aria-label": "sync budget" }),
    ` (${budget.limit} per ${budget.windowMs / 1000} s)`
  )

const pretty = (json: string) => {
  try {
    return JSON.stringify(JSON.parse(json), null, 2)
  } catch {
    return json
  }
}

// ---------------------------------------------------------------------------------------------
// Sanity
// ---------------------------------------------------------------------------------------------

const table = (caption: string, head: ReadonlyArray<string>, body: ReadonlyArray<ReadonlyArray<Child>>): Child =>
  body.length === 0
    ? h("p", { class: "empty" }, `${caption}: none`)
    : h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((cell) => h("th", { scope: "col" }, cell)))),
      h("tbody", {}, body.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell)))))
    )

const sanityContent = (data: OrganizationData): Child => {
  const projects = rows(data, "sanity_projects")
  const members = rows(data, "sanity_members")
  const tags = new Map(rows(data, "sanity_tags").map((t) => [text(t.id), text(t.name)]))
  return [
    h("h2", {}, `Members (${members.length})`),
    table("Members", ["User", "Role", "Since"], members.map((m) => [h("code", {}, text(m.user_id)), text(m.role), when(m.created_at)])),
    h("h2", {}, `Projects (${projects.length})`),
    projects.length === 0 ? h("p", { class: "empty" }, "No project yet.") : h(
      "ul",
      { class: "cards" },
      projects.map((p) => {
        const id = text(p.id)
        const mine = (name: string) => rows(data, name).filter((row) => text(row.project_id) === id)
        const datasetTags = (dataset: string) =>
          mine("sanity_dataset_tags").filter((t) => text(t.dataset_name) === dataset).map((t) => tags.get(text(t.tag_id)) ?? "").join(", ")
        return h(
          "li",
          { class: "card", "data-sanity-project": id },
          h("h3", {}, text(p.display_name)),
          h("p", { class: "meta" }, h("code", {}, id), ` · created ${when(p.created_at)}`),
          table(
            "Datasets",
            ["Name", "ACL mode", "Tags", "Embeddings"],
            mine("sanity_datasets").map((d) => [text(d.name), text(d.acl_mode), datasetTags(text(d.name)), text(d.embeddings_status)])
          ),
          table(
            "CORS origins",
            ["Origin", "Credentials"],
            mine("sanity_cors").filter((c) => c.deleted_at === null).map((c) => [text(c.origin), num(c.allow_credentials) === 1 ? "allowed" : "no"])
          ),
          table("Tokens", ["Label", "Role", "Created"], mine("sanity_tokens").map((t) => [text(t.label), text(t.role), when(t.created_at)])),
          table(
            "Copy jobs",
            ["From", "To", "State", "Progress"],
            mine("sanity_copy_jobs").map((j) => {
              const job = text(j.id)
              const progress = data.copyJobProgress[job] ?? 0
              return [text(j.source_dataset), text(j.target_dataset), statusBadge(text(j.state)), [
                h("progress", { max: 100, value: progress, "data-copy-job": job, "aria-label": `Copy to ${text(j.target_dataset)} progress` }),
                h("span", { class: "percent" }, ` ${progress} %`)
              ]]
            })
          )
        )
      })
    )
  ]
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const requestControls = (): Child => {
  const filter = state.requestFilter
  const changed = (key: keyof State["requestFilter"]) => (event: Event) => {
    filter[key] = (event.target as HTMLSelectElement).value
    void poll().then(drawContent)
  }
  return [
    h(
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
      h("button", { type: "button", onclick: () => void act((api) => api.clearRequests(), "Journal cleared") }, "Clear")
    )
  ]
}

const requestContent = (): Child => {
  const journal = state.journal
  const status = state.requestFilter.status
  const shown = state.requests.filter((r) => status === "" || String(r.status).startsWith(status[0]!))
  return [
    h(
      "div",
      { class: "inline" },
      h("p", {}, journal?.enabled === true ? "Recording requests." : "The journal is off: requests are not recorded."),
      h("button", {
        type: "button",
        id: "journal-toggle",
        "data-key": "journal-toggle",
        onclick: () =>
          void act(
            (api) => api.configureJournal(journal?.enabled === true ? { enabled: false } : { enabled: true, bodyBytes: 64 * 1024 }),
            journal?.enabled === true ? "Recording stopped" : "Recording requests"
          )
      }, journal?.enabled === true ? "Stop recording" : "Record requests")
    ),
    shown.length === 0 ? h("p", { class: "empty" }, "No request recorded.") : h(
      "ul",
      { class: "items requests" },
      shown.map((r) => {
        const opened = state.openRequest === r.requestId
        return h(
          "li",
          { "data-request": r.requestId },
          h("button", {
            type: "button",
            class: "row",
            "data-key": `request-${r.requestId}`,
            "aria-expanded": opened ? "true" : "false",
            onclick: () => {
              state.openRequest = opened ? undefined : r.requestId
              drawContent()
            }
          }, h("span", { class: `code code-${String(r.status)[0]}xx` }, String(r.status)), ` ${r.method} `, h("code", {}, `${r.path}${r.query === "" ? "" : `?${r.query}`}`), ` · ${r.durationMs} ms · ${when(r.time)}`),
          opened ? requestDetails(r) : null
        )
      })
    )
  ]
}

const organizationName = (id: string | null) =>
  id === null ? "—" : state.organizations.find((o) => o.id === id)?.name ?? id

const requestDetails = (r: JournalEntry) =>
  h(
    "div",
    { class: "details" },
    h(
      "dl",
      {},
      h("dt", {}, "Request id"), h("dd", {}, h("code", {}, r.requestId)),
      h("dt", {}, "Organization"), h("dd", {}, organizationName(r.organization)),
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

/** Headers as the server recorded them: credentials are masked there, before they are ever kept. */
const headerList = (title: string, headers: JournalEntry["requestHeaders"]): Child => [
  h("h4", {}, title),
  headers === undefined
    ? h("p", { class: "hint" }, "Not recorded")
    : h("dl", { class: "headers" }, headers.map(([name, value]) => [h("dt", {}, h("code", {}, name)), h("dd", {}, h("code", {}, value))]))
]

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

const faultControls = (): Child => {
  const dialect = h("select", { id: "fault-dialect" }, state.dialects.map((d) => h("option", { value: d }, d)))
  const method = h("select", { id: "fault-method" }, ["", "GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => h("option", { value: m }, m === "" ? "Any" : m)))
  const path = h("input", { id: "fault-path", placeholder: "/v2/projects/**", autocomplete: "off" })
  const status = h("input", { id: "fault-status", type: "number", min: 200, max: 599, placeholder: "503" })
  const latency = h("input", { id: "fault-latency", type: "number", min: 0, max: 60000, placeholder: "0" })
  const probability = h("input", { id: "fault-probability", type: "number", min: 0, max: 1, step: "0.05", value: "1" })
  const onlyThis = h("input", { id: "fault-org", type: "checkbox" })
  return h(
    "form",
    {
      class: "inline",
      onsubmit: (event) => {
        event.preventDefault()
        const number = (input: HTMLInputElement) => input.value.trim() === "" ? undefined : Number(input.value)
        const input = {
          dialect: dialect.value,
          ...(method.value === "" ? {} : { method: method.value }),
          ...(path.value.trim() === "" ? {} : { path: path.value.trim() }),
          ...(number(status) === undefined ? {} : { status: number(status)! }),
          ...(number(latency) === undefined ? {} : { latencyMs: number(latency)! }),
          ...(number(probability) === undefined ? {} : { probability: number(probability)! }),
          ...(onlyThis.checked && state.organizationId !== undefined ? { organization: state.organizationId } : {})
        }
        void act((api) => api.addFault(input), "Fault added")
      }
    },
    field("Dialect", "fault-dialect", dialect),
    field("Method", "fault-method", method),
    field("Path (under the dialect)", "fault-path", path),
    field("Status", "fault-status", status),
    field("Latency (ms)", "fault-latency", latency),
    field("Probability", "fault-probability", probability),
    h("div", { class: "field check" }, onlyThis, h("label", { for: "fault-org" }, "Only the selected organization")),
    h("button", { type: "submit" }, "Add fault"),
    h("button", { type: "button", class: "danger", onclick: () => void act((api) => api.clearFaults(), "Faults cleared") }, "Clear all")
  )
}

const faultContent = (): Child =>
  state.faults.length === 0 ? h("p", { class: "empty" }, "No fault injected.") : h(
    "ul",
    { class: "items faults" },
    state.faults.map((f) =>
      h(
        "li",
        { "data-fault": f.id },
        h("strong", {}, f.dialect),
        ` ${f.method ?? "any method"} ${f.path ?? "any path"}`,
        f.status === undefined ? "" : ` → ${f.status}`,
        f.latencyMs === undefined ? "" : ` after ${f.latencyMs} ms`,
        ` · probability ${f.probability ?? 1} · ${f.organization === undefined ? "every organization" : organizationName(f.organization)} · hits ${f.hits}`,
        h("button", {
          type: "button",
          class: "small danger",
          "data-key": `fault-${f.id}`,
          "aria-label": `Remove fault ${f.id}`,
          onclick: () => void act((api) => api.deleteFault(f.id), "Fault removed")
        }, "Remove")
      )
    )
  )

// ---------------------------------------------------------------------------------------------
// Start: the admin token from the link the server printed (`#token=`), or from this tab's session.
// ---------------------------------------------------------------------------------------------

/**
 * The token a link carries in its fragment (`#token=`), taken out of the address bar and the
 * history; `&poll=<ms>` there sets the poll interval used while the event stream is up.
 */
const tokenFromLink = (): string | null => {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const poll = Number(fragment.get("poll") ?? "")
  if (Number.isInteger(poll) && poll > 0) storage.setItem("studio.poll", String(poll))
  const token = fragment.get("token")
  if (token !== null) history.replaceState(null, "", window.location.pathname + window.location.search)
  return token
}
// A link followed while the Studio is open changes only the fragment: no new page loads.
window.addEventListener("hashchange", () => {
  const token = tokenFromLink()
  if (token !== null && token !== "") void signIn(token)
})
const token = tokenFromLink() ?? storage.getItem("studio.token")
if (token === null || token === "") drawSignIn()
else void signIn(token)
