/**
 * The Sanity dialect as the server registers it: Sanity's management API under `/sanity`, its
 * contract and error table from `@projectkit/sanity`, its tables, and the Layer serving it.
 *
 * The folder, by concern:
 * - `SanityHandlers.ts` — every endpoint of `SanityApi`, and bearer-token authentication through
 *   `Organizations`;
 * - `SanityAccess.ts` — who may do what: roles, grants, project-token confinement (`Forbidden`);
 * - `SanityInput.ts` — what input is acceptable beyond the contract's schemas (`Validation`);
 * - `SanityProjectStore.ts`, `SanityDatasetStore.ts` — the SQL, returning rows, `NotFound` and
 *   `Conflict`;
 * - `SanityWire.ts` — rows as Sanity sends them;
 * - `SanityLifecycle.ts` — copy jobs and embeddings indexes on the clock;
 * - `Migrations.ts` — the tables.
 * How any failure looks on the wire is `SanityErrors`' alone (in `@projectkit/sanity`).
 */
import { SanityApi, SanityErrors } from "@projectkit/sanity"
import * as Dialect from "../../Dialect.js"
import { migrations } from "./Migrations.js"
import * as SanityHandlers from "./SanityHandlers.js"

export const dialect: Dialect.Dialect = {
  name: "sanity",
  prefix: "/sanity",
  contract: SanityApi.SanityApi,
  errors: SanityErrors.table,
  migrations,
  // A person's token; a project token (robot) is Sanity's own and not found this way.
  credentialOf: Dialect.bearerToken,
  // Parents first. Members are the organization's users' roles: kept when it is emptied.
  tables: [
    { name: "sanity_members", key: ["user_id"], owner: "org_id", keptOnReset: true },
    { name: "sanity_projects", key: ["id"], owner: "org_id" },
    { name: "sanity_cors", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_datasets", key: ["project_id", "name"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_tags", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    {
      name: "sanity_dataset_tags",
      key: ["tag_id", "dataset_name"],
      owner: { column: "project_id", parent: "sanity_projects" }
    },
    { name: "sanity_aliases", key: ["project_id", "name"], owner: { column: "project_id", parent: "sanity_projects" } },
    {
      name: "sanity_schemas",
      key: ["project_id", "dataset_name", "id"],
      owner: { column: "project_id", parent: "sanity_projects" }
    },
    { name: "sanity_hooks", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_invitations", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_tokens", key: ["id"], owner: "org_id" },
    { name: "sanity_copy_jobs", key: ["id"], owner: "org_id" }
  ]
}

/** The dialect's handlers, authentication, storage and background jobs (copy jobs, embeddings indexes). */
export const layer = SanityHandlers.layer
