/**
 * Versioned schema migrations, applied in order on start. The SQL is portable between SQLite and
 * PostgreSQL: times are epoch milliseconds in BIGINT columns, JSON documents are TEXT.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { editorKey, sanityToken } from "./internal/ids.js"

const statements = (...ddl: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.forEach(ddl, (statement) => sql.unsafe(statement), { discard: true }))

export const migrations = {
  "0001_organizations": statements(
    `CREATE TABLE organizations (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      webhook_secret TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    // One row per credential, in the form of the dialect it serves (a sync.so API key, …).
    `CREATE TABLE credentials (
      secret TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      dialect TEXT NOT NULL,
      user_id TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX credentials_by_org ON credentials(org_id)`
  ),
  "0002_sync": statements(
    `CREATE TABLE sync_projects (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      name_search TEXT NOT NULL,
      visibility TEXT NOT NULL,
      mode TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,
    // Keyset pagination reads these in order from (org_id, key, id) without sorting.
    `CREATE INDEX sync_projects_by_name ON sync_projects(org_id, name, id)`,
    `CREATE INDEX sync_projects_by_updated ON sync_projects(org_id, updated_at, id)`,
    `CREATE INDEX sync_projects_by_created ON sync_projects(org_id, created_at, id)`,
    // ON DELETE SET NULL is the detach rule: deleting a project ungroups, never deletes.
    `CREATE TABLE sync_assets (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      project_id TEXT REFERENCES sync_projects(id) ON DELETE SET NULL,
      type TEXT NOT NULL,
      visibility TEXT NOT NULL,
      name TEXT,
      name_search TEXT NOT NULL,
      url TEXT,
      size BIGINT,
      format TEXT,
      input_type TEXT,
      duration_seconds DOUBLE PRECISION,
      thumbnail_url TEXT,
      width INTEGER,
      height INTEGER,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,
    `CREATE INDEX sync_assets_by_created ON sync_assets(org_id, created_at, id)`,
    `CREATE INDEX sync_assets_by_project ON sync_assets(project_id)`,
    `CREATE TABLE sync_generations (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      project_id TEXT REFERENCES sync_projects(id) ON DELETE SET NULL,
      status TEXT NOT NULL,
      model TEXT NOT NULL,
      request TEXT NOT NULL,
      webhook_url TEXT,
      output_url TEXT,
      output_duration DOUBLE PRECISION,
      error TEXT,
      error_code TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      next_transition_at BIGINT
    )`,
    `CREATE INDEX sync_generations_by_created ON sync_generations(org_id, created_at, id)`,
    `CREATE INDEX sync_generations_by_project ON sync_generations(project_id)`,
    `CREATE INDEX sync_generations_due ON sync_generations(next_transition_at) WHERE next_transition_at IS NOT NULL`
  ),
  "0003_webhooks": statements(
    `CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      dialect TEXT NOT NULL,
      url TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at BIGINT,
      last_response_status INTEGER,
      last_error TEXT,
      created_at BIGINT NOT NULL,
      delivered_at BIGINT
    )`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'`
  ),
  "0004_editor": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* statements(
      `ALTER TABLE organizations ADD COLUMN editor_runtime_access INTEGER NOT NULL DEFAULT 1`,
      `CREATE TABLE editor_projects (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        title_search TEXT NOT NULL,
        description TEXT,
        editor_state TEXT,
        state_version BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX editor_projects_by_title ON editor_projects(org_id, title, id)`,
      `CREATE INDEX editor_projects_by_created ON editor_projects(org_id, created_at, id)`,
      `CREATE INDEX editor_projects_by_updated ON editor_projects(org_id, updated_at, id)`,
      // Assets go with their project: they are uploads for its render, reachable only through it.
      `CREATE TABLE editor_assets (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES editor_projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size BIGINT,
        sha256 TEXT,
        url TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX editor_assets_by_project ON editor_assets(project_id, created_at, id)`,
      // No foreign key on project_id: task history outlives the project (retry-safe workflows).
      `CREATE TABLE editor_exports (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        project_id TEXT,
        status TEXT NOT NULL,
        progress INTEGER NOT NULL,
        format TEXT NOT NULL,
        editor_state TEXT,
        output_url TEXT,
        error TEXT,
        webhook_url TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        next_transition_at BIGINT
      )`,
      `CREATE INDEX editor_exports_by_created ON editor_exports(org_id, created_at, id)`,
      `CREATE INDEX editor_exports_by_project ON editor_exports(org_id, project_id, created_at, id)`,
      `CREATE INDEX editor_exports_due ON editor_exports(next_transition_at) WHERE next_transition_at IS NOT NULL`,
      // GCRA state per (rule, tenant), shared by every server instance on the database.
      `CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        tat TEXT NOT NULL
      )`
    )
    // Users from before the editor dialect get their editor key now.
    const users = yield* sql<{ org_id: string; user_id: string; created_at: number }>`
      SELECT org_id, user_id, MIN(created_at) AS created_at FROM credentials GROUP BY org_id, user_id`
    yield* Effect.forEach(users, (user) =>
      sql`INSERT INTO credentials (secret, org_id, dialect, user_id, created_at)
        VALUES (${editorKey()}, ${user.org_id}, 'editor', ${user.user_id}, ${user.created_at})`, { discard: true })
  }),
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
  "0007_search_indexes": searchIndexes()
}

/**
 * Name search (`LIKE '%text%'` on the lower-cased `name_search`) served from a trigram index, so
 * it stays fast at a million projects: FTS5's trigram tokenizer on SQLite (an external-content
 * table kept in step by triggers), pg_trgm's GIN index on PostgreSQL. The stores keep the LIKE as
 * the exact test; the index only finds the candidates. Numbered after the dialect migrations
 * written at the same time (0005, 0006): the Migrator runs only ids above the last one applied, so
 * ids must keep growing in the order they land.
 */
function searchIndexes() {
  return Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.onDialectOrElse({
      pg: () =>
        Effect.gen(function*() {
          // pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's
          // owner may install it. Without it search still works, by scanning.
          const installed = yield* sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`
          const schema = installed[0]?.schema ?? (yield* sql.withTransaction(Effect.gen(function*() {
            yield* sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`
            const created = yield* sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e
              JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`
            return created[0]?.schema
          })).pipe(
            Effect.tapError((error) => Effect.logWarning("pg_trgm is not available; name search will scan", error)),
            Effect.orElseSucceed(() => undefined)
          ))
          if (schema === undefined) return
          yield* sql.unsafe(
            `CREATE INDEX sync_projects_name_trigrams ON sync_projects USING gin (name_search "${schema}".gin_trgm_ops)`
          )
        }),
      orElse: () =>
        statements(
          `CREATE VIRTUAL TABLE sync_projects_search USING fts5(name_search, content='sync_projects',
            content_rowid='rowid', tokenize='trigram', detail='none')`,
          `CREATE TRIGGER sync_projects_search_insert AFTER INSERT ON sync_projects BEGIN
            INSERT INTO sync_projects_search (rowid, name_search) VALUES (new.rowid, new.name_search);
          END`,
          `CREATE TRIGGER sync_projects_search_delete AFTER DELETE ON sync_projects BEGIN
            INSERT INTO sync_projects_search (sync_projects_search, rowid, name_search) VALUES ('delete', old.rowid, old.name_search);
          END`,
          `CREATE TRIGGER sync_projects_search_update AFTER UPDATE OF name_search ON sync_projects BEGIN
            INSERT INTO sync_projects_search (sync_projects_search, rowid, name_search) VALUES ('delete', old.rowid, old.name_search);
            INSERT INTO sync_projects_search (rowid, name_search) VALUES (new.rowid, new.name_search);
          END`,
          `INSERT INTO sync_projects_search (sync_projects_search) VALUES ('rebuild')`
        )
    })
  })
}
