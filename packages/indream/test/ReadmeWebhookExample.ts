import { createServer } from "node:http"
import { verifyWebhook } from "../src/index.js"

// A receiver of export webhooks: the raw body, checked against X-Indream-Signature (HMAC-SHA256 of
// `${timestamp}.${rawBody}` with your webhook secret) and X-Indream-Timestamp (within 300 s).
export const receiver = (secret: string, onEvent: (eventType: string, taskId: string) => void) =>
  createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      verifyWebhook({ secret, headers: request.headers, rawBody: Buffer.concat(chunks).toString("utf8") }).then(
        (event) => {
          onEvent(event.eventType, event.task.taskId)
          response.writeHead(204).end()
        },
        () => response.writeHead(401).end()
      )
    })
  })
