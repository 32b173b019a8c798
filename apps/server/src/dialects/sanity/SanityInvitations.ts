/**
 * A project's invitations (OFF CLI `users invite` and `users list`): an e-mail address invited
 * with a role, pending until someone accepts it. The emulator sends no e-mail and nobody accepts,
 * so every invitation stays pending (INF). SQL only.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomId } from "../../internal/ids.js"
import { lockProject } from "./SanityProjectStore.js"

export interface InvitationRow {
  readonly id: string
  readonly project_id: string
  readonly email: string
  readonly role: string
  readonly invited_by: string
  readonly created_at: number
}

const columns = "id, project_id, email, role, invited_by, created_at"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const invitation = sql.literal(columns)

  const list = (projectId: string) =>
    sql<InvitationRow>`SELECT ${invitation} FROM sanity_invitations WHERE project_id = ${projectId} ORDER BY created_at, id`

  /** A new pending invitation; one e-mail address has one pending invitation per project (INF: 409). */
  const create = (projectId: string, input: { readonly email: string; readonly role: string; readonly invitedBy: string }) =>
    sql.withTransaction(Effect.gen(function*() {
      yield* lockProject(sql, projectId)
      const taken = yield* sql`SELECT id FROM sanity_invitations
        WHERE project_id = ${projectId} AND LOWER(email) = ${input.email.toLowerCase()}`
      if (taken.length > 0) {
        return yield* new ProjectsError.Conflict({ description: `An invitation for ${input.email} is already pending` })
      }
      const row: InvitationRow = {
        id: randomId(),
        project_id: projectId,
        email: input.email,
        role: input.role,
        invited_by: input.invitedBy,
        created_at: yield* Clock.currentTimeMillis
      }
      yield* sql`INSERT INTO sanity_invitations (id, project_id, email, role, invited_by, created_at)
        VALUES (${row.id}, ${row.project_id}, ${row.email}, ${row.role}, ${row.invited_by}, ${row.created_at})`
      return row
    }))

  return { list, create }
})

export type SanityInvitationStoreService = Effect.Effect.Success<typeof make>

export class SanityInvitationStore extends Context.Tag("@projectkit/server/SanityInvitationStore")<
  SanityInvitationStore,
  SanityInvitationStoreService
>() {}

export const layer = Layer.effect(SanityInvitationStore, make)
