/**
 * Everything the server answers, as one `HttpApi`: the control plane, and each dialect's own
 * contract mounted under its base path so real clients can be pointed at it by base URL.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import { SanityApi } from "@projectkit/sanity"
import { EditorApi } from "@projectkit/editor"
import { IndreamApi } from "@projectkit/indream"
import { SyncApi } from "@projectkit/sync"
import { ControlApi } from "./ControlApi.js"
import { StudioGroup } from "./StudioApi.js"

export class ServerApi extends HttpApi.make("projectkit")
  .addHttpApi(ControlApi)
  // The control routes the Studio reads and writes through (same prefix, same admin token).
  .add(StudioGroup)
  // In any order: each provider's wire errors encode only their own instances (`WireError`), so
  // one API-wide error union cannot write one provider's error in another's shape.
  .addHttpApi(SyncApi.SyncApi.prefix("/sync"))
  .addHttpApi(EditorApi.EditorApi.prefix("/editor"))
  .addHttpApi(SanityApi.SanityApi.prefix("/sanity"))
  .addHttpApi(IndreamApi.IndreamApi.prefix("/indream"))
{}
