/**
 * Which media types each route's request body may be sent in, read from the dialects' own OpenAPI
 * documents (`requestBody.content`), so the server refuses exactly what the documents do not
 * declare (415) and a new route needs nothing here.
 */
import type * as HttpApi from "@effect/platform/HttpApi"
import * as OpenApi from "@effect/platform/OpenApi"

/** A dialect's routes, as mounted. */
export interface Mount {
  readonly prefix: string
  readonly contract: HttpApi.HttpApi<string, any, any, any>
}

interface Route {
  readonly method: string
  readonly pattern: RegExp
  /** The path with every parameter written `{}`: the same for `/a/{id}` and the router's `/a/:id`. */
  readonly template: string
  /** Per segment, 0 for a literal one and 1 for one with a parameter: the router's precedence. */
  readonly specificity: string
  readonly mediaTypes: ReadonlyArray<string>
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** `/{apiVersion}/projects/{id}` under `prefix` as a pattern: each parameter one segment. */
const patternOf = (prefix: string, template: string): RegExp =>
  new RegExp(`^${escape(prefix)}${template.split(/\{[^}]+\}/).map(escape).join("[^/]+")}$`)

/** `/{apiVersion}/projects/{id}` and `/:apiVersion/projects/:id` alike: `/{}/projects/{}`. */
const templateOf = (path: string): string => path.replace(/\{[^}]+\}/g, "{}").replace(/:[^/]+/g, "{}")

/** A media type without its parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
export const essence = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase()

/** The media types the documents declare for each route's body, found by request path or by route. */
export interface DeclaredBodies {
  /**
   * For `method path` (a path without its query): the route a router would choose for it (a
   * literal segment before a parameter, from the left), or undefined for a route that declares no
   * body or is not a dialect's.
   */
  readonly byPath: (method: string, path: string) => ReadonlyArray<string> | undefined
  /**
   * For a route already matched, by its full path as mounted (`/sync/v2/projects/:id`): looked up
   * once when the route is compiled rather than on each request.
   */
  readonly byRoute: (method: string, path: string) => ReadonlyArray<string> | undefined
}

export const declaredBodies = (mounts: ReadonlyArray<Mount>): DeclaredBodies => {
  const routes: Array<Route> = []
  for (const mount of mounts) {
    const spec = OpenApi.fromApi(mount.contract)
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const method of methods) {
        const content = item[method]?.requestBody?.content
        if (content === undefined) continue
        const segments = `${mount.prefix}${template}`.split("/")
        routes.push({
          method: method.toUpperCase(),
          pattern: patternOf(mount.prefix, template),
          template: templateOf(`${mount.prefix}${template}`),
          specificity: `${String(segments.length).padStart(3, "0")}:${segments.map((segment) => segment.includes("{") ? "1" : "0").join("")}`,
          mediaTypes: Object.keys(content).map(essence)
        })
      }
    }
  }
  // Two patterns can only both match a path of as many segments: then the literal one first.
  routes.sort((a, b) => a.specificity < b.specificity ? -1 : a.specificity > b.specificity ? 1 : 0)
  const byRoute = new Map(routes.map((route) => [`${route.method} ${route.template}`, route.mediaTypes]))
  return {
    byPath: (method, path) => routes.find((route) => route.method === method && route.pattern.test(path))?.mediaTypes,
    byRoute: (method, path) => byRoute.get(`${method} ${templateOf(path)}`)
  }
}
