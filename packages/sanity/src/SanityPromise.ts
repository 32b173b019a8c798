/**
 * Sanity's management API for plain TypeScript: `createSanityClient({ baseUrl, token })`, built on
 * `SanityClient` (one `ManagedRuntime` per client). `client.projects` is the neutral projects
 * service, the same on every adapter; `client.sanity` is every call of `SanityClient` — projects in
 * Sanity's terms, datasets, CORS origins, tokens, tags, jobs, users, … — with the same names and
 * arguments, answering Promises of plain values (times as ISO strings). Errors reject as the core
 * errors themselves. See `PromiseClient` in `@projectkit/core`.
 */
import type * as PromiseClient from "@projectkit/core/PromiseClient"
import { PromiseAdapter } from "@projectkit/http"
import * as SanityClient from "./SanityClient.js"

export interface SanityClientOptions extends PromiseAdapter.ClientOptions {
  /** The bearer token. */
  readonly token: string
  /** `v2021-06-07` unless given; any `vYYYY-MM-DD`, `v1`. */
  readonly apiVersion?: string | undefined
  /** `https://api.sanity.io` unless given; the reference server's is `http://localhost:4000/sanity`. */
  readonly baseUrl?: string | undefined
}

/** `client.projects` (neutral), `client.sanity` (all of `SanityClient`), `close()`. */
export type SanityPromiseClient = PromiseAdapter.Client<"sanity", SanityClient.SanityClientService>

/** `SanityClientService`, member by member (the compiler holds this to the service's exact shape). */
export const shape: PromiseClient.Shape<SanityClient.SanityClientService> = {
  projects: { list: 1, create: 1, get: 1, update: 2, delete: 1 },
  cors: { list: 1, create: 2, delete: 2 },
  datasets: {
    list: 1,
    get: 2,
    create: 3,
    update: 3,
    delete: 2,
    copy: 3,
    copyJobs: 3,
    projectCopyJobs: 2,
    getEmbeddings: 2,
    setEmbeddings: 3
  },
  jobs: { get: 1, listen: 1 },
  features: { list: 1, has: 2 },
  permissions: 1,
  users: { me: "effect", get: 1, getInProject: 2 },
  tokens: { list: 1, create: 2, delete: 2 },
  tags: { list: 1, create: 2, update: 3, delete: 2, listForDataset: 2, assign: 3, unassign: 3 },
  aliases: { list: 1, create: 3, link: 3, unlink: 2, delete: 2 },
  access: { robots: 2, createRobot: 2, deleteRobot: 2, rotate: "effect", roles: 2 },
  members: { roles: 1, invitations: 1, invite: 2 },
  organizations: { list: "effect", grants: 1 },
  hooks: { list: 1, create: 2, get: 2, update: 3, delete: 2, messages: 2, attempts: 2, attempt: 2 },
  datasetSettings: { deploySchemas: 3, schemas: 2, schema: 3, deleteSchema: 3, backups: 3, backup: 4, backupDocument: 2, setBackups: 3 }
}

/**
 * A Sanity management client for Promise users.
 *
 * ```ts
 * const client = createSanityClient({ token: process.env.SANITY_TOKEN! })
 * const project = await client.projects.create({ name: "Docs" })
 * await client.sanity.datasets.create(project.id, "production", { aclMode: "public" })
 * await client.close()
 * ```
 */
export const createSanityClient = (options: SanityClientOptions): SanityPromiseClient =>
  PromiseAdapter.make({
    name: "sanity",
    tag: SanityClient.SanityClient,
    shape,
    layer: (retryPolicy) =>
      SanityClient.layer({ token: options.token, apiVersion: options.apiVersion, baseUrl: options.baseUrl, retryPolicy })
  }, options).client
