/** Indream's Open API v1, as the suite checks it: its checks, credentials and options. */
import type { Dialect } from "../../Dialect.js"
import * as IndreamChecks from "./IndreamChecks.js"
import { documents } from "./IndreamSources.js"

export const dialect: Dialect = {
  name: "indream",
  idPrefix: "IND",
  baseUrlDescription: "The Indream Open API base URL (the real one is https://api.indream.ai)",
  credentials: [
    { credential: "primary", flag: "indream-api-key", description: "An Indream API key (x-api-key) of the first organization" },
    { credential: "secondary", flag: "indream-api-key-2", description: "An Indream API key of a second organization" },
    {
      credential: "ineligible",
      flag: "indream-ineligible-api-key",
      description: "An Indream API key of an account without runtime Open API access"
    },
    {
      credential: "webhookSecret",
      flag: "indream-webhook-secret",
      description: "The first organization's webhook secret: export callback checks verify X-Indream-Signature with it"
    }
  ],
  // DOC (openapi.yaml, securitySchemes ApiKeyAuth): the key travels in the x-api-key header.
  authenticate: (credential) => ({ "x-api-key": credential }),
  documents,
  checks: IndreamChecks.checks,
  probe: () => ({ path: "/v1/projects", query: { pageSize: 1 } }),
  sweep: IndreamChecks.sweep
}
