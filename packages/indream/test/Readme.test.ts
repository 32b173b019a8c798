/**
 * The README's webhook receiver, verbatim (with the package's name where it imports its source),
 * run on a real socket. The README's Promise and Effect examples need a server: they run against
 * the reference server with the other adapters' (`apps/server/test/adapters/Readme.test.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import type { AddressInfo } from "node:net"
import { IndreamWebhooks } from "../src/index.js"
import * as WebhookExample from "./ReadmeWebhookExample.js"

const example = (file: string) =>
  Fs.readFileSync(new URL(file, import.meta.url), "utf8").replaceAll(`from "../src/index.js"`, `from "@projectkit/indream"`).trim()

describe("README", () => {
  const readme = Fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

  it("shows the webhook receiver this test runs, verbatim, after the examples run with the server's", () => {
    const webhook = readme.indexOf(example("./ReadmeWebhookExample.ts"))
    expect(webhook).toBeGreaterThan(readme.indexOf("IndreamClient"))
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
