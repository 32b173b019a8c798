/**
 * Signing in: the admin token typed (the server printed it with a link that fills it in), or taken
 * from the link's fragment (`#token=`, then removed from the address bar and the history).
 */
import { h, replace } from "./dom.js"

/** The sign-in form, saying `error` if the last token was refused. */
export const draw = (app: HTMLElement, signIn: (token: string) => void, error?: string) => {
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
            signIn(input.value.trim())
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

/**
 * The token a link carries in its fragment (`#token=`), taken out of the address bar and the
 * history; `&poll=<ms>` there sets the poll interval used while the event stream is up.
 */
export const tokenFromLink = (storage: Storage): string | null => {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const poll = Number(fragment.get("poll") ?? "")
  if (Number.isInteger(poll) && poll > 0) storage.setItem("studio.poll", String(poll))
  const token = fragment.get("token")
  if (token !== null) history.replaceState(null, "", window.location.pathname + window.location.search)
  return token
}
