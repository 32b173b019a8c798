/**
 * The page: a header (title, organization picker, the tabs, whether updates arrive live, sign
 * out), a notice line, the open tab's controls and its content. Each part is drawn on its own, so
 * a poll that changes the content leaves the controls (and what is typed in them) alone.
 */
import { h, replace } from "./dom.js"
import type { State, Tab } from "./Shell.js"

export interface LayoutActions {
  readonly tabs: () => ReadonlyArray<Tab>
  readonly current: () => Tab
  readonly open: (tab: string) => void
  readonly selectOrganization: (id: string | undefined) => void
  readonly signOut: () => void
}

export const make = (app: HTMLElement, state: State, actions: LayoutActions) => {
  const header = h("header", { class: "top" })
  const controls = h("section", { class: "controls" })
  const content = h("section", { class: "content", "aria-live": "off" })
  const notice = h("p", { class: "notice", role: "status" })
  /** The organizations the header shows, to draw it again only when they change. */
  let drawnOrganizations = ""

  const drawNotice = () => {
    notice.className = state.notice?.error === true ? "notice error" : "notice"
    notice.textContent = state.notice?.text ?? ""
  }

  /** Whether updates arrive as they happen (the event stream) or by polling. */
  const liveBadge = () =>
    h(
      "span",
      { id: "live", class: state.live ? "badge live" : "badge", title: state.live ? "Updates arrive as they happen" : "Updates by polling every second" },
      state.live ? "Live" : "Polling"
    )

  const drawHeader = () => {
    drawnOrganizations = JSON.stringify(state.organizations)
    const select = h(
      "select",
      {
        id: "organization",
        "data-key": "organization",
        onchange: (event) => actions.selectOrganization((event.target as HTMLSelectElement).value || undefined)
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
        actions.tabs().map((tab) =>
          h("button", {
            type: "button",
            id: `tab-${tab.id}`,
            class: "tab",
            "aria-current": tab.id === state.tab ? "page" : null,
            onclick: () => actions.open(tab.id)
          }, tab.label)
        )
      ),
      liveBadge(),
      h("button", { type: "button", class: "quiet", onclick: () => actions.signOut() }, "Sign out")
    )
  }

  const drawControls = () => replace(controls, actions.current().controls())
  const drawContent = () => replace(content, actions.current().content())

  return {
    drawAll: () => {
      replace(app, header, h("main", { id: "main" }, notice, controls, content))
      drawHeader()
      drawControls()
      drawContent()
      drawNotice()
    },
    /** After a poll: the header when the organizations changed, and the content. */
    drawChanged: () => {
      if (JSON.stringify(state.organizations) !== drawnOrganizations) drawHeader()
      drawContent()
    },
    drawContent,
    drawNotice,
    drawLive: () => document.getElementById("live")?.replaceWith(liveBadge())
  }
}

export type Layout = ReturnType<typeof make>

