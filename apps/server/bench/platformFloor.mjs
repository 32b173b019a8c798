// What `@effect/platform`'s own request pipeline costs, with nothing of ours in it: the ceiling of
// the reference server's platform router (`--platform-router`). One `HttpApi` endpoint shaped as
// sync.so's GET /v2/projects/{id} (a path schema, an `x-api-key` security middleware providing a
// principal, a struct with two `DateTimeUtc` as its success), its handler answering a constant
// project (no storage, no authentication lookup), served by the server's own `node:http` handler
// for the platform's app (`dist/compiled/platformHandler.js`, the cheapest one there is: see its
// module), with tracing off as the server runs. Started by run.mjs as a child process; prints
// {"port","apiKey","id"} on its first line, as baseline.mjs does.
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import * as PlatformHandler from "../dist/compiled/platformHandler.js"

class Principal extends Context.Tag("bench/Principal")() {}
class Auth extends HttpApiMiddleware.Tag()("bench/Auth", {
  provides: Principal,
  security: { apiKey: HttpApiSecurity.apiKey({ key: "x-api-key", in: "header" }) }
}) {}

const Project = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  visibility: Schema.Literal("USER", "ORGANIZATION"),
  mode: Schema.Literal("CREATOR"),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
})
const Api = HttpApi.make("bench").add(
  HttpApiGroup.make("projects").add(
    HttpApiEndpoint.get("get", "/sync/v2/projects/:id")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(Project)
  ).middleware(Auth)
)

const apiKey = "sk-bench"
const id = "00000000-0000-4000-8000-000000000042"
const at = DateTime.unsafeMake(Date.now())
const project = { id, name: "Project 42", visibility: "ORGANIZATION", mode: "CREATOR", createdAt: at, updatedAt: at }

const AuthLive = Layer.succeed(Auth, {
  apiKey: (key) => Redacted.value(key) === apiKey ? Effect.succeed({ organizationId: "org" }) : Effect.die("unknown key")
})
const ProjectsLive = HttpApiBuilder.group(Api, "projects", (handlers) =>
  handlers.handle("get", ({ path }) => Effect.map(Principal, () => ({ ...project, id: path.id }))))
const ApiLive = HttpApiBuilder.api(Api).pipe(Layer.provide(ProjectsLive), Layer.provide(AuthLive))

const handler = await Effect.runPromise(
  Effect.flatMap(HttpApiBuilder.httpApp, (app) => PlatformHandler.makeHandler(app)).pipe(
    Effect.provide(Layer.mergeAll(ApiLive, HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer, NodeHttpServer.layerContext)),
    // As the server runs: no tracer, so no spans built per request.
    Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true),
    Effect.locally(FiberRef.currentTracerEnabled, false)
  )
)
const server = Http.createServer(handler)
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port, apiKey, id }))
})
