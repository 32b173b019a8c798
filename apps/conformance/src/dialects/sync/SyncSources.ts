/** The documents sync.so's checks cite, and `cite` for them. */
import * as Sources from "../../Sources.js"

export const documents = {
  "seeds/000_86ea530f0552be1f.txt": {
    title: "sync.so developer guide: Projects",
    url: "https://sync.so/docs/developer-guides/projects"
  },
  "seeds/002_ca4c5324aa88fbe4.txt": {
    title: "sync.so API reference: Get Asset",
    url: "https://sync.so/docs/api-reference/api/assets-api/get"
  },
  "providers/sync.md": { title: "projectkit notes on sync.so v2 (the seed pages, the official SDK @sync.so/sdk, inferences marked INF)" }
} as const satisfies Sources.Documents

export const cite = Sources.citing(documents)
