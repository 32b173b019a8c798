/**
 * The Organizations tab: create, select, reset and delete organizations, and the credentials the
 * Studio saw when it created one — the server keeps only their hashes, so this browser tab's
 * session is the only place they can still be shown.
 */
import { type Child, field, h, when } from "../dom.js"
import type { Credentials, Shell, Tab } from "../Shell.js"

const rememberedKey = "studio.credentials"

const masked = (secret: string) => secret.length <= 10 ? "••••••" : `${secret.slice(0, 6)}••••••${secret.slice(-4)}`

/** `apiKey` → "API key": a credential's field as people write it. */
const spoken = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().replace(/\bapi\b/, "API")

export const make = (shell: Shell): Tab => {
  const { state, storage } = shell

  const remembered = (): Record<string, Credentials> => {
    try {
      return JSON.parse(storage.getItem(rememberedKey) ?? "{}") as Record<string, Credentials>
    } catch {
      return {}
    }
  }

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text)
    } catch {
      // Not a secure context: the old way, through a selected field.
      const area = h("textarea", { "aria-hidden": "true", class: "offscreen" }, text)
      document.body.append(area)
      area.select()
      document.execCommand("copy")
      area.remove()
    }
    shell.notify("Copied")
  }

  const credentialLine = (label: string, secret: string) =>
    h(
      "li",
      {},
      h("span", { class: "label" }, label),
      h("code", {}, masked(secret)),
      h("button", { type: "button", class: "small", "aria-label": `Copy the ${label}`, onclick: () => void copy(secret) }, "Copy")
    )

  /** Every credential issued, whichever dialects issued them, titled as their tabs are. */
  const credentialLines = (credentials: Credentials): Child => {
    const byDialect: Readonly<Record<string, Readonly<Record<string, string>>>> = credentials
    return Object.entries(byDialect).flatMap(([dialect, fields]) =>
      Object.entries(fields).map(([key, secret]) =>
        credentialLine(`${state.dialectTitles.get(dialect) ?? dialect} ${spoken(key)}`, secret)
      )
    )
  }

  const controls = (): Child => {
    const name = h("input", { id: "new-org", name: "name", required: true, maxlength: 200, autocomplete: "off" })
    return h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault()
          const value = name.value.trim()
          void shell.act(async (api) => {
            const created = await api.createOrganization(value)
            storage.setItem(rememberedKey, JSON.stringify({ ...remembered(), [created.id]: created.credentials }))
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

  const content = (): Child => {
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
            : h("ul", { class: "credentials", "aria-label": "Credentials" }, credentialLines(credentials)),
          h(
            "div",
            { class: "actions" },
            h("button", { type: "button", "data-key": `open-${o.id}`, onclick: () => shell.selectOrganization(o.id) }, "Select"),
            h("button", {
              type: "button",
              "data-key": `reset-${o.id}`,
              onclick: () => {
                if (confirm(`Empty ${o.name}? Its projects, jobs and tokens go; it and its credentials stay.`)) {
                  void shell.act((api) => api.resetOrganization(o.id), `Emptied ${o.name}`)
                }
              }
            }, "Reset"),
            h("button", {
              type: "button",
              class: "danger",
              "data-key": `delete-${o.id}`,
              onclick: () => {
                if (confirm(`Delete ${o.name} and everything it owns?`)) {
                  void shell.act((api) => api.deleteOrganization(o.id), `Deleted ${o.name}`)
                }
              }
            }, "Delete")
          )
        )
      })
    )
  }

  return {
    id: "organizations",
    label: "Organizations",
    controls,
    content,
    // The organizations themselves are what the shell reads on every poll.
    refresh: async () => undefined,
    inFlight: () => false
  }
}
