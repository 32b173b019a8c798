import { createSyncClient } from "@projectkit/sync"

const audio = { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" } as const

export const main = async () => {
  const client = createSyncClient({
    baseUrl: process.env.SYNC_BASE_URL ?? "http://localhost:4000/sync",
    apiKey: process.env.SYNC_API_KEY!
  })
  try {
    // Create Generation with Files: each file (a Blob, a File, or bytes with a name; below 20 MB)
    // becomes an asset of the organization and the generation's input of its type.
    const video = new File([new Uint8Array(1024)], "take-1.mp4", { type: "video/mp4" })
    const generation = await client.sync.generations.createWithFiles({ model: "lipsync-2", video, input: [audio] })

    // A batch: 20 to 500 requests, sent as a JSON Lines file made from the lines given.
    const lines = Array.from({ length: 20 }, (_, index) => ({
      request_id: `take-${index}`,
      endpoint: "/v2/generate",
      payload: { model: "lipsync-2", input: [{ type: "video", url: `https://example.com/${index}.mp4` }, audio] }
    }) as const)
    const checked = await client.sync.batches.create({ input: lines, dryRun: true }) // creates nothing
    const batch = await client.sync.batches.create({ input: lines, webhookUrl: "https://example.com/hooks/batch" })
    // Later: `batches.get(id)` until COMPLETED, then `batches.results(id)`, one line per request.
    const listed = await client.sync.batches.list({ status: "PENDING" })
    return { generation: generation.input.map((item) => item.type), checked: checked.status, batch: batch.status, listed: listed.length }
  } finally {
    await client.close()
  }
}
