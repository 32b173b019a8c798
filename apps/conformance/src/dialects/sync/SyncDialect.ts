/** sync.so v2, as the suite checks it: its checks, credentials and options. */
import type { Dialect } from "../../Dialect.js"
import * as SyncChecks from "./SyncChecks.js"
import { documents } from "./SyncSources.js"
import * as SyncUploadChecks from "./SyncUploadChecks.js"

export const dialect: Dialect = {
  name: "sync",
  idPrefix: "SYNC",
  baseUrlDescription: "The sync.so base URL, e.g. https://api.sync.so",
  credentials: [
    { credential: "primary", flag: "sync-api-key", description: "An x-api-key of the first organization" },
    { credential: "secondary", flag: "sync-api-key-2", description: "An x-api-key of a second organization (isolation checks)" },
    {
      credential: "member",
      flag: "sync-member-api-key",
      description: "An x-api-key of another user of the first organization (USER visibility checks)"
    },
    {
      credential: "webhookSecret",
      flag: "sync-webhook-secret",
      description: "The first organization's webhook signing secret: webhook checks verify signatures with it"
    }
  ],
  authenticate: (credential) => ({ "x-api-key": credential }),
  documents,
  checks: [...SyncChecks.checks, ...SyncUploadChecks.checks],
  probe: () => ({ path: "/v2/projects", query: { limit: 1 } }),
  sweep: SyncChecks.sweep
}
