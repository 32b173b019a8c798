/**
 * The Sanity dialect as the server registers it: Sanity's management API under `/sanity`, its
 * contract and error table from `@projectkit/sanity`, its tables, each user's token and role
 * (`sanity_members`), its banner lines, and the Layer serving it.
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
 * - `SanityTokens.ts` — the tokens' form;
 * - `SanityPlan.ts` — the features of an organization's plan (its switches), and what lacking one refuses;
 * - `Migrations.ts` — the tables.
 * How any failure looks on the wire is `SanityErrors`' alone (in `@projectkit/sanity`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SanityApi, SanityErrors } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Dialect from "../../Dialect.js"
import { migrations } from "./Migrations.js"
import * as SanityStudio from "./SanityStudio.js"
import * as SanityHandlers from "./SanityHandlers.js"
import type * as SanityLifecycle from "./SanityLifecycle.js"
import { prefix } from "./SanityMounted.js"
import * as SanityPlan from "./SanityPlan.js"
import { sanityToken } from "./SanityTokens.js"

/** The role a user holds in the organization's Sanity projects (REC, DOC role names). */
export const SanityRole = Schema.Literal("administrator", "developer", "editor", "viewer")
export type SanityRole = typeof SanityRole.Type

const isRole = Schema.is(SanityRole)

export const dialect: Dialect.Dialect<SanityLifecycle.LifecycleConfig, "sanity", "sanity", "token"> = {
  name: "sanity",
  prefix,
  contract: SanityApi.SanityApi,
  errors: SanityErrors.table,
  migrations,
  // A Sanity bearer token of the user, who is a member of the organization's Sanity projects with `sanityRole`.
  credential: { field: "token" },
  issueCredential: sanityToken,
  studio: SanityStudio.studio,
  // A person's token; a project token (robot) is Sanity's own and not found this way.
  credentialOf: Dialect.bearerToken,
  // The member's role in the organization's Sanity projects (`?sanityRole=`, default developer).
  memberFields: { sanityRole: SanityRole },
  // The organization's plan: one switch per feature (`sanityFeature.<feature>`, on by default), see `SanityPlan.ts`.
  settings: SanityPlan.settings,
  addMember: ({ first, now, options, orgId, userId }) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // The organization's first user administers its projects. INF: a member added without a
      // role develops (manages projects, does not administer billing).
      const sanityRole: SanityRole = isRole(options.sanityRole)
        ? options.sanityRole
        : first
        ? "administrator"
        : "developer"
      yield* sql`INSERT INTO sanity_members (user_id, org_id, role, created_at)
        VALUES (${userId}, ${orgId}, ${sanityRole}, ${now})`
      return { sanityRole }
    }),
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
    { name: "sanity_backups", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_hooks", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_hook_messages", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_hook_attempts", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_invitations", key: ["id"], owner: { column: "project_id", parent: "sanity_projects" } },
    { name: "sanity_tokens", key: ["id"], owner: "org_id" },
    { name: "sanity_copy_jobs", key: ["id"], owner: "org_id" }
  ],
  // How long copy jobs and embeddings indexes take.
  configKey: "sanity",
  layer: (lifecycle) => SanityHandlers.layer(lifecycle),
  banner: {
    url: (base) =>
      `  Sanity      ${base}/sanity    (OpenAPI: ${base}/sanity/openapi.json; @sanity/client: apiHost ${base}/sanity, useProjectHostname: false)`,
    demoCredential: (token) => `  demo Sanity token   ${token}   (administrator)`,
    tryIt: (base, token = "<Sanity token>") => [
      `  curl -s -X POST ${base}/sanity/v2021-06-07/projects -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d '{"displayName":"My Sanity Project"}'`
    ]
  }
}

/** The dialect's handlers, authentication, storage and background jobs (copy jobs, embeddings indexes). */
export const layer = SanityHandlers.layer
