/**
 * The Sanity dialect's tables: members, projects, CORS origins, datasets, tags, tokens and copy jobs.
 * Ids are global (see `../../Migrations.ts`): the Migrator runs only ids above the last one applied.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { statements } from "../../internal/migration.js"
import * as SanityPlan from "./SanityPlan.js"
import { sanityToken } from "./SanityTokens.js"

export const migrations = {
  "0005_sanity": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* statements(
      // A user's role in every Sanity project of the organization.
      `CREATE TABLE sanity_members (
        user_id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX sanity_members_by_org ON sanity_members(org_id, created_at, user_id)`,
      `CREATE TABLE sanity_projects (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        display_name TEXT NOT NULL,
        studio_host TEXT,
        metadata TEXT NOT NULL,
        is_disabled_by_user INTEGER NOT NULL,
        activity_feed_enabled INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX sanity_projects_by_org ON sanity_projects(org_id, created_at, id)`,
      // Studio hosts are global names (<host>.sanity.studio).
      `CREATE UNIQUE INDEX sanity_projects_by_studio_host ON sanity_projects(studio_host)`,
      // Soft-deleted: re-adding an origin revives its row and id (REC).
      `CREATE TABLE sanity_cors (
        id BIGINT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        origin_key TEXT NOT NULL,
        allow_credentials INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT,
        UNIQUE (project_id, origin_key)
      )`,
      `CREATE TABLE sanity_datasets (
        project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        acl_mode TEXT NOT NULL,
        created_by TEXT,
        created_at BIGINT NOT NULL,
        embeddings_enabled INTEGER NOT NULL,
        embeddings_projection TEXT,
        embeddings_status TEXT NOT NULL,
        embeddings_ready_at BIGINT,
        PRIMARY KEY (project_id, name)
      )`,
      `CREATE INDEX sanity_datasets_embeddings_due ON sanity_datasets(embeddings_ready_at)
        WHERE embeddings_ready_at IS NOT NULL`,
      `CREATE TABLE sanity_tags (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT,
        metadata TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        UNIQUE (project_id, name)
      )`,
      `CREATE TABLE sanity_dataset_tags (
        tag_id TEXT NOT NULL REFERENCES sanity_tags(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL,
        dataset_name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tag_id, dataset_name),
        FOREIGN KEY (project_id, dataset_name) REFERENCES sanity_datasets(project_id, name) ON DELETE CASCADE
      )`,
      `CREATE INDEX sanity_dataset_tags_by_dataset ON sanity_dataset_tags(project_id, dataset_name)`,
      // Project tokens (robots): only a hash of the secret is kept, so it is shown once.
      `CREATE TABLE sanity_tokens (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        role TEXT NOT NULL,
        project_user_id TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX sanity_tokens_by_project ON sanity_tokens(project_id, created_at, id)`,
      `CREATE TABLE sanity_copy_jobs (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
        source_dataset TEXT NOT NULL,
        target_dataset TEXT NOT NULL,
        with_history INTEGER NOT NULL,
        acl_mode TEXT NOT NULL,
        state TEXT NOT NULL,
        author_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        next_transition_at BIGINT
      )`,
      `CREATE INDEX sanity_copy_jobs_by_dataset ON sanity_copy_jobs(project_id, source_dataset, created_at, id)`,
      `CREATE INDEX sanity_copy_jobs_due ON sanity_copy_jobs(next_transition_at) WHERE next_transition_at IS NOT NULL`
    )
    // Users from before the Sanity dialect get a token now, and administer the organization's projects.
    const users = yield* sql<{ org_id: string; user_id: string; created_at: number }>`
      SELECT org_id, user_id, MIN(created_at) AS created_at FROM credentials GROUP BY org_id, user_id`
    yield* Effect.forEach(users, (user) =>
      Effect.zipRight(
        sql`INSERT INTO credentials (secret, org_id, dialect, user_id, created_at)
          VALUES (${sanityToken()}, ${user.org_id}, 'sanity', ${user.user_id}, ${user.created_at})`,
        sql`INSERT INTO sanity_members (user_id, org_id, role, created_at)
          VALUES (${user.user_id}, ${user.org_id}, 'administrator', ${user.created_at})`
      ), { discard: true })
  }),
  // Issue 26, what the Sanity CLI manages: dataset aliases, pending invitations, webhooks, deployed schemas, backup settings, and a robot's expiry.
  "0026_sanity_cli": statements(
    // An alias names at most one dataset of its project (null: linked to none).
    `CREATE TABLE sanity_aliases (
      project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      dataset_name TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (project_id, name)
    )`,
    `CREATE TABLE sanity_invitations (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
      email TEXT NOT NULL,
      role TEXT NOT NULL,
      invited_by TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX sanity_invitations_by_project ON sanity_invitations(project_id, created_at, id)`,
    // A webhook's fields as it was given them (JSON), besides the server's own.
    `CREATE TABLE sanity_hooks (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
      fields TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,
    `CREATE INDEX sanity_hooks_by_project ON sanity_hooks(project_id, created_at, id)`,
    // A dataset's deployed schemas, one document per workspace (and tag), the schema as given (JSON).
    `CREATE TABLE sanity_schemas (
      project_id TEXT NOT NULL,
      dataset_name TEXT NOT NULL,
      id TEXT NOT NULL,
      workspace TEXT NOT NULL,
      document TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (project_id, dataset_name, id),
      FOREIGN KEY (project_id, dataset_name) REFERENCES sanity_datasets(project_id, name) ON DELETE CASCADE
    )`,
    // Whether a dataset is backed up (OFF CLI: backups enable and disable).
    `ALTER TABLE sanity_datasets ADD COLUMN backups_enabled INTEGER NOT NULL DEFAULT 0`,
    // A robot made through the Access API may expire (null: never).
    `ALTER TABLE sanity_tokens ADD COLUMN expires_at BIGINT`
  ),
  // Issue 26, plans: each feature an organization's plan may have, a switch of the organization (on: the plan allowing everything).
  "0030_sanity_plan": statements(...SanityPlan.migration),
  // Issue 26, webhooks fired: a message per delivery (its payload, state and next attempt), and each attempt made.
  "0031_sanity_hook_deliveries": statements(
    `CREATE TABLE sanity_hook_messages (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
      hook_id TEXT NOT NULL REFERENCES sanity_hooks(id) ON DELETE CASCADE,
      payload TEXT NOT NULL,
      headers TEXT NOT NULL,
      status TEXT NOT NULL,
      result_code INTEGER,
      failure_count INTEGER NOT NULL,
      next_attempt_at BIGINT,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX sanity_hook_messages_by_hook ON sanity_hook_messages(hook_id, created_at, id)`,
    `CREATE INDEX sanity_hook_messages_due ON sanity_hook_messages(next_attempt_at) WHERE next_attempt_at IS NOT NULL`,
    `CREATE TABLE sanity_hook_attempts (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES sanity_projects(id) ON DELETE CASCADE,
      message_id TEXT NOT NULL REFERENCES sanity_hook_messages(id) ON DELETE CASCADE,
      hook_id TEXT NOT NULL,
      is_failure INTEGER NOT NULL,
      failure_reason TEXT,
      result_code INTEGER,
      result_body TEXT,
      duration INTEGER NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX sanity_hook_attempts_by_hook ON sanity_hook_attempts(hook_id, created_at, id)`
  ),
  // Issue 26, backups taken: the dataset's documents then (a JSON array), and the key their download URLs hold.
  "0032_sanity_backups": statements(
    `CREATE TABLE sanity_backups (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL,
      dataset_name TEXT NOT NULL,
      download_key TEXT NOT NULL UNIQUE,
      documents TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      FOREIGN KEY (project_id, dataset_name) REFERENCES sanity_datasets(project_id, name) ON DELETE CASCADE
    )`,
    `CREATE INDEX sanity_backups_by_dataset ON sanity_backups(project_id, dataset_name, created_at, id)`
  )
}
