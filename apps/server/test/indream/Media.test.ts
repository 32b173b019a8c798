/**
 * The two media readers and writers of the Indream dialect: image sizes read from upload headers
 * (fixtures made by ffmpeg, 36×20), and the export outputs, read back by Debian's ffprobe as the
 * video each task describes.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { sizeOf } from "../../src/dialects/indream/ImageSize.js"
import { render, type RenderedVideo } from "../../src/dialects/indream/RenderedMedia.js"

const fixture = (name: string) => Fs.readFileSync(Path.join(import.meta.dirname, "fixtures", name))

describe("ImageSize", () => {
  it.each(["image.png", "image.jpg", "image.gif", "lossy.webp", "lossless.webp"])("reads the size of %s", (name) => {
    expect(sizeOf(fixture(name))).toEqual({ width: 36, height: 20 })
  })

  it("reads a WebP's extended (VP8X) canvas size", () => {
    const bytes = new Uint8Array(30)
    bytes.set(new TextEncoder().encode("RIFF"), 0)
    bytes.set(new TextEncoder().encode("WEBPVP8X"), 8)
    // Canvas 1000 × 300, stored minus one as 24-bit little-endian numbers.
    bytes.set([999 & 0xff, 999 >> 8, 0, 299 & 0xff, 299 >> 8, 0], 24)
    expect(sizeOf(bytes)).toEqual({ width: 1000, height: 300 })
  })

  it("reads a JPEG's frame header behind other segments", () => {
    const jpeg = fixture("image.jpg")
    // An APP1 segment of 1000 bytes inserted after SOI.
    const app1 = new Uint8Array(1002)
    app1.set([0xff, 0xe1, 1000 >> 8, 1000 & 0xff])
    const bytes = new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)])
    expect(sizeOf(bytes)).toEqual({ width: 36, height: 20 })
  })

  it("answers nothing for other files and for cut headers", () => {
    expect(sizeOf(new TextEncoder().encode("plain text, not an image"))).toBeUndefined()
    expect(sizeOf(new Uint8Array(0))).toBeUndefined()
    expect(sizeOf(fixture("image.png").subarray(0, 20))).toBeUndefined()
    expect(sizeOf(fixture("image.jpg").subarray(0, 30))).toBeUndefined()
    expect(sizeOf(fixture("lossy.webp").subarray(0, 16))).toBeUndefined()
  })
})

interface Probe {
  readonly format: { readonly format_name: string; readonly duration: string }
  readonly streams: ReadonlyArray<{ readonly codec_name: string; readonly width: number; readonly height: number }>
}

const probe = (video: RenderedVideo): Probe => {
  const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "indream-media-"))
  try {
    const file = Path.join(directory, `output.${video.format}`)
    Fs.writeFileSync(file, render(video))
    const json = execFileSync(
      "ffprobe",
      ["-v", "error", "-show_entries", "format=format_name,duration:stream=codec_name,width,height", "-of", "json", file],
      { encoding: "utf8" }
    )
    return JSON.parse(json) as Probe
  } finally {
    Fs.rmSync(directory, { recursive: true, force: true })
  }
}

describe("RenderedMedia", () => {
  it("writes an MP4 (ftyp, moov) that ffprobe reads with the task's size and duration", () => {
    const result = probe({ format: "mp4", width: 1280, height: 720, fps: 30, durationSeconds: 4.5 })
    expect(result.format.format_name).toContain("mp4")
    expect(Number(result.format.duration)).toBeCloseTo(4.5, 2)
    expect(result.streams).toEqual([expect.objectContaining({ codec_name: "h264", width: 1280, height: 720 })])
  })

  it("writes an MP4 of a size that is no multiple of 16 (cropped parameter set)", () => {
    const result = probe({ format: "mp4", width: 1080, height: 1350, fps: 60, durationSeconds: 12 })
    expect(Number(result.format.duration)).toBeCloseTo(12, 2)
    expect(result.streams[0]).toMatchObject({ width: 1080, height: 1350 })
  })

  it("writes a WebM (EBML header) that ffprobe reads with the task's size and duration", () => {
    const bytes = render({ format: "webm", width: 640, height: 360, fps: 30, durationSeconds: 2.25 })
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3])
    const result = probe({ format: "webm", width: 640, height: 360, fps: 30, durationSeconds: 2.25 })
    expect(result.format.format_name).toContain("webm")
    expect(Number(result.format.duration)).toBeCloseTo(2.25, 2)
    expect(result.streams).toEqual([expect.objectContaining({ codec_name: "vp8", width: 640, height: 360 })])
  })
})
