/**
 * What `GET /v1/editor/capabilities` and `GET /v1/illustrations` answer: the editor's enums and
 * presets. INF: the real lists are Indream's product data, not in the document; these are the
 * enums the v1 editor-state schema itself allows (animations, caption animations, transitions,
 * effects, filters, shapes, blur levels), with presets made one per type, so that a state built
 * from what capabilities answer is one the validator accepts.
 */
import type { IndreamApi } from "@projectkit/indream"

/** The capabilities' `version`, also the validate envelope's `meta.capabilitiesVersion`. */
export const capabilitiesVersion = "2026-04-15"

const label = (id: string) => id.split("-").map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(" ")

const animations = ["fade", "slide-up", "slide-down", "slide-left", "slide-right", "zoom-in", "zoom-out"]
const captionAnimations = [
  "converge",
  "elastic-pop",
  "typewriter",
  "lay-down",
  "center-type-out",
  "curtain-close",
  "jitter",
  "rainbow",
  "sweep-shine"
]
const transitions = ["fade", "slide", "wipe", "flip", "clock-wipe", "iris"]
const effects = ["flash-to-black", "blur", "blurred-opening", "fade-in", "fade-out"]
const filters = [
  "verdant-glow",
  "cyberpunk-neon",
  "vaporwave-blue",
  "sunset-orange",
  "lemon-cyan",
  "absolute-red",
  "sakura-pink",
  "twilight-dusk"
]
const shapes = ["rectangle", "circle", "triangle", "star"]

const captionPresets = (phase: string) =>
  captionAnimations.map((type) => ({
    id: `${phase}-${type}`,
    type,
    label: label(type),
    preview: `https://static.projectkit.invalid/indream/caption-animations/${phase}/${type}.webp`
  }))

export const capabilities: IndreamApi.EditorCapabilities = {
  version: capabilitiesVersion,
  animations,
  captionAnimations: { in: captionPresets("in"), out: captionPresets("out"), loop: captionPresets("loop") },
  transitions,
  transitionPresets: transitions.map((type) => ({ id: type, type, label: label(type) })),
  effects,
  effectPresets: effects.map((type) => ({ id: type, type, label: label(type), defaultDurationInSeconds: 1, defaultIntensity: 1 })),
  filters,
  filterPresets: filters.map((type) => ({ id: type, type, label: label(type), defaultIntensity: 1 })),
  shapes,
  backgroundPresets: {
    colors: ["#000000", "#ffffff", "#111827", "#f97316", "#2563eb"],
    gradients: ["linear-gradient(135deg, #f97316, #db2777)", "linear-gradient(135deg, #2563eb, #06b6d4)"],
    images: [],
    blurLevels: [0, 1, 2, 3, 4]
  }
}

/** INF: the built-in illustration names (the product's catalogue is not in the document). */
export const illustrations: ReadonlyArray<string> = [
  "astronaut",
  "bar-chart",
  "calendar",
  "celebration",
  "chat-bubbles",
  "cloud-upload",
  "coffee-break",
  "delivery-truck",
  "empty-inbox",
  "growth-chart",
  "handshake",
  "launch-rocket",
  "lightbulb-idea",
  "mobile-payment",
  "mountain-summit",
  "online-shopping",
  "team-meeting",
  "video-call",
  "working-from-home",
  "world-map"
]

/**
 * DOC: "an optional fuzzy keyword". INF: fuzzy = every character of the keyword appears in the
 * name in order (case and separators ignored), best (shortest) matches first.
 */
export const searchIllustrations = (keyword: string | undefined): ReadonlyArray<string> => {
  const wanted = (keyword ?? "").toLowerCase().replace(/[^a-z0-9]/g, "")
  if (wanted === "") return illustrations
  const matches = illustrations.filter((name) => {
    const letters = name.replace(/[^a-z0-9]/g, "")
    let at = 0
    for (const char of letters) if (char === wanted[at]) at++
    return at === wanted.length
  })
  return [...matches].sort((a, b) => a.length - b.length || a.localeCompare(b))
}
