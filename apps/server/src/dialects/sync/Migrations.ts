/**
 * The sync.so dialect's tables: projects, assets and generations, and the trigram index of project names.
 * Ids are global (see `../../Migrations.ts`): the Migrator runs only ids above the last one applied.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { statements } from "../../internal/migration.js"

export const migrations = {
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
  "0007_search_indexes": searchIndexes(),
  // Batches (issue 18): a batch, and its input lines in their order. A line accepted at creation
  // becomes a generation when the batch starts processing (`generation_id`, the generation ↔ batch
  // link); a refused one keeps why (`error_message`, `error_code`). Numbered 0010: other branches
  // of the same time may take 0009.
  "0010_sync_batches": statements(
    `CREATE TABLE sync_batches (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL,
      status TEXT NOT NULL,
      webhook_url TEXT,
      results_base TEXT NOT NULL,
      output_url TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      next_transition_at BIGINT
    )`,
    `CREATE INDEX sync_batches_by_created ON sync_batches(org_id, created_at, id)`,
    `CREATE INDEX sync_batches_due ON sync_batches(next_transition_at) WHERE next_transition_at IS NOT NULL`,
    `CREATE TABLE sync_batch_lines (
      batch_id TEXT NOT NULL REFERENCES sync_batches(id) ON DELETE CASCADE,
      line INTEGER NOT NULL,
      request_id TEXT NOT NULL,
      payload TEXT NOT NULL,
      generation_id TEXT REFERENCES sync_generations(id) ON DELETE SET NULL,
      error_message TEXT,
      error_code TEXT,
      PRIMARY KEY (batch_id, line)
    )`,
    `CREATE INDEX sync_batch_lines_by_generation ON sync_batch_lines(generation_id)`,
    // An uploaded file's SHA-256 (Create Generation with Files): measured and hashed, not stored.
    `ALTER TABLE sync_assets ADD COLUMN sha256 TEXT`
  ),
  // Issue 25, the Assets API: who registered an asset (the owner rule of update and delete, the
  // key of find-uploaded), which upload holds its bytes, and the uploads themselves — their bytes
  // in base64 chunks of a table, so both backends, every instance, snapshots, resets and
  // deletes see them like any other row.
  "0025_sync_uploads": statements(
    `ALTER TABLE sync_assets ADD COLUMN owner_user_id TEXT`,
    `ALTER TABLE sync_assets ADD COLUMN upload_id TEXT`,
    `CREATE INDEX sync_assets_by_digest ON sync_assets(org_id, owner_user_id, sha256, type, created_at)`,
    `CREATE TABLE sync_uploads (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL,
      secret TEXT NOT NULL,
      file_name TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      received_size BIGINT,
      sha256 TEXT,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE sync_upload_chunks (
      upload_id TEXT NOT NULL REFERENCES sync_uploads(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (upload_id, seq)
    )`
  )
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

