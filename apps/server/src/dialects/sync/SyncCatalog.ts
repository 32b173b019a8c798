/**
 * What sync.so sells: its models and what a generation costs. The model ids are the SDK's `Model`
 * values; names, versions, descriptions and prices are INF (none of our sources lists them).
 */
import type { SyncApi } from "@projectkit/sync"

interface CatalogEntry {
  readonly info: SyncApi.ModelInfo
  /** INF: price in US dollars per second of output video. */
  readonly pricePerSecond: number
}

const catalog: Record<SyncApi.Model, CatalogEntry> = {
  "lipsync-2": {
    info: { id: "lipsync-2", name: "lipsync-2", type: "lipsync", version: "2.0.0", description: "Zero-shot lipsync that keeps the speaker's style" },
    pricePerSecond: 0.05
  },
  "lipsync-2-pro": {
    info: { id: "lipsync-2-pro", name: "lipsync-2-pro", type: "lipsync", version: "2.0.0", description: "lipsync-2 with higher fidelity for close-ups" },
    pricePerSecond: 0.083
  },
  "lipsync-1.9.0-beta": {
    info: { id: "lipsync-1.9.0-beta", name: "lipsync-1.9.0-beta", type: "lipsync", version: "1.9.0-beta", description: "The previous generation of lipsync" },
    pricePerSecond: 0.04
  },
  "react-1": {
    info: { id: "react-1", name: "react-1", type: "react", version: "1.0.0", description: "Re-animates facial expressions and head motion to the audio" },
    pricePerSecond: 0.1
  },
  "sync-3": {
    info: { id: "sync-3", name: "sync-3", type: "lipsync", version: "3.0.0", description: "The newest lipsync model" },
    pricePerSecond: 0.133
  }
}

export const models: ReadonlyArray<SyncApi.ModelInfo> = Object.values(catalog).map((entry) => entry.info)

/** The video a request lipsyncs, if any. */
export const videoInput = (request: SyncApi.CreateGenerationRequest) =>
  request.input.find((input): input is Extract<SyncApi.Input, { type: "video" }> => input.type === "video")

/** INF: the frame rate estimates assume. */
const framesPerSecond = 25

/**
 * INF: the emulator never downloads media, so an estimate takes the video's length from its
 * `segments_secs` when given, else from the registered asset's `durationSeconds`, else assumes
 * ten seconds; the estimate is that length at 25 fps times the model's price per second.
 */
export const estimate = (request: SyncApi.CreateGenerationRequest, videoAssetSeconds: number | undefined) => {
  const video = videoInput(request)
  const fromSegments = video?.segments_secs?.reduce((sum, [start = 0, end = start]) => sum + Math.max(0, end - start), 0)
  const seconds = fromSegments !== undefined && fromSegments > 0
    ? fromSegments
    : videoAssetSeconds ?? 10
  const frames = Math.round(seconds * framesPerSecond)
  return {
    estimatedFrameCount: frames,
    estimatedGenerationCost: Math.round((frames / framesPerSecond) * catalog[request.model].pricePerSecond * 1e4) / 1e4
  }
}
