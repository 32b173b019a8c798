/**
 * Everything the server answers, as one `HttpApi`: the control plane, and each dialect's own
 * contract mounted under its base path so real clients can be pointed at it by base URL.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import { EditorApi } from "@projectkit/editor"
import { SyncApi } from "@projectkit/sync"
import { ControlApi } from "./ControlApi.js"

export class ServerApi extends HttpApi.make("projectkit")
  .addHttpApi(ControlApi)
  .addHttpApi(SyncApi.SyncApi.prefix("/sync"))
  .addHttpApi(EditorApi.EditorApi.prefix("/editor"))
{}
