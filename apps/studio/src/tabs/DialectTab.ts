/**
 * A dialect's tab, generated from the views the server describes (`GET /__projectkit/studio/views`):
 * each view drawn by its layout (cards, a list, a table), its cells by their column's kind, the
 * views filed under another drawn inside each of its records (and, where the parent says so, the
 * ones filed under none in a section of their own), with the actions the view offers. Nothing
 * here knows a dialect: a new one's views appear with no change to the Studio.
 */
import type { Cell, Column, DialectData, DialectViews, StudioRecord, ViewDescription } from "../../../server/src/StudioSchemas.js"
import { bytes, type Child, field, h, pretty, statusBadge, when } from "../dom.js"
import type { Shell, Tab } from "../Shell.js"

/** The search the dialects use: the title contains the words typed, ignoring case and accents. */
const searchKey = (value: string) => value.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()

const isMeter = (cell: Cell | undefined): cell is Extract<Cell, { readonly max: number }> =>
  typeof cell === "object" && cell !== null

const plain = (cell: Cell | undefined): string =>
  cell === undefined || cell === null || isMeter(cell) ? "" : String(cell)

const numeric = (cell: Cell | undefined): number => typeof cell === "number" ? cell : Number(plain(cell) || 0)

/** A cell's value as the column's kind shows it on a line, without its label. */
const value = (column: Column, cell: Cell | undefined, record: StudioRecord): Child => {
  switch (column.kind) {
    case "code":
      return h("code", {}, plain(cell))
    case "time":
      return when(plain(cell))
    case "bytes":
      return bytes(numeric(cell))
    case "status":
      return statusBadge(plain(cell))
    case "error":
      return h("span", { class: "error" }, plain(cell))
    case "progress": {
      const progress = numeric(cell)
      return [
        h("progress", { max: 100, value: progress, "aria-label": `${record.title} ${column.label || "progress"}` }),
        h("span", { class: "percent" }, `${progress} %`)
      ]
    }
    case "meter":
      return isMeter(cell) ? h("meter", { min: 0, max: cell.max, value: cell.value, "aria-label": column.label }) : null
    default:
      return plain(cell)
  }
}

/** A cell on a line of facts: its label, then its value. */
const fact = (column: Column, cell: Cell | undefined, record: StudioRecord): Child =>
  column.label === "" ? value(column, cell, record) : [`${column.label} `, value(column, cell, record)]

const present = (record: StudioRecord, column: Column) => {
  const cell = record.cells[column.key]
  return cell !== undefined && cell !== null && cell !== ""
}

/** Kinds drawn on a card's line of facts; the others get a place of their own. */
const onLine: ReadonlySet<Column["kind"]> = new Set(["text", "code", "time", "bytes", "status"])

export const make = (shell: Shell, described: DialectViews): Tab => {
  const { state } = shell
  const dialect = described.dialect
  let data: DialectData | undefined
  const search = new Map<string, string>()
  const sortChosen = new Map<string, number>()
  let renaming: { readonly view: string; readonly id: string; name: string } | undefined
  const openDocuments = new Set<string>()

  const childrenOf = (view: ViewDescription) => described.views.filter((child) => child.parent === view.id)
  const recordsOf = (view: ViewDescription): ReadonlyArray<StudioRecord> =>
    data?.views.find((each) => each.id === view.id)?.records ?? []

  /** The records the reader asked for: searched by title, in the order chosen. */
  const shownRecords = (view: ViewDescription): ReadonlyArray<StudioRecord> => {
    const records = recordsOf(view)
    if (view.search !== true) return records
    const typed = searchKey((search.get(view.id) ?? "").trim())
    const sort = view.sorts?.[sortChosen.get(view.id) ?? 0]
    const found = records.filter((record) => typed === "" || searchKey(record.title).includes(typed))
    if (sort === undefined) return found
    const column = sort.column
    const compare = (a: StudioRecord, b: StudioRecord): number => {
      if (column === undefined) return a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1
      return numeric(a.cells[column]) - numeric(b.cells[column])
    }
    return found.slice().sort((a, b) => sort.descending ? compare(b, a) : compare(a, b))
  }

  // -------------------------------------------------------------------------------------------
  // Controls: each view's create form, search and order.
  // -------------------------------------------------------------------------------------------

  const createForm = (view: ViewDescription): Child => {
    const create = view.actions?.create
    if (create === undefined) return null
    const inputs = create.fields.map((each) => {
      const id = `create-${dialect}-${view.id}-${each.key}`
      const input = each.choices === undefined
        ? h("input", { id, name: each.key, required: each.key === "name", maxlength: 200, autocomplete: "off" })
        : h("select", { id, name: each.key }, each.choices.map((choice) => h("option", { value: choice }, choice)))
      return { key: each.key, input, element: field(each.label, id, input) }
    })
    return h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault()
          const organization = state.organizationId
          if (organization === undefined) return shell.notify("Create an organization first", true)
          const name = inputs.find((each) => each.key === "name")?.input.value.trim() ?? ""
          const options: Record<string, string> = {}
          for (const each of inputs) if (each.key !== "name") options[each.key] = each.input.value
          void shell.act(async (api) => {
            await api.createRecord(organization, dialect, view.id, { name, options })
            for (const each of inputs) if (each.input instanceof HTMLInputElement) each.input.value = ""
          }, `Created ${name}`)
        }
      },
      inputs.map((each) => each.element),
      h("button", { type: "submit" }, create.label)
    )
  }

  const searchControls = (view: ViewDescription): Child => {
    if (view.search !== true) return null
    const noun = view.title.toLowerCase()
    const input = h("input", {
      id: `search-${dialect}-${view.id}`,
      type: "search",
      value: search.get(view.id) ?? "",
      oninput: (event) => {
        search.set(view.id, (event.target as HTMLInputElement).value)
        shell.drawContent()
      }
    })
    const sorts = view.sorts ?? []
    const order = sorts.length === 0 ? null : field("Sort", `sort-${dialect}-${view.id}`, h(
      "select",
      {
        id: `sort-${dialect}-${view.id}`,
        onchange: (event) => {
          sortChosen.set(view.id, Number((event.target as HTMLSelectElement).value))
          shell.drawContent()
        }
      },
      sorts.map((sort, index) => h("option", { value: index, selected: (sortChosen.get(view.id) ?? 0) === index }, sort.label))
    ))
    return h("div", { class: "inline" }, field(`Search ${noun}`, `search-${dialect}-${view.id}`, input), order)
  }

  const controls = (): Child =>
    described.views.filter((view) => view.parent === undefined).map((view) => [createForm(view), searchControls(view)])

  // -------------------------------------------------------------------------------------------
  // Content
  // -------------------------------------------------------------------------------------------

  const renameForm = (view: ViewDescription, record: StudioRecord, editing: { name: string }) =>
    h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault()
          const organization = state.organizationId
          const name = editing.name.trim()
          renaming = undefined
          if (organization === undefined) return
          void shell.act((api) => api.renameRecord(organization, dialect, view.id, record.id, name), `Renamed to ${name}`)
        }
      },
      field("Name", `rename-${record.id}`, h("input", {
        id: `rename-${record.id}`,
        "data-key": `rename-${record.id}`,
        value: editing.name,
        required: true,
        oninput: (event) => {
          editing.name = (event.target as HTMLInputElement).value
        }
      })),
      h("button", { type: "submit", "data-key": `save-${record.id}` }, "Save"),
      h("button", {
        type: "button",
        onclick: () => {
          renaming = undefined
          shell.drawContent()
        }
      }, "Cancel")
    )

  const recordActions = (view: ViewDescription, record: StudioRecord): Child => {
    const actions = view.actions
    if (actions?.rename !== true && actions?.remove === undefined) return null
    const organization = state.organizationId
    const remove = actions.remove
    return h(
      "div",
      { class: "actions" },
      actions.rename === true
        ? h("button", {
          type: "button",
          "data-key": `rename-button-${record.id}`,
          "aria-label": `Rename ${record.title}`,
          onclick: () => {
            renaming = { view: view.id, id: record.id, name: record.title }
            shell.drawContent()
            document.getElementById(`rename-${record.id}`)?.focus()
          }
        }, "Rename")
        : null,
      remove === undefined || organization === undefined ? null : h("button", {
        type: "button",
        class: "danger",
        "data-key": `delete-${record.id}`,
        "aria-label": `Delete ${record.title}`,
        onclick: () => {
          if (confirm(remove.confirm.replaceAll("{title}", record.title))) {
            void shell.act((api) => api.deleteRecord(organization, dialect, view.id, record.id), `Deleted ${record.title}`)
          }
        }
      }, "Delete")
    )
  }

  /** A `document` cell: a toggle, and the JSON when open (or why it is not sent). */
  const documentToggle = (view: ViewDescription, record: StudioRecord, column: Column): Child => {
    const cell = record.cells[column.key]
    if (cell === undefined) return null
    const key = `${view.id}/${record.id}/${column.key}`
    const opened = openDocuments.has(key)
    return [
      h("button", {
        type: "button",
        "data-key": `document-${key}`,
        "aria-expanded": opened ? "true" : "false",
        onclick: () => {
          if (opened) openDocuments.delete(key)
          else openDocuments.add(key)
          shell.drawContent()
        }
      }, `${opened ? "Hide" : "Show"} ${column.label}`),
      opened ? h("pre", { class: "json" }, cell === null ? "Too large to show here." : pretty(plain(cell))) : null
    ]
  }

  const card = (view: ViewDescription, record: StudioRecord): Child => {
    const editing = renaming !== undefined && renaming.view === view.id && renaming.id === record.id ? renaming : undefined
    const facts = view.columns.filter((column) => onLine.has(column.kind) && present(record, column))
    return h(
      "li",
      { class: "card", "data-record": record.id },
      editing === undefined ? h("h3", {}, record.title) : renameForm(view, record, editing),
      view.columns.filter((column) => column.kind === "paragraph" && present(record, column))
        .map((column) => h("p", {}, plain(record.cells[column.key]))),
      facts.length === 0 ? null : h(
        "p",
        { class: "meta" },
        facts.map((column, index) => [index === 0 ? null : " · ", fact(column, record.cells[column.key], record)])
      ),
      view.columns.filter((column) => column.kind === "meter" && present(record, column)).map((column) => {
        const cell = record.cells[column.key]
        return isMeter(cell)
          ? h("p", { class: "meta meter" }, `${column.label}: `, value(column, cell, record), ` ${cell.caption}`)
          : null
      }),
      view.columns.filter((column) => column.kind === "progress" || column.kind === "error")
        .filter((column) => present(record, column)).map((column) => h("p", {}, value(column, record.cells[column.key], record))),
      recordActions(view, record),
      view.columns.filter((column) => column.kind === "document").map((column) => documentToggle(view, record, column)),
      childrenOf(view).map((child) => nested(child, recordsOf(child).filter((each) => each.parent === record.id)))
    )
  }

  /** A list's line: its status and short id first, then its title, then the rest. */
  const line = (view: ViewDescription, record: StudioRecord): Child => {
    const leading = (column: Column) => column.kind === "status" || (column.kind === "code" && column.label === "")
    const firstOther = view.columns.findIndex((column) => !leading(column))
    const head = firstOther === -1 ? view.columns : view.columns.slice(0, firstOther)
    const rest = firstOther === -1 ? [] : view.columns.slice(firstOther)
    const shown = (column: Column) => present(record, column)
    return h(
      "li",
      { "data-record": record.id },
      head.filter(shown).map((column) => [value(column, record.cells[column.key], record), " "]),
      record.title,
      rest.filter(shown).map((column) =>
        column.kind === "progress" || column.kind === "error"
          ? [" ", value(column, record.cells[column.key], record)]
          : [" · ", fact(column, record.cells[column.key], record)]
      )
    )
  }

  const table = (view: ViewDescription, records: ReadonlyArray<StudioRecord>): Child =>
    records.length === 0
      ? h("p", { class: "empty" }, `${view.title}: none`)
      : h(
        "table",
        { "data-view": view.id },
        h("caption", {}, view.title),
        h("thead", {}, h("tr", {}, view.columns.map((column) => h("th", { scope: "col" }, column.label)))),
        h("tbody", {}, records.map((record) =>
          h("tr", { "data-record": record.id }, view.columns.map((column) => h("td", {}, value(column, record.cells[column.key], record))))))
      )

  /** A view inside a record of its parent (or in the unfiled section). */
  const nested = (view: ViewDescription, records: ReadonlyArray<StudioRecord>): Child => {
    if (view.layout === "table") return table(view, records)
    return [
      h("h4", {}, `${view.title} (${records.length})`),
      records.length === 0
        ? h("p", { class: "empty" }, view.empty ?? "None")
        : view.layout === "list"
        ? h("ul", { class: "items", "data-view": view.id }, records.map((record) => line(view, record)))
        : h("ul", { class: "cards", "data-view": view.id }, records.map((record) => card(view, record)))
    ]
  }

  const topLevel = (view: ViewDescription): Child => {
    const records = shownRecords(view)
    const searched = view.search === true && (search.get(view.id) ?? "").trim() !== ""
    const body = records.length === 0
      ? h("p", { class: "empty" }, searched ? `No ${view.title.toLowerCase()} match.` : view.empty ?? "None yet.")
      : view.layout === "table"
      ? table(view, records)
      : view.layout === "list"
      ? h("ul", { class: "items", "data-view": view.id }, records.map((record) => line(view, record)))
      : h("ul", { class: "cards", "data-view": view.id }, records.map((record) => card(view, record)))
    const unfiled = view.unfiled === undefined ? null : h(
      "section",
      { class: "card unfiled", "data-unfiled": view.id, "aria-labelledby": `unfiled-${dialect}-${view.id}` },
      h("h3", { id: `unfiled-${dialect}-${view.id}` }, view.unfiled),
      childrenOf(view).map((child) => nested(child, recordsOf(child).filter((each) => each.parent === null)))
    )
    return [h("h2", {}, `${view.title} (${records.length})`), body, unfiled]
  }

  const content = (): Child => {
    if (state.organizationId === undefined) return h("p", { class: "empty" }, "Create an organization first.")
    if (data === undefined || data.organization.id !== state.organizationId) return h("p", { class: "empty" }, "Loading…")
    return described.views.filter((view) => view.parent === undefined).map(topLevel)
  }

  return {
    id: `dialect-${dialect}`,
    label: described.title,
    controls,
    content,
    refresh: async (api) => {
      const organization = state.organizationId
      data = organization === undefined ? undefined : await api.data(organization, dialect)
      return data
    },
    inFlight: () => data?.views.some((view) => view.records.some((record) => record.inFlight)) ?? false
  }
}
