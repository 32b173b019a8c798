/**
 * Every dialect the server serves, in one place: what each mounts (`all`) and the Layer serving
 * them all (`layer`). Adding a provider is its package (contract and error table), a folder here
 * with its `<Name>Dialect.ts` (see `../Dialect.ts`), and a line in each of the two below.
 */
import * as Layer from "effect/Layer"
import type * as Dialect from "../Dialect.js"
import * as EditorDialect from "./editor/EditorDialect.js"
import * as IndreamDialect from "./indream/IndreamDialect.js"
import * as SanityDialect from "./sanity/SanityDialect.js"
import type * as SanityLifecycle from "./sanity/SanityLifecycle.js"
import type * as GenerationLifecycle from "./sync/GenerationLifecycle.js"
import * as SyncDialect from "./sync/SyncDialect.js"

export const all: ReadonlyArray<Dialect.Dialect> = [
  SyncDialect.dialect,
  EditorDialect.dialect,
  SanityDialect.dialect,
  IndreamDialect.dialect
]

/** What each dialect can be configured with (each has defaults). */
export interface DialectsConfig {
  /** How long sync.so generations stay in each state. */
  readonly generations?: GenerationLifecycle.LifecycleConfig | undefined
  /** The editor dialect: its sync rate limit, editorState size limit and export durations. */
  readonly editor?: EditorDialect.EditorConfig | undefined
  /** Indream: its limits, export durations and public URL. */
  readonly indream?: IndreamDialect.IndreamConfig | undefined
  /** How long Sanity copy jobs and embeddings indexes take. */
  readonly sanity?: SanityLifecycle.LifecycleConfig | undefined
}

/** Every dialect's handlers, authentication, storage and background work. */
export const layer = (config: DialectsConfig) =>
  Layer.mergeAll(
    SyncDialect.layer(config.generations),
    EditorDialect.layer(config.editor),
    SanityDialect.layer(config.sanity),
    IndreamDialect.layer(config.indream)
  )
