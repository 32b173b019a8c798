/**
 * The sync.so dialect as one unit: mounted under `/sync`, its contract (`SyncApi`: which routes it
 * has), its errors both ways (`SyncErrors.table`: how each one looks on the wire), its tables, and
 * the Layer that serves it (handlers, `x-api-key` authentication through `Organizations`, storage
 * and the generation lifecycle).
 */
import { SyncApi, SyncErrors } from "@projectkit/sync"
import type * as Dialect from "../../Dialect.js"
import { migrations } from "./Migrations.js"
import * as AssetUploads from "./AssetUploads.js"
import * as GenerationUploads from "./GenerationUploads.js"
import * as SyncHandlers from "./SyncHandlers.js"

export const dialect: Dialect.Dialect = {
  name: "sync",
  prefix: "/sync",
  contract: SyncApi.SyncApi,
  errors: SyncErrors.table,
  migrations,
  credentialOf: (headers) => {
    const key = headers["x-api-key"]
    return typeof key === "string" ? key : undefined
  },
  // Parents first. `sync_projects_search` (SQLite's name index) follows its table through triggers.
  tables: [
    { name: "sync_projects", key: ["id"], owner: "org_id" },
    { name: "sync_assets", key: ["id"], owner: "org_id" },
    { name: "sync_generations", key: ["id"], owner: "org_id" },
    { name: "sync_batches", key: ["id"], owner: "org_id" },
    { name: "sync_batch_lines", key: ["batch_id", "line"], owner: { column: "batch_id", parent: "sync_batches" } },
    { name: "sync_uploads", key: ["id"], owner: "org_id" },
    { name: "sync_upload_chunks", key: ["upload_id", "seq"], owner: { column: "upload_id", parent: "sync_uploads" } }
  ],
  // A multipart generation carries up to three files below 20 MB each, a batch a file of 5 MB: each
  // route's own limit holds, whatever the server's (`--max-body-bytes`, 16 MB by default).
  largerBodies: (request) =>
    GenerationUploads.largerBodies(request) ?? SyncHandlers.batchBodies(request) ?? AssetUploads.largerBodies(request)
}

/** Every handler of the dialect, its authentication, storage and generation worker, timed by `lifecycle`. */
export const layer = SyncHandlers.layer
