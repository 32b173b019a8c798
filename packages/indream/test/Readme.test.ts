/**
 * The README's examples, verbatim (with the package's name where they import its source), run
 * against the contract fixture on a real socket (the reference server's Indream dialect is tested
 * end to end by the server's own suite).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import type { AddressInfo } from "node:net"
import { IndreamWebhooks } from "../src/index.js"
import * as EffectExample from "./ReadmeEffectExample.js"
import * as PromiseExample from "./ReadmePromiseExample.js"
import * as WebhookExample from "./ReadmeWebhookExample.js"
import { runtimeKey } from "./support/contractServer.js"
import { serveFixture } from "./support/serveFixture.js"

const example = (file: string) =>
  Fs.readFileSync(new URL(file, import.meta.url), "utf8").replaceAll(`from "../src/index.js"`, `from "@projectkit/indream"`).trim()

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe("README", () => {
  const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

  it("shows the three examples this test runs, verbatim, Promise first", () => {
    const promise = readme.indexOf(example("./ReadmePromiseExample.ts"))
    const effect = readme.indexOf(example("./ReadmeEffectExample.ts"))
    const webhook = readme.indexOf(example("./ReadmeWebhookExample.ts"))
    expect(promise).toBeGreaterThan(0)
    expect(effect).toBeGreaterThan(promise)
    expect(webhook).toBeGreaterThan(effect)
  })

  it("the Promise and Effect examples run", async () => {
    const server = await serveFixture()
    try {
      process.env.INDREAM_BASE_URL = server.url
      process.env.INDREAM_API_KEY = runtimeKey
      expect(await PromiseExample.main(png)).toEqual({
        bound: ["logo.png"],
        logo: "image/png",
        valid: true,
        stateVersion: "21",
        width: 1920,
        status: "COMPLETED",
        missing: "NotFound"
      })
      expect(await EffectExample.main()).toEqual({
        listed: true,
        titles: ["Story", "Launch video"],
        transitions: true,
        illustrations: ["rocket", "rocket-launch"]
      })
    } finally {
      delete process.env.INDREAM_BASE_URL
      delete process.env.INDREAM_API_KEY
      await server.close()
    }
  })

  it("the webhook receiver accepts a signed delivery and refuses a forged one", async () => {
    const received: Array<string> = []
    const server = WebhookExample.receiver("whsec_readme", (eventType, taskId) => received.push(`${eventType} ${taskId}`))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    try {
      const body = JSON.stringify({
        eventType: "EXPORT_STARTED",
        occurredAt: new Date().toISOString(),
        task: {
          taskId: "task-9", projectId: null, createdByApiKeyId: null, clientTaskId: null, status: "PROCESSING", progress: 0,
          error: null, outputUrl: null, durationSeconds: 2, billedStandardSeconds: 2, chargedCredits: "2", callbackUrl: url,
          createdAt: new Date().toISOString(), completedAt: null
        }
      })
      const signed = await Effect.runPromise(IndreamWebhooks.sign("whsec_readme", body))
      const accepted = await fetch(url, { method: "POST", headers: { ...signed, "content-type": "application/json" }, body })
      expect(accepted.status).toBe(204)
      const forged = await fetch(url, { method: "POST", headers: { ...signed, "content-type": "application/json" }, body: body.replace("task-9", "task-8") })
      expect(forged.status).toBe(401)
      expect(received).toEqual(["EXPORT_STARTED task-9"])
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
