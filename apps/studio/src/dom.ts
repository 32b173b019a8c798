/**
 * A few DOM helpers: elements built from data with `textContent` only (never `innerHTML`), so what
 * API callers stored can never run as markup in the Studio.
 */
export type Child = Node | string | number | null | undefined | false | ReadonlyArray<Child>

export interface Attributes {
  readonly [name: string]: string | number | boolean | null | undefined | ((event: Event) => void)
}

const append = (parent: Node, child: Child): void => {
  if (child === null || child === undefined || child === false) return
  if (Array.isArray(child)) {
    for (const each of child as ReadonlyArray<Child>) append(parent, each)
    return
  }
  parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)))
}

/** `<tag attributes>children</tag>`: `on<event>` attributes are listeners, `true`/`false` toggle boolean attributes. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: ReadonlyArray<Child>
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value)
    else if (name === "value" && (element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) {
      element.value = String(value)
    } else element.setAttribute(name, value === true ? "" : String(value))
  }
  append(element, children)
  return element
}

/** Replaces what `parent` shows, keeping the focus on the element with the same `data-key` if there was one. */
export const replace = (parent: HTMLElement, ...children: ReadonlyArray<Child>): void => {
  const focused = document.activeElement
  const key = focused instanceof HTMLElement && parent.contains(focused) ? focused.dataset.key : undefined
  const fragment = document.createDocumentFragment()
  append(fragment, children)
  parent.replaceChildren(fragment)
  if (key !== undefined) parent.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus()
}

/** A date as the reader's clock says it. */
export const when = (millis: number | string | null | undefined): string => {
  if (millis === null || millis === undefined || millis === "") return "—"
  const date = new Date(typeof millis === "number" ? millis : Number.isNaN(Number(millis)) ? millis : Number(millis))
  return Number.isNaN(date.getTime()) ? String(millis) : date.toLocaleString()
}

/** A size in bytes, readable. */
export const bytes = (count: number): string =>
  count < 1024 ? `${count} B` : count < 1024 * 1024 ? `${(count / 1024).toFixed(1)} KB` : `${(count / 1024 / 1024).toFixed(1)} MB`

/** A labelled form field. */
export const field = (label: string, id: string, input: HTMLElement) =>
  h("div", { class: "field" }, h("label", { for: id }, label), input)

/** A JSON text indented, or as it is when it is not JSON. */
export const pretty = (json: string): string => {
  try {
    return JSON.stringify(JSON.parse(json), null, 2)
  } catch {
    return json
  }
}

/** A status as a badge, coloured by what it means (`studio.css`). */
export const statusBadge = (status: string) => h("span", { class: `status status-${status.toLowerCase()}` }, status)
