/** The editor Open API v1, as the suite checks it: its checks, credentials and options. */
import type { Dialect } from "../../Dialect.js"
import * as EditorChecks from "./EditorChecks.js"
import { documents } from "./EditorSources.js"

export const dialect: Dialect = {
  name: "editor",
  idPrefix: "EDIT",
  baseUrlDescription: "The editor Open API base URL",
  credentials: [
    { credential: "primary", flag: "editor-api-key", description: "An editor API key of the first organization" },
    { credential: "secondary", flag: "editor-api-key-2", description: "An editor API key of a second organization" },
    {
      credential: "ineligible",
      flag: "editor-ineligible-api-key",
      description: "An editor API key of an account without runtime OpenAPI access"
    }
  ],
  authenticate: (credential) => ({ authorization: `Bearer ${credential}` }),
  documents,
  checks: EditorChecks.checks,
  probe: () => ({ path: "/v1/projects", query: { limit: 1 } }),
  sweep: EditorChecks.sweep
}
