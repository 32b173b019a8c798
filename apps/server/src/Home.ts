/**
 * `GET /`: where a newcomer lands when they open the server's address. It says what is served
 * where — each dialect's base URL, its OpenAPI document and docs page, the control plane — as
 * a short HTML page for a browser, and as JSON for anything else.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as Dialect from "./Dialect.js"

/** What `GET /` answers, with URLs on `base`. */
export const describe = (base: string, version: string, dialects: ReadonlyArray<Dialect.Dialect>) => ({
  name: "projectkit reference server",
  version,
  dialects: dialects.map((dialect) => ({
    name: dialect.name,
    url: `${base}${dialect.prefix}`,
    openapi: `${base}${dialect.prefix}/openapi.json`,
    docs: `${base}${dialect.prefix}/docs`
  })),
  control: {
    url: `${base}/__projectkit`,
    health: `${base}/__projectkit/health`,
    openapi: `${base}/__projectkit/openapi.json`,
    docs: `${base}/__projectkit/docs`,
    /** The web app: asks for the admin token. */
    studio: `${base}/__projectkit/studio`
  }
})

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const page = (home: ReturnType<typeof describe>) => {
  const link = (url: string, text = url) => `<a href="${escape(url)}">${escape(text)}</a>`
  const rows = home.dialects.map((dialect) =>
    `<tr><td>${escape(dialect.name)}</td><td><code>${escape(dialect.url)}</code></td><td>${
      link(dialect.docs, "docs")
    } · ${link(dialect.openapi, "OpenAPI")}</td></tr>`
  ).join("\n")
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(home.name)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}td{padding:.2rem 1rem .2rem 0}code{font-size:14px}</style>
</head>
<body>
<h1>${escape(home.name)} ${escape(home.version)}</h1>
<p>Point a client at a dialect's base URL. See what it made in the ${link(home.control.studio, "Studio")} (it asks for the admin token).</p>
<table>
${rows}
<tr><td>control</td><td><code>${escape(home.control.url)}</code></td><td>${link(home.control.docs, "docs")} · ${
    link(home.control.openapi, "OpenAPI")
  } · ${link(home.control.health, "health")}</td></tr>
</table>
</body>
</html>
`
}

/** `GET /` on the platform's router: HTML when the client asks for it, JSON otherwise. */
export const layer = (version: string, dialects: ReadonlyArray<Dialect.Dialect>) =>
  HttpApiBuilder.Router.use((router) =>
    router.get(
      "/",
      Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
        // The URLs as the client reached the server (a proxy's or a container's port included).
        const base = `http://${request.headers.host ?? "localhost"}`
        const home = describe(base, version, dialects)
        return (request.headers.accept ?? "").includes("text/html")
          ? HttpServerResponse.text(page(home), { contentType: "text/html; charset=utf-8" })
          : HttpServerResponse.unsafeJson(home)
      })
    )
  )
