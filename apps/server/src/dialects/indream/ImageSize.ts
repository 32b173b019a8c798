/**
 * The pixel size of an uploaded image, read from the first bytes of its file: PNG (IHDR), GIF
 * (logical screen), JPEG (the first start-of-frame marker) and WebP (VP8, VP8L and VP8X chunks).
 * An upload's `width`/`height` are these, or null when the file is none of them or is cut short.
 * Only headers are read, never pixels, so a hostile file cannot make this expensive.
 */

export interface Size {
  readonly width: number
  readonly height: number
}

/** How many leading bytes of a file `sizeOf` may need (a JPEG's frame header may sit behind large metadata). */
export const headerBytes = 256 * 1024

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  if (at + text.length > bytes.length) return false
  for (let index = 0; index < text.length; index++) if (bytes[at + index] !== text.charCodeAt(index)) return false
  return true
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

const positive = (width: number, height: number): Size | undefined =>
  width > 0 && height > 0 ? { width, height } : undefined

const png = (bytes: Uint8Array): Size | undefined => {
  // Signature, then the IHDR chunk: length (4), "IHDR", width (4, big-endian), height (4).
  if (bytes.length < 24 || !ascii(bytes, 1, "PNG") || !ascii(bytes, 12, "IHDR")) return undefined
  const data = view(bytes)
  return positive(data.getUint32(16), data.getUint32(20))
}

const gif = (bytes: Uint8Array): Size | undefined => {
  if (bytes.length < 10 || !(ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a"))) return undefined
  const data = view(bytes)
  return positive(data.getUint16(6, true), data.getUint16(8, true))
}

/** Start-of-frame markers (SOF0–SOF15 but DHT C4, JPG C8 and DAC CC), which carry the frame's size. */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc

const jpeg = (bytes: Uint8Array): Size | undefined => {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined
  const data = view(bytes)
  let at = 2
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined
    const marker = bytes[at + 1]!
    // Fill bytes and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      at += 1
      continue
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2
      continue
    }
    // End of image or start of scan before any frame header: no size to read.
    if (marker === 0xd9 || marker === 0xda) return undefined
    const length = data.getUint16(at + 2)
    if (length < 2) return undefined
    if (isStartOfFrame(marker)) {
      // Length (2), precision (1), height (2), width (2).
      if (at + 9 > bytes.length) return undefined
      return positive(data.getUint16(at + 7), data.getUint16(at + 5))
    }
    at += 2 + length
  }
  return undefined
}

const webp = (bytes: Uint8Array): Size | undefined => {
  if (bytes.length < 30 || !ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WEBP")) return undefined
  const data = view(bytes)
  // The first chunk says which bitstream: lossy (VP8 ), lossless (VP8L) or extended (VP8X).
  if (ascii(bytes, 12, "VP8 ")) {
    // Frame tag (3), start code 9d 01 2a, then 14-bit width and height.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined
    return positive(data.getUint16(26, true) & 0x3fff, data.getUint16(28, true) & 0x3fff)
  }
  if (ascii(bytes, 12, "VP8L")) {
    if (bytes[20] !== 0x2f) return undefined
    const bits = data.getUint32(21, true)
    return positive((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1)
  }
  if (ascii(bytes, 12, "VP8X")) {
    // Flags (4), then canvas width − 1 and height − 1 as 24-bit little-endian numbers.
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16))
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16))
    return positive(width, height)
  }
  return undefined
}

/** The size of the image whose file starts with `bytes`, or undefined when it is not one we read. */
export const sizeOf = (bytes: Uint8Array): Size | undefined => {
  switch (bytes[0]) {
    case 0x89:
      return png(bytes)
    case 0x47:
      return gif(bytes)
    case 0xff:
      return jpeg(bytes)
    case 0x52:
      return webp(bytes)
    default:
      return undefined
  }
}
