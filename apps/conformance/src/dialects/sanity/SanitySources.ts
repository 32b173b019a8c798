/** The documents Sanity's checks cite, and `cite` for them. */
import * as Sources from "../../Sources.js"

export const documents = {
  "seeds/003_a94817e391f0b551.txt": {
    title: "Sanity: Projects API reference",
    url: "https://www.sanity.io/docs/http-reference/projects-api"
  },
  "providers/sanity.md": {
    title: "projectkit notes on Sanity's Projects API (recorded traffic, official docs and clients, inferences marked INF)"
  }
} as const satisfies Sources.Documents

export const cite = Sources.citing(documents)
