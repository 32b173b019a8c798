/**
 * Everything the server answers, as one `HttpApi`: the control plane, and each dialect's own
 * contract mounted under its base path so real clients can be pointed at it by base URL.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import { SanityApi } from "@projectkit/sanity"
import { EditorApi } from "@projectkit/editor"
import { SyncApi } from "@projectkit/sync"
import { ControlApi } from "./ControlApi.js"

export class ServerApi extends HttpApi.make("projectkit")
  .addHttpApi(ControlApi)
  // Sanity before the others: errors are encoded by one API-wide union, tried in order and matched
  // structurally, and Sanity's bodies ({statusCode, error, message}) also satisfy the looser
  // {statusCode, message} of sync.so, which would drop `error` if it came first.
  .addHttpApi(SanityApi.SanityApi.prefix("/sanity"))
  .addHttpApi(SyncApi.SyncApi.prefix("/sync"))
  .addHttpApi(EditorApi.EditorApi.prefix("/editor"))
{}
