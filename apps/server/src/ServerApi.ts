/**
 * Everything the server answers, as one `HttpApi`: the control plane (its organizations shaped by
 * the registered dialects), the Studio's routes, and each dialect's own contract mounted under its
 * base path so real clients can be pointed at it by base URL. Built from the registered dialects:
 * nothing here names one.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as ControlApi from "./ControlApi.js"
import type { DialectDeclaration } from "./ControlSchemas.js"
import { StudioGroup } from "./StudioApi.js"

/** What the server's API needs of a dialect: its declaration, and its contract with where it is mounted. */
export interface MountedDialect extends DialectDeclaration {
  readonly prefix: `/${string}`
  readonly contract: HttpApi.HttpApi<string, any, any, any>
}

/** The routes every server has, whatever its dialects: the Studio's (the control plane's depend on them, see `make`). */
export class ServerApi extends HttpApi.make("projectkit").add(StudioGroup) {}

/** The control plane's and the Studio's routes, for a server serving `dialects`. */
export const control = (dialects: ReadonlyArray<DialectDeclaration>) =>
  HttpApi.make("projectkit")
    .addHttpApi(ControlApi.make(dialects))
    // The control routes the Studio reads and writes through (same prefix, same admin token).
    .add(StudioGroup)

/**
 * The whole API of a server serving `dialects`: `control`'s routes, then each dialect's contract
 * under its base path. Typed as `control`'s: each dialect's handlers are typed by its own contract
 * in its folder, so the server's type does not have to list them.
 */
export const make = (dialects: ReadonlyArray<MountedDialect>): ReturnType<typeof control> =>
  // In any order: each provider's wire errors encode only their own instances (`WireError`), so
  // one API-wide error union cannot write one provider's error in another's shape.
  dialects.reduce(
    (api, dialect) => api.addHttpApi(dialect.contract.prefix(dialect.prefix)) as ReturnType<typeof control>,
    control(dialects)
  )
