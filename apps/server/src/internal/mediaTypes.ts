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
  readonly mediaTypes: ReadonlyArray<string>
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** `/{apiVersion}/projects/{id}` under `prefix` as a pattern: each parameter one segment. */
const patternOf = (prefix: string, template: string): RegExp =>
  new RegExp(`^${escape(prefix)}${template.split(/\{[^}]+\}/).map(escape).join("[^/]+")}$`)

/** A media type without its parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
export const essence = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase()

/**
 * The media types the documents declare for the body of `method path` (a path without its query),
 * or undefined for a route that declares no body or is not a dialect's.
 */
export const declaredBodies = (mounts: ReadonlyArray<Mount>) => {
  const routes: Array<Route> = []
  for (const mount of mounts) {
    const spec = OpenApi.fromApi(mount.contract)
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const method of methods) {
        const content = item[method]?.requestBody?.content
        if (content === undefined) continue
        routes.push({ method: method.toUpperCase(), pattern: patternOf(mount.prefix, template), mediaTypes: Object.keys(content).map(essence) })
      }
    }
  }
  return (method: string, path: string): ReadonlyArray<string> | undefined =>
    routes.find((route) => route.method === method && route.pattern.test(path))?.mediaTypes
}
