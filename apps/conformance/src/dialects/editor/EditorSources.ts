/** The documents the editor's checks cite, and `cite` for them. */
import * as Sources from "../../Sources.js"

export const documents = {
  "seeds/001_1d497ce5a3a811e3.txt": {
    // The product behind the editor Open API could not be identified; its page is named by its heading.
    title: "editor Open API v1: Projects (\"Build autosave and multi-step render workflows with Open API projects.\"; no public URL known)"
  },
  "providers/editor.md": { title: "projectkit notes on the editor Open API v1 (the seed page, and choices marked INF)" }
} as const satisfies Sources.Documents

export const cite = Sources.citing(documents)
