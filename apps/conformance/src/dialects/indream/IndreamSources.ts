/** The documents Indream's checks cite, and `cite` for them. */
import * as Sources from "../../Sources.js"

export const documents = {
  "seeds/001_1d497ce5a3a811e3.txt": {
    title: "Indream docs, guide: Projects (\"Build autosave and multi-step render workflows with Open API projects.\")",
    url: "https://docs.indream.ai/docs/guides/projects"
  },
  "providers/indream/openapi.yaml": {
    title: "Indream Open API v1, the official OpenAPI 3.1 document (as @indreamai/client 1.0.0 ships it); cited by operation id",
    url: "https://docs.indream.ai/docs/api-reference"
  },
  "providers/indream/README.md": {
    title: "projectkit notes on Indream: the facts taken from the official client's source (github.com/indreamai/indream-client-js)",
    url: "https://github.com/indreamai/indream-client-js"
  }
} as const satisfies Sources.Documents

export const cite = Sources.citing(documents)
