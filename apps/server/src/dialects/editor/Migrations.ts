/**
 * The editor dialect's tables: projects, assets, exports, and the rate-limit buckets of its sync.
 * Ids are global (see `../../Migrations.ts`): the Migrator runs only ids above the last one applied.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { statements } from "../../internal/migration.js"
import { editorKey } from "./EditorKeys.js"

export const migrations = {
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
  })
}
