/**
 * projectkit Studio: what an integration made on the reference server, in a browser. One page, no
 * framework. This module is the shell: it holds the state, signs in and out, and wires the parts —
 * the layout (`Layout.ts`), the refreshes (`Polling.ts`, `Events.ts`) and the tabs: Organizations,
 * one per dialect generated from the views the server describes (`tabs/DialectTab.ts`), Requests
 * and Faults.
 */
import { type Control, control, ControlError } from "./Control.js"
import * as Events from "./Events.js"
import * as Layout from "./Layout.js"
import * as Polling from "./Polling.js"
import type { Shell, State, Tab } from "./Shell.js"
import * as SignIn from "./SignIn.js"
import * as DialectTab from "./tabs/DialectTab.js"
import * as FaultsTab from "./tabs/FaultsTab.js"
import * as OrganizationsTab from "./tabs/OrganizationsTab.js"
import * as RequestsTab from "./tabs/RequestsTab.js"

const storage = window.sessionStorage
const app = document.getElementById("app")!

const state: State = {
  api: undefined,
  tab: storage.getItem("studio.tab") ?? "organizations",
  organizations: [],
  organizationId: storage.getItem("studio.org") ?? undefined,
  dialects: [],
  dialectTitles: new Map(),
  notice: undefined,
  live: false
}

let tabs: ReadonlyArray<Tab> = []
const current = (): Tab => tabs.find((tab) => tab.id === state.tab) ?? tabs[0]!

const notify = (text: string, error = false) => {
  state.notice = { text, error }
  layout.drawNotice()
}

const act = async (action: (api: Control) => Promise<unknown>, done?: string) => {
  if (state.api === undefined) return
  try {
    await action(state.api)
    if (done !== undefined) notify(done)
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), true)
  }
  await polling.poll()
}

const selectOrganization = (id: string | undefined) => {
  state.organizationId = id
  if (id === undefined) storage.removeItem("studio.org")
  else storage.setItem("studio.org", id)
  layout.drawAll()
  void polling.poll()
}

const open = (tab: string) => {
  state.tab = tab
  state.notice = undefined
  storage.setItem("studio.tab", tab)
  layout.drawAll()
  void polling.poll()
  document.getElementById(`tab-${tab}`)?.focus()
}

const shell: Shell = {
  state,
  storage,
  notify,
  act,
  drawContent: () => layout.drawContent(),
  poll: () => polling.poll(),
  selectOrganization
}

const layout = Layout.make(app, state, { tabs: () => tabs, current, open, selectOrganization, signOut: () => signOut() })

const polling = Polling.make(state, storage, {
  current,
  changed: () => layout.drawChanged(),
  unauthorized: () => signOut("The admin token was refused"),
  failed: (message) => notify(message, true)
})

const events = Events.make(state, {
  followsJournal: () => current().followsJournal === true,
  setLive: (live) => {
    document.documentElement.dataset.live = live ? "events" : "polling"
    if (state.live === live) return
    state.live = live
    layout.drawLive()
    polling.schedule()
  },
  changed: () => void polling.poll()
})

const signIn = async (token: string) => {
  const api = control(token)
  try {
    // The tabs: the fixed ones around each dialect's, as the server describes its views.
    const views = await api.views()
    state.dialects = views.served
    state.dialectTitles = new Map(views.dialects.map((dialect) => [dialect.dialect, dialect.title]))
    tabs = [
      OrganizationsTab.make(shell),
      ...views.dialects.map((dialect) => DialectTab.make(shell, dialect)),
      RequestsTab.make(shell),
      FaultsTab.make(shell)
    ]
  } catch (error) {
    const refused = error instanceof ControlError && error.status === 401
    return SignIn.draw(app, (next) => void signIn(next), refused ? "That is not the admin token" : String(error))
  }
  storage.setItem("studio.token", token)
  state.api = api
  if (!tabs.some((tab) => tab.id === state.tab)) state.tab = "organizations"
  polling.forget()
  layout.drawAll()
  void events.connect()
  await polling.poll()
}

const signOut = (why?: string) => {
  storage.removeItem("studio.token")
  state.api = undefined
  events.disconnect()
  polling.stop()
  SignIn.draw(app, (token) => void signIn(token), why)
}

// Start: the admin token from the link the server printed (`#token=`), or from this tab's session.
// A link followed while the Studio is open changes only the fragment: no new page loads.
window.addEventListener("hashchange", () => {
  const token = SignIn.tokenFromLink(storage)
  if (token !== null && token !== "") void signIn(token)
})
const token = SignIn.tokenFromLink(storage) ?? storage.getItem("studio.token")
if (token === null || token === "") SignIn.draw(app, (next) => void signIn(next))
else void signIn(token)
