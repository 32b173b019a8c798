/**
 * `multipart/form-data` bodies for the checks of uploads: small ones as text (recorded in the
 * report as sent), large ones as a stream whose filler is made chunk by chunk as it is sent — a
 * check of a 20 MB limit never holds 20 MB.
 */
import type { FormPart } from "../Harness.js"

/** Bodies up to this size are sent (and recorded) as text; larger ones are streamed. */
const TEXT_LIMIT = 1024 * 1024

/** What the report keeps of a multipart body sent as text. */
const RECORDED = 16 * 1024

const CHUNK = 64 * 1024

/** Printable filler: the same line over and over. */
const FILLER_LINE = "projectkit conformance filler\n"

const filler = (size: number) => FILLER_LINE.repeat(Math.ceil(size / FILLER_LINE.length)).slice(0, size)

export interface Body {
  readonly contentType: string
  /** The whole body, when it is small enough to send as text. */
  readonly text?: string
  /** A fresh stream of the body (large bodies). */
  readonly stream: () => ReadableStream<Uint8Array>
  /** How the report shows a streamed body: its parts, each file by name and size. */
  readonly summary: string
  readonly size: number
}

/** One piece of the body: text, or `size` bytes of filler. */
type Piece = string | { readonly filler: number }

const quote = (value: string) => value.replace(/"/g, "%22").replace(/\r|\n/g, " ")

export const encode = (parts: ReadonlyArray<FormPart>): Body => {
  const boundary = `----projectkit-conformance-${Math.random().toString(36).slice(2, 14)}`
  const pieces: Array<Piece> = []
  const described: Array<string> = []
  for (const part of parts) {
    if ("value" in part) {
      pieces.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"\r\n\r\n${part.value}\r\n`)
      described.push(`${part.name}=${part.value.length > 200 ? `${part.value.slice(0, 200)}…` : part.value}`)
    } else {
      const { file } = part
      pieces.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(file.filename)}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`
      )
      const size = "content" in file ? Buffer.byteLength(file.content) : file.size
      pieces.push("content" in file ? file.content : { filler: file.size })
      pieces.push("\r\n")
      described.push(`${part.name}=<file ${file.filename}, ${file.contentType}, ${size} bytes>`)
    }
  }
  pieces.push(`--${boundary}--\r\n`)
  const size = pieces.reduce((total, piece) => total + (typeof piece === "string" ? Buffer.byteLength(piece) : piece.filler), 0)
  const contentType = `multipart/form-data; boundary=${boundary}`
  const summary = `<multipart/form-data, ${size} bytes: ${described.join("; ")}>`
  const stream = () => {
    const encoder = new TextEncoder()
    let index = 0
    let offset = 0
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces[index]
        if (piece === undefined) return controller.close()
        if (typeof piece === "string") {
          index++
          return controller.enqueue(encoder.encode(piece))
        }
        const length = Math.min(CHUNK, piece.filler - offset)
        // Starts each chunk where the filler's line left off, so the file reads as one filler text.
        const start = offset % FILLER_LINE.length
        controller.enqueue(encoder.encode(filler(start + length).slice(start)))
        offset += length
        if (offset >= piece.filler) {
          index++
          offset = 0
        }
      }
    })
  }
  if (size > TEXT_LIMIT) return { contentType, stream, summary, size }
  const text = pieces.map((piece) => (typeof piece === "string" ? piece : filler(piece.filler))).join("")
  return { contentType, text, stream, summary, size }
}

/** A multipart body as the report keeps it: whole when short, else its start and its size. */
export const abridge = (text: string): string =>
  text.length <= RECORDED ? text : `${text.slice(0, RECORDED)}… (${Buffer.byteLength(text)} bytes in all)`
