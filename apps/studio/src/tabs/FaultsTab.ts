/**
 * The Faults tab: faults injected into a dialect's routes (method, path, status, latency,
 * probability, one organization or all), listed with their hits, removed one by one or all.
 */
import type { Fault } from "../../../server/src/Faults.js"
import { type Child, field, h } from "../dom.js"
import type { Shell, Tab } from "../Shell.js"
import { organizationName } from "./RequestsTab.js"

export const make = (shell: Shell): Tab => {
  const { state } = shell
  let faults: ReadonlyArray<Fault> = []

  const controls = (): Child => {
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
          const statusValue = number(status)
          const latencyValue = number(latency)
          const probabilityValue = number(probability)
          const input = {
            dialect: dialect.value,
            ...(method.value === "" ? {} : { method: method.value }),
            ...(path.value.trim() === "" ? {} : { path: path.value.trim() }),
            ...(statusValue === undefined ? {} : { status: statusValue }),
            ...(latencyValue === undefined ? {} : { latencyMs: latencyValue }),
            ...(probabilityValue === undefined ? {} : { probability: probabilityValue }),
            ...(onlyThis.checked && state.organizationId !== undefined ? { organization: state.organizationId } : {})
          }
          void shell.act((api) => api.addFault(input), "Fault added")
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
      h("button", { type: "button", class: "danger", onclick: () => void shell.act((api) => api.clearFaults(), "Faults cleared") }, "Clear all")
    )
  }

  const content = (): Child =>
    faults.length === 0 ? h("p", { class: "empty" }, "No fault injected.") : h(
      "ul",
      { class: "items faults" },
      faults.map((f) =>
        h(
          "li",
          { "data-fault": f.id },
          h("strong", {}, f.dialect),
          ` ${f.method ?? "any method"} ${f.path ?? "any path"}`,
          f.status === undefined ? "" : ` → ${f.status}`,
          f.latencyMs === undefined ? "" : ` after ${f.latencyMs} ms`,
          ` · probability ${f.probability ?? 1} · ${f.organization === undefined ? "every organization" : organizationName(shell, f.organization)} · hits ${f.hits}`,
          h("button", {
            type: "button",
            class: "small danger",
            "data-key": `fault-${f.id}`,
            "aria-label": `Remove fault ${f.id}`,
            onclick: () => void shell.act((api) => api.deleteFault(f.id), "Fault removed")
          }, "Remove")
        )
      )
    )

  return {
    id: "faults",
    label: "Faults",
    controls,
    content,
    refresh: async (api) => {
      faults = (await api.faults()).faults
      return faults
    },
    inFlight: () => false
  }
}
