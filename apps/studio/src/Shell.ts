/**
 * What the Studio's parts share: the state every view reads (who is signed in, which organization
 * is selected, which tab is open), and the shell's services a tab calls (say something, run an
 * action against the server, draw again, refresh). Each tab is a `Tab`: controls (forms,
 * filters: drawn when the tab is opened, so a poll never disturbs typing), content (drawn again
 * whenever what the server answers changes), and how it refreshes its data.
 */
import type { Organization } from "../../server/src/Organizations.js"
import type { OrganizationSummary } from "../../server/src/StudioSchemas.js"
import type { Control } from "./Control.js"
import type { Child } from "./dom.js"

export interface State {
  api: Control | undefined
  tab: string
  organizations: ReadonlyArray<OrganizationSummary>
  organizationId: string | undefined
  /** The dialects the server serves, for the filters that name one. */
  dialects: ReadonlyArray<string>
  /** Each dialect's tab title, by dialect name. */
  dialectTitles: ReadonlyMap<string, string>
  notice: { readonly text: string; readonly error: boolean } | undefined
  /** Whether the server's event stream is connected. */
  live: boolean
}

export type Credentials = (Organization)["credentials"]

export interface Shell {
  readonly state: State
  /** This browser tab's session: what survives a reload. */
  readonly storage: Storage
  readonly notify: (text: string, error?: boolean) => void
  /** Runs `action` against the server, says what failed (or `done`), and refreshes what is shown. */
  readonly act: (action: (api: Control) => Promise<unknown>, done?: string) => Promise<void>
  readonly drawContent: () => void
  readonly poll: () => Promise<void>
  readonly selectOrganization: (id: string | undefined) => void
}

export interface Tab {
  readonly id: string
  readonly label: string
  readonly controls: () => Child
  readonly content: () => Child
  /** Reads what the tab shows from the server; answers it as a value compared to the last one seen. */
  readonly refresh: (api: Control) => Promise<unknown>
  /** Whether it shows work the server advances on its clock: no event tells of each step. */
  readonly inFlight: () => boolean
  /** Whether the journal's changes concern it (the event stream's journal counter). */
  readonly followsJournal?: boolean
}

