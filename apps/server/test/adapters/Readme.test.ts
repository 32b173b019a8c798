/**
 * Every adapter's README examples, verbatim, run against the reference server: one test for the
 * three packages (the examples import the packages as a user does; `readme/` holds them).
 */
import * as Fs from "node:fs"
import { describe, expect, it } from "vitest"
import { useReferenceServer } from "../support/ReferenceServer.js"
import * as IndreamEffectExample from "./readme/IndreamEffectExample.js"
import * as IndreamPromiseExample from "./readme/IndreamPromiseExample.js"
import * as SanityEffectExample from "./readme/SanityEffectExample.js"
import * as SanityPromiseExample from "./readme/SanityPromiseExample.js"
import * as SyncEffectExample from "./readme/SyncEffectExample.js"
import * as SyncFilesExample from "./readme/SyncFilesExample.js"
import * as SyncPromiseExample from "./readme/SyncPromiseExample.js"

const server = useReferenceServer()

/** The package's README and the examples this test runs, which it must show verbatim, in this order. */
const examples = {
  sync: ["SyncPromiseExample", "SyncEffectExample", "SyncFilesExample"],
  indream: ["IndreamPromiseExample", "IndreamEffectExample"],
  sanity: ["SanityPromiseExample", "SanityEffectExample"]
} as const

const text = (url: URL) => Fs.readFileSync(url, "utf8").trim()

describe.each(Object.entries(examples))("the %s README", (pkg, files) => {
  it("shows the examples this test runs, verbatim, Promise first", () => {
    const readme = text(new URL(`../../../../packages/${pkg}/README.md`, import.meta.url))
    const positions = files.map((file) => readme.indexOf(text(new URL(`./readme/${file}.ts`, import.meta.url))))
    expect(positions[0]).toBeGreaterThan(0)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(new Set(positions).size).toBe(positions.length)
  })
})

describe("the README examples run against the reference server", () => {
  it("sync", async () => {
    process.env.SYNC_BASE_URL = `${server().url}/sync`
    process.env.SYNC_API_KEY = server().credentials.sync.apiKey
    const promise = await SyncPromiseExample.main()
    expect(promise.names).toContain("Launch video")
    expect(promise.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    expect(promise.generation).toBe("PENDING")
    expect(promise.refused).toMatch(/^InvalidReference: /)
    const effect = await SyncEffectExample.main()
    expect(effect).toEqual({ generation: "PENDING", projects: promise.names.length + 1 })
    const files = await SyncFilesExample.main()
    expect(files).toEqual({ generation: ["audio", "video"], checked: "VALIDATED", batch: "PENDING", listed: 1 })
  })

  it("indream", async () => {
    process.env.INDREAM_BASE_URL = `${server().url}/indream`
    process.env.INDREAM_API_KEY = server().credentials.indream.apiKey
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(await IndreamPromiseExample.main(png)).toEqual({
      bound: ["logo.png"],
      logo: "image/png",
      valid: true,
      stateVersion: "21",
      width: 1920,
      status: "COMPLETED",
      missing: "NotFound"
    })
    expect(await IndreamEffectExample.main()).toEqual({
      listed: true,
      titles: ["Story", "Launch video"],
      transitions: true,
      // The server's own catalog (IndreamCatalog.ts), not the package fixture's.
      illustrations: ["launch-rocket"]
    })
  }, 30_000)

  it("sanity", async () => {
    process.env.SANITY_BASE_URL = `${server().url}/sanity`
    process.env.SANITY_TOKEN = server().credentials.sanity.token
    const promise = await SanityPromiseExample.main()
    expect(promise.names).toContain("Docs site")
    expect(promise.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    expect(promise.datasets).toEqual(["production"])
    expect(promise.duplicate).toBe("Conflict")
    const effect = await SanityEffectExample.main()
    expect(effect).toEqual({ job: expect.any(String), projects: promise.names.length + 1 })
  })
})
