/**
 * How sync.so authenticates a request: its `x-api-key` looked up among the organizations'
 * credentials, a missing or unknown key answered 401 in sync.so's format. One rule for the
 * contract's security handler (`SyncHandlers.SyncAuthLive`) and for the routes served before the
 * contract decodes anything (`GenerationUploads`). And the form of the keys it issues.
 */
import { Unauthorized } from "@projectkit/core/ProjectsError"
import { SyncErrors } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Dialect from "../../Dialect.js"
import { randomSecret } from "../../internal/ids.js"
import type { Caller, OrganizationsService } from "../../Organizations.js"

const answer = Dialect.answer(SyncErrors.table)

/** INF: sync.so keys are opaque; "sk-" makes them recognisable in logs. */
export const syncKey = (): string => `sk-${randomSecret()}`

/** The caller whose API key `secret` is ("" when none was sent). */
export const authenticate = (organizations: OrganizationsService) => authenticateAs(organizations, identity)

/**
 * `f` of the caller whose API key `secret` is, in the step that finds it: the security handler
 * makes the principal so, one step fewer per request (issue 28).
 */
export const authenticateAs = <A>(organizations: OrganizationsService, f: (caller: Caller) => A) =>
(secret: string): Effect.Effect<A, SyncErrors.Unauthorized> => {
  if (secret === "") return answer(Effect.fail(new Unauthorized({ reason: "MissingCredentials" })))
  return Effect.matchEffect(organizations.authenticate("sync", secret), {
    // The storage failing is not the caller's fault: a defect, answered by the fallback.
    onFailure: Effect.die,
    onSuccess: (found) =>
      Option.isSome(found) ? Effect.succeed(f(found.value)) : answer(Effect.fail(new Unauthorized({ reason: "InvalidCredentials" })))
  })
}
