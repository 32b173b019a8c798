/**
 * `createSyncClient`'s calls of issue 25 against the reference server, as Promises: uploading an
 * asset (URL, keyless PUT, register), finding it by its SHA-256, its download URL serving the
 * bytes, updating, attaching and deleting it; a generation at work refused deletion as `Conflict`;
 * the catalog of error codes.
 */
import { expect, it } from "@effect/vitest"
import * as Crypto from "node:crypto"
import { afterAll } from "vitest"
import { createSyncClient, ProjectsError } from "../src/index.js"
import { referenceServer } from "./support/referenceServer.js"

const server = referenceServer()
const client = createSyncClient({ baseUrl: `${server.url}/sync`, apiKey: server.credentials.sync.apiKey })
afterAll(() => client.close())

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`), (error: unknown) => error)

it("uploads, finds, downloads, updates, attaches and deletes an asset; refuses deleting a generation at work", async () => {
  const bytes = new Uint8Array(Crypto.randomBytes(1500))
  const asset = await client.sync.assets.upload({ bytes, name: "clip.mp4", contentType: "video/mp4" }, { type: "VIDEO" })
  expect(asset).toMatchObject({ inputType: "UPLOAD", size: 1500, format: "mp4" })
  const digest = Crypto.createHash("sha256").update(bytes).digest("hex")
  expect((await client.sync.assets.findUploaded(digest, "VIDEO"))?.id).toBe(asset.id)
  const served = await fetch(await client.sync.assets.downloadUrl(asset.id))
  expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
  expect(await client.sync.assets.update(asset.id, { visibility: "USER" })).toMatchObject({ id: asset.id, visibility: "USER" })
  const project = await client.sync.projects.create({ name: "promise attach" })
  await client.sync.projects.attachAsset(project.id, asset.id)
  expect((await client.sync.assets.get(asset.id)).projectId).toBe(project.id)
  expect(await client.sync.assets.delete(asset.id)).toEqual({ id: asset.id })
  expect(await rejectionOf(client.sync.assets.get(asset.id))).toBeInstanceOf(ProjectsError.NotFound)

  const generation = await client.sync.generations.create({
    model: "lipsync-2",
    input: [{ type: "video", url: "https://assets.sync.so/docs/example-video.mp4" }, { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }]
  })
  const refused = await rejectionOf(client.sync.generations.delete(generation.id))
  // The reference server's generations may finish fast; at work, the delete is a Conflict.
  if (refused instanceof ProjectsError.Conflict) expect(refused._tag).toBe("Conflict")
  else expect((await client.sync.generations.get(generation.id)).status).toMatch(/COMPLETED|FAILED/)
  expect((await client.sync.errors.list()).some((entry) => entry.errorCode === "generation_not_deletable_while_processing")).toBe(true)
})
