/** Sanity's management Projects API, as the suite checks it: its checks, credentials and options. */
import type { Dialect } from "../../Dialect.js"
import * as SanityChecks from "./SanityChecks.js"
import { documents } from "./SanitySources.js"

export const dialect: Dialect = {
  name: "sanity",
  idPrefix: "SAN",
  baseUrlDescription: "The Sanity API host, e.g. https://api.sanity.io",
  credentials: [
    {
      credential: "primary",
      flag: "sanity-token",
      description: "A Sanity token (administrator or developer) of the first organization"
    },
    { credential: "secondary", flag: "sanity-token-2", description: "A Sanity token of a second organization" }
  ],
  settings: [
    { setting: "apiVersion", flag: "sanity-api-version", description: "The Sanity API version", default: SanityChecks.apiVersion }
  ],
  authenticate: (credential) => ({ authorization: `Bearer ${credential}` }),
  documents,
  checks: SanityChecks.checks,
  probe: (settings) => ({ path: `/${settings["apiVersion"] ?? SanityChecks.apiVersion}/projects` }),
  sweep: SanityChecks.sweep
}
