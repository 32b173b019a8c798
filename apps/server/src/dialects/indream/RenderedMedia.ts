/**
 * The file a completed export's `outputUrl` downloads. The server does not render; it writes the
 * smallest well-formed file of the requested container that says what the task asked for — its
 * width, height, frame rate and duration — so that players and probes (ffprobe) read it as the
 * video the task describes:
 * - MP4: `ftyp`, then `moov` with one H.264 video track whose sample description carries a real
 *   sequence and picture parameter set for the size, and an empty sample table (no frames);
 * - WebM: the EBML header, then a Segment with `Info` (duration) and `Tracks` (one VP8 track of
 *   the size), and one empty Cluster.
 * INF: Indream's outputs are real renders; a frameless file of the right shape is what lets a
 * client's download-and-inspect step run against the emulator.
 */

export interface RenderedVideo {
  readonly format: "mp4" | "webm"
  readonly width: number
  readonly height: number
  readonly fps: number
  readonly durationSeconds: number
}

export const contentType = (format: RenderedVideo["format"]) => (format === "mp4" ? "video/mp4" : "video/webm")

// ---------------------------------------------------------------------------------------------
// MP4 (ISO/IEC 14496-12 boxes, 14496-15 avcC)
// ---------------------------------------------------------------------------------------------

const u8 = (value: number) => Uint8Array.of(value & 0xff)
const u16 = (value: number) => Uint8Array.of((value >>> 8) & 0xff, value & 0xff)
const u32 = (value: number) => Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff)
const text = (value: string) => new TextEncoder().encode(value)
const zeros = (length: number) => new Uint8Array(length)

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const box = (type: string, ...content: ReadonlyArray<Uint8Array>) => {
  const body = concat(content)
  return concat([u32(8 + body.length), text(type), body])
}

/** A "full box": version and flags before the content. */
const fullBox = (type: string, version: number, flags: number, ...content: ReadonlyArray<Uint8Array>) =>
  box(type, u8(version), u8(flags >>> 16), u16(flags & 0xffff), ...content)

/** The identity transformation matrix of `mvhd` and `tkhd`. */
const matrix = concat([u32(0x00010000), u32(0), u32(0), u32(0), u32(0x00010000), u32(0), u32(0), u32(0), u32(0x40000000)])

/** Writes Exp-Golomb coded fields, as H.264 parameter sets are written. */
class BitWriter {
  private readonly bits: Array<number> = []
  bit(value: number) {
    this.bits.push(value & 1)
  }
  fixed(value: number, count: number) {
    for (let index = count - 1; index >= 0; index--) this.bit((value >>> index) & 1)
  }
  unsigned(value: number) {
    const coded = value + 1
    const length = Math.floor(Math.log2(coded))
    this.fixed(0, length)
    this.fixed(coded, length + 1)
  }
  /** The RBSP trailing bits, then the bytes (with emulation prevention: no 00 00 0x with x ≤ 3). */
  bytes(): Uint8Array {
    this.bit(1)
    while (this.bits.length % 8 !== 0) this.bit(0)
    const raw: Array<number> = []
    for (let at = 0; at < this.bits.length; at += 8) {
      let byte = 0
      for (let index = 0; index < 8; index++) byte = (byte << 1) | this.bits[at + index]!
      raw.push(byte)
    }
    const escaped: Array<number> = []
    let zerosInRow = 0
    for (const byte of raw) {
      if (zerosInRow >= 2 && byte <= 3) {
        escaped.push(3)
        zerosInRow = 0
      }
      escaped.push(byte)
      zerosInRow = byte === 0 ? zerosInRow + 1 : 0
    }
    return Uint8Array.from(escaped)
  }
}

/** Constrained Baseline, level 4.0: enough for 1920×1920. */
const profile = 66
const level = 40

/** An H.264 sequence parameter set for a `width`×`height` picture (cropped from whole macroblocks). */
const sequenceParameterSet = (width: number, height: number) => {
  const writer = new BitWriter()
  writer.fixed(0x67, 8) // NAL header: nal_ref_idc 3, type 7 (SPS)
  writer.fixed(profile, 8)
  writer.fixed(0b11000000, 8) // constraint_set0 and 1: Constrained Baseline
  writer.fixed(level, 8)
  writer.unsigned(0) // seq_parameter_set_id
  writer.unsigned(0) // log2_max_frame_num_minus4
  writer.unsigned(2) // pic_order_cnt_type
  writer.unsigned(1) // max_num_ref_frames
  writer.bit(0) // gaps_in_frame_num_value_allowed_flag
  const widthInMacroblocks = Math.ceil(width / 16)
  const heightInMacroblocks = Math.ceil(height / 16)
  writer.unsigned(widthInMacroblocks - 1)
  writer.unsigned(heightInMacroblocks - 1)
  writer.bit(1) // frame_mbs_only_flag
  writer.bit(1) // direct_8x8_inference_flag
  const cropRight = widthInMacroblocks * 16 - width
  const cropBottom = heightInMacroblocks * 16 - height
  // 4:2:0 crops in units of two pixels, so an odd size is rounded up to the next even one.
  if (cropRight >= 2 || cropBottom >= 2) {
    writer.bit(1)
    writer.unsigned(0)
    writer.unsigned(Math.floor(cropRight / 2))
    writer.unsigned(0)
    writer.unsigned(Math.floor(cropBottom / 2))
  } else {
    writer.bit(0)
  }
  writer.bit(0) // vui_parameters_present_flag
  return writer.bytes()
}

const pictureParameterSet = () => {
  const writer = new BitWriter()
  writer.fixed(0x68, 8) // NAL header: type 8 (PPS)
  writer.unsigned(0) // pic_parameter_set_id
  writer.unsigned(0) // seq_parameter_set_id
  writer.bit(0) // entropy_coding_mode_flag (CAVLC)
  writer.bit(0) // bottom_field_pic_order_in_frame_present_flag
  writer.unsigned(0) // num_slice_groups_minus1
  writer.unsigned(0) // num_ref_idx_l0_default_active_minus1
  writer.unsigned(0) // num_ref_idx_l1_default_active_minus1
  writer.bit(0) // weighted_pred_flag
  writer.fixed(0, 2) // weighted_bipred_idc
  writer.unsigned(0) // pic_init_qp_minus26 (se(v) 0 is ue(v) 0)
  writer.unsigned(0) // pic_init_qs_minus26
  writer.unsigned(0) // chroma_qp_index_offset
  writer.bit(1) // deblocking_filter_control_present_flag
  writer.bit(0) // constrained_intra_pred_flag
  writer.bit(0) // redundant_pic_cnt_present_flag
  return writer.bytes()
}

const avcConfiguration = (width: number, height: number) => {
  const sps = sequenceParameterSet(width, height)
  const pps = pictureParameterSet()
  return box(
    "avcC",
    u8(1),
    u8(profile),
    u8(0b11000000),
    u8(level),
    u8(0xff), // 4-byte NAL lengths
    u8(0xe1), // one SPS
    u16(sps.length),
    sps,
    u8(1), // one PPS
    u16(pps.length),
    pps
  )
}

/** Media time units per second: a multiple of both frame rates. */
const timescale = 600

const mp4 = (video: RenderedVideo): Uint8Array => {
  const width = Math.max(2, Math.round(video.width))
  const height = Math.max(2, Math.round(video.height))
  const duration = Math.max(1, Math.round(video.durationSeconds * timescale))
  const sampleEntry = box(
    "avc1",
    zeros(6),
    u16(1), // data_reference_index
    zeros(16),
    u16(width),
    u16(height),
    u32(0x00480000), // 72 dpi
    u32(0x00480000),
    u32(0),
    u16(1), // frames per sample
    zeros(32), // compressor name
    u16(0x0018), // depth
    u16(0xffff), // pre_defined = -1
    avcConfiguration(width, height)
  )
  const sampleTable = box(
    "stbl",
    fullBox("stsd", 0, 0, u32(1), sampleEntry),
    fullBox("stts", 0, 0, u32(0)),
    fullBox("stsc", 0, 0, u32(0)),
    fullBox("stsz", 0, 0, u32(0), u32(0)),
    fullBox("stco", 0, 0, u32(0))
  )
  const media = box(
    "mdia",
    fullBox("mdhd", 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4), u16(0)), // language "und"
    fullBox("hdlr", 0, 0, u32(0), text("vide"), zeros(12), text("VideoHandler"), u8(0)),
    box(
      "minf",
      fullBox("vmhd", 0, 1, zeros(8)),
      box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))),
      sampleTable
    )
  )
  const track = box(
    "trak",
    fullBox("tkhd", 0, 3, u32(0), u32(0), u32(1), u32(0), u32(duration), zeros(8), u16(0), u16(0), u16(0), u16(0), matrix, u32(width << 16), u32(height << 16)),
    media
  )
  const movieHeader = fullBox(
    "mvhd",
    0,
    0,
    u32(0),
    u32(0),
    u32(timescale),
    u32(duration),
    u32(0x00010000), // rate 1.0
    u16(0x0100), // volume 1.0
    zeros(10),
    matrix,
    zeros(24),
    u32(2) // next track id
  )
  return concat([
    box("ftyp", text("isom"), u32(0x200), text("isom"), text("iso2"), text("avc1"), text("mp41")),
    box("moov", movieHeader, track)
  ])
}

// ---------------------------------------------------------------------------------------------
// WebM (Matroska EBML)
// ---------------------------------------------------------------------------------------------

/** An EBML element size, in the shortest of the 8 variable-length forms. */
const ebmlSize = (size: number): Uint8Array => {
  for (let length = 1; length <= 8; length++) {
    if (size < 2 ** (7 * length) - 1) {
      const out = new Uint8Array(length)
      let rest = size
      for (let index = length - 1; index >= 0; index--) {
        out[index] = rest % 256
        rest = Math.floor(rest / 256)
      }
      out[0]! |= 1 << (8 - length)
      return out
    }
  }
  throw new RangeError(`an EBML element of ${size} bytes`)
}

const element = (id: number, ...content: ReadonlyArray<Uint8Array>) => {
  const idBytes: Array<number> = []
  for (let rest = id; rest > 0; rest = Math.floor(rest / 256)) idBytes.unshift(rest % 256)
  const body = concat(content)
  return concat([Uint8Array.from(idBytes), ebmlSize(body.length), body])
}

const unsignedElement = (id: number, value: number) => {
  const bytes: Array<number> = []
  for (let rest = value; rest > 0 || bytes.length === 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return element(id, Uint8Array.from(bytes))
}

const floatElement = (id: number, value: number) => {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setFloat64(0, value)
  return element(id, bytes)
}

const stringElement = (id: number, value: string) => element(id, text(value))

const webm = (video: RenderedVideo): Uint8Array => {
  const header = element(
    0x1a45dfa3,
    unsignedElement(0x4286, 1), // EBMLVersion
    unsignedElement(0x42f7, 1), // EBMLReadVersion
    unsignedElement(0x42f2, 4), // EBMLMaxIDLength
    unsignedElement(0x42f3, 8), // EBMLMaxSizeLength
    stringElement(0x4282, "webm"), // DocType
    unsignedElement(0x4287, 4), // DocTypeVersion
    unsignedElement(0x4285, 2) // DocTypeReadVersion
  )
  // Durations count TimecodeScale units: one millisecond.
  const info = element(
    0x1549a966,
    unsignedElement(0x2ad7b1, 1_000_000), // TimecodeScale
    floatElement(0x4489, Math.max(1, video.durationSeconds * 1000)), // Duration
    stringElement(0x4d80, "projectkit"), // MuxingApp
    stringElement(0x5741, "projectkit") // WritingApp
  )
  const tracks = element(
    0x1654ae6b,
    element(
      0xae, // TrackEntry
      unsignedElement(0xd7, 1), // TrackNumber
      unsignedElement(0x73c5, 1), // TrackUID
      unsignedElement(0x83, 1), // TrackType: video
      stringElement(0x86, "V_VP8"), // CodecID
      unsignedElement(0x23e383, Math.round(1_000_000_000 / video.fps)), // DefaultDuration (ns per frame)
      element(
        0xe0, // Video
        unsignedElement(0xb0, Math.max(1, Math.round(video.width))), // PixelWidth
        unsignedElement(0xba, Math.max(1, Math.round(video.height))) // PixelHeight
      )
    )
  )
  // The demuxer reads headers until the first Cluster: one with only its timecode, no blocks.
  const cluster = element(0x1f43b675, unsignedElement(0xe7, 0))
  return concat([header, element(0x18538067, info, tracks, cluster)])
}

/** The bytes of the file `video` describes. */
export const render = (video: RenderedVideo): Uint8Array => (video.format === "mp4" ? mp4(video) : webm(video))
