import * as ProjectsError from "@projectkit/core/ProjectsError"
import { Adapter, ErrorTable, WireError } from "../src/index.js"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

// 1. The provider's error bodies, each with its status. Each encodes only its own instances.
export class NotFound extends WireError.Class<NotFound>("acme/NotFound")(404, {
  status: Schema.Literal(404),
  detail: Schema.String
}) {}
export class Invalid extends WireError.Class<Invalid>("acme/Invalid")(400, {
  status: Schema.Literal(400),
  detail: Schema.String
}) {}

// 2. Its error table: wire → core for the client, core → wire for a server, and the body of a
//    failure the contract does not describe.
type ByTag = ErrorTable.ByTag<NotFound | Invalid> & { readonly NotFound: NotFound }
export const table = ErrorTable.make<NotFound | Invalid, ProjectsError.NotFound | ProjectsError.Validation, ByTag>({
  provider: "acme",
  classes: [NotFound, Invalid],
  toCore: (error, subject) =>
    error instanceof NotFound
      ? new ProjectsError.NotFound({ resource: subject.resource, id: subject.id ?? "", description: error.detail })
      : ProjectsError.Validation.single([], error.detail),
  fromCore: <E extends ProjectsError.ProjectsError>(error: E) =>
    (error._tag === "NotFound"
      ? new NotFound({ status: 404, detail: error.message })
      : new Invalid({ status: 400, detail: error.message })) as ByTag[E["_tag"]],
  body: (status, message) => ({ status, detail: message })
})

// 3. In the client: every call of the contract goes through `call`, lists through `pages`.
const call = Adapter.call(table)
export const getProject = (id: string) =>
  call({ resource: "project", id }, Effect.fail(new NotFound({ status: 404, detail: `no project ${id}` })))
