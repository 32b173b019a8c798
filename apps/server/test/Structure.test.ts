/**
 * The server's structure, read from its source files (issue 23): a provider is registered in one
 * place and nothing else knows it.
 * - Contract modules (`*Api.ts`, here and in every package) import no service module: only other
 *   contracts, their schemas (`*Schemas.ts`) and error tables (`*Errors.ts`), and libraries.
 * - Central server code (`src/` outside `dialects/`) imports no dialect folder, only the one list
 *   (`dialects/index.ts`).
 * - No dialect's table name or module name appears outside its folder and the list. The names
 *   come from the registered dialects themselves: their folders' modules, their `tables`, and the
 *   tables their migrations create (each dialect's migrations run alone on an empty database).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import * as Dialects from "../src/dialects/index.js"
import * as Migrations from "../src/Migrations.js"

const serverRoot = Path.resolve(import.meta.dirname, "..")
const src = Path.join(serverRoot, "src")
const dialectsFolder = Path.join(src, "dialects")
const theList = Path.join(dialectsFolder, "index.ts")
const packagesRoot = Path.resolve(serverRoot, "../../packages")

/** Every `.ts` file under `folder`. */
const sources = (folder: string): ReadonlyArray<string> =>
  Fs.readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => Path.join(entry.parentPath, entry.name))

/** What `file` imports (statically, for its effects, dynamically) and re-exports from, as written. */
const importsOf = (file: string): ReadonlyArray<string> => {
  const text = Fs.readFileSync(file, "utf8")
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b\s*(?:[^"';]*?\bfrom\s+)?["']([^"']+)["']/g),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)
  ].map((match) => match[1]!)
}

/** `specifier`, imported by `file`, as a path (relative imports only). */
const resolved = (file: string, specifier: string) =>
  specifier.startsWith(".") ? Path.resolve(Path.dirname(file), specifier).replace(/\.js$/, ".ts") : undefined

const contractName = /(Api|Schemas|Errors)\.ts$/
/** Libraries a contract may use: the schema and HTTP API definitions, and the core's and the error tables' packages. */
const contractLibraries = /^(effect(\/|$)|@effect\/platform\/(HttpApi|HttpApiEndpoint|HttpApiGroup|HttpApiMiddleware|HttpApiSchema|HttpApiSecurity|HttpApiError|Multipart|OpenApi)$|@projectkit\/(core|http|sync|sanity|indream)(\/|$))/

/**
 * Whether a module a contract imports is on the contract's side: named as a contract's part
 * (`*Api`, `*Schemas`, `*Errors`), or a module of declarations that itself imports only contract
 * libraries and such modules (a catalog of error codes, say) — never, at any depth, a service.
 */
const isDeclaration = (file: string, seen: Set<string> = new Set()): boolean => {
  if (contractName.test(file)) return true
  // A module already being read is judged by its other imports, where the cycle began.
  if (seen.has(file)) return true
  if (!Fs.existsSync(file)) return false
  seen.add(file)
  return importsOf(file).every((specifier) => {
    const target = resolved(file, specifier)
    return target === undefined ? contractLibraries.test(specifier) : isDeclaration(target, seen)
  })
}

const relative = (file: string) => Path.relative(Path.resolve(serverRoot, "../.."), file)

describe("structure", () => {
  it("contract modules import no service module", () => {
    const contracts = [
      ...sources(src),
      ...Fs.readdirSync(packagesRoot).flatMap((name) => {
        const folder = Path.join(packagesRoot, name, "src")
        return Fs.existsSync(folder) ? sources(folder) : []
      })
      // A contract declares; what builds or serves an API (`compiled/CompiledApi.ts`) is not one.
    ].filter((file) => /Api\.ts$/.test(file) && !importsOf(file).includes("@effect/platform/HttpApiBuilder"))
    expect(contracts.length).toBeGreaterThanOrEqual(6)
    const offending: Array<string> = []
    for (const file of contracts) {
      for (const specifier of importsOf(file)) {
        const target = resolved(file, specifier)
        const allowed = target === undefined ? contractLibraries.test(specifier) : isDeclaration(target)
        if (!allowed) offending.push(`${relative(file)} imports ${specifier}`)
      }
    }
    expect(offending).toEqual([])
  })

  it("central server code imports no dialect folder, only the list", () => {
    const central = sources(src).filter((file) => !file.startsWith(`${dialectsFolder}${Path.sep}`))
    const offending: Array<string> = []
    for (const file of central) {
      for (const specifier of importsOf(file)) {
        const target = resolved(file, specifier)
        if (target !== undefined && target.startsWith(`${dialectsFolder}${Path.sep}`) && target !== theList) {
          offending.push(`${relative(file)} imports ${specifier}`)
        }
        // Nor a provider's package: its contract reaches central code through the dialect's record.
        if (Dialects.all.some((dialect) => specifier === `@projectkit/${dialect.name}` || specifier.startsWith(`@projectkit/${dialect.name}/`))) {
          offending.push(`${relative(file)} imports ${specifier}`)
        }
      }
    }
    expect(offending).toEqual([])
  })

  it("no dialect's table or module name appears outside its folder and the list", async () => {
    const folders = Fs.readdirSync(dialectsFolder, { withFileTypes: true }).filter((entry) => entry.isDirectory())
    // One folder per registered dialect, named as it is.
    expect(folders.map((entry) => entry.name).sort()).toEqual(Dialects.all.map((dialect) => dialect.name).sort())
    const centralModules = new Set(sources(src).filter((file) => Path.dirname(file) !== dialectsFolder).map((file) => Path.basename(file, ".ts")))
    const created = await tablesCreated()
    const offending: Array<string> = []
    for (const dialect of Dialects.all) {
      const folder = Path.join(dialectsFolder, dialect.name)
      // Its modules, but for those every folder has (`Migrations`): by name, they are no one's.
      const modules = sources(folder)
        .map((file) => Path.basename(file, ".ts"))
        .filter((name) => !folders.some((other) => other.name !== dialect.name && Fs.existsSync(Path.join(dialectsFolder, other.name, `${name}.ts`))))
        .filter((name) => !centralModules.has(name) || name.endsWith("Dialect"))
      const tables = new Set([
        ...(dialect.tables ?? []).map((table) => table.name),
        ...(created.get(dialect.name) ?? []).filter((table) => !sharedTables.has(table))
      ])
      expect(tables.size, `${dialect.name} has tables`).toBeGreaterThan(0)
      const names = [...modules, ...tables]
      const pattern = new RegExp(`\\b(${names.join("|")})\\b`)
      for (const file of sources(src)) {
        if (file === theList || file.startsWith(`${folder}${Path.sep}`)) continue
        const found = Fs.readFileSync(file, "utf8").match(pattern)
        if (found !== null) offending.push(`${relative(file)} names ${dialect.name}'s ${found[1]}`)
      }
    }
    expect(offending).toEqual([])
  })
})

/**
 * Tables shared by every dialect: the rate-limit budgets (`0004_rate_limits`, the server's own
 * migration since the dialect that made them first is gone), used by the central `RateLimits`.
 */
const sharedTables: ReadonlySet<string> = new Set(["rate_limits"])

/** The tables each dialect's migrations create: run with the server's alone, on an empty in-memory database. */
const tablesCreated = () =>
  Effect.runPromise(Effect.gen(function*() {
    const tablesWith = (migrations: Migrations.Migrations) =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
        return new Set(rows.map((row) => row.name))
      }).pipe(Effect.provide(Database.layerSqlite(":memory:", migrations)), Effect.scoped)
    const server = yield* tablesWith(Migrations.make([]))
    const created = new Map<string, ReadonlyArray<string>>()
    for (const dialect of Dialects.all) {
      const all = yield* tablesWith(Migrations.make([dialect]))
      created.set(dialect.name, [...all].filter((name) => !server.has(name)))
    }
    return created
  }))
