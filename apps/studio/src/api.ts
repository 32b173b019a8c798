/**
 * The control plane as the Studio calls it: the same origin, the admin token as a bearer token.
 */
export interface OrganizationSummary {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  readonly members: number
  readonly editorRuntimeAccess: boolean
}

export interface Credentials {
  readonly sync: { readonly apiKey: string }
  readonly editor: { readonly apiKey: string }
  readonly sanity: { readonly token: string }
}

export interface CreatedOrganization {
  readonly id: string
  readonly name: string
  readonly credentials: Credentials
  readonly webhookSecret: string
}

export type Value = string | number | null
export type Row = Readonly<Record<string, Value>>

export interface OrganizationData {
  readonly organization: OrganizationSummary
  readonly tables: Readonly<Record<string, ReadonlyArray<Row>>>
  /** Per editor project: how many `sync` calls its rate limit admits now, of at most `burst`. */
  readonly editorSyncBudget: Readonly<Record<string, { readonly available: number; readonly burst: number; readonly limit: number; readonly windowMs: number }>>
  /** Per Sanity copy job: its progress, 0–100. */
  readonly copyJobProgress: Readonly<Record<string, number>>
}

export interface JournalEntry {
  readonly requestId: string
  readonly time: string
  readonly dialect: string | null
  readonly organization: string | null
  readonly method: string
  readonly path: string
  readonly query: string
  readonly status: number
  readonly durationMs: number
  readonly fault: string | null
  /** Name and value as sent, credentials masked by the server when it recorded them. */
  readonly requestHeaders?: ReadonlyArray<readonly [string, string]>
  readonly responseHeaders?: ReadonlyArray<readonly [string, string]>
  readonly headersTruncated?: boolean
  readonly requestBody?: string
  readonly responseBody?: string
  readonly bodiesTruncated?: boolean
}

export interface JournalSettings {
  readonly enabled: boolean
  readonly size: number
  readonly bodyBytes: number
}

export interface FaultInput {
  readonly dialect: string
  readonly organization?: string
  readonly method?: string
  readonly path?: string
  readonly status?: number
  readonly latencyMs?: number
  readonly probability?: number
}

export interface Fault extends FaultInput {
  readonly id: string
  readonly hits: number
  readonly createdAt: string
}

export interface Health {
  readonly version: string
  readonly dialects: ReadonlyArray<string>
  readonly storage: string
}

/** A control-plane answer other than 2xx: its status and message. */
export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

export const control = (token: string) => {
  const call = async <A>(method: string, path: string, body?: unknown): Promise<A> => {
    const response = await fetch(`/__projectkit${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    const parsed: unknown = text === "" ? undefined : JSON.parse(text)
    if (!response.ok) {
      const message = typeof parsed === "object" && parsed !== null && "message" in parsed
        ? String((parsed as { message: unknown }).message)
        : `${response.status} ${response.statusText}`
      throw new ControlError(response.status, message)
    }
    return parsed as A
  }
  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, value)
    const text = search.toString()
    return text === "" ? "" : `?${text}`
  }
  return {
    health: () => call<Health>("GET", "/health"),
    organizations: () => call<{ organizations: ReadonlyArray<OrganizationSummary> }>("GET", "/orgs"),
    createOrganization: (name: string) => call<CreatedOrganization>("POST", "/orgs", { name }),
    deleteOrganization: (id: string) => call<void>("DELETE", `/orgs/${encodeURIComponent(id)}`),
    resetOrganization: (id: string) => call<void>("POST", `/orgs/${encodeURIComponent(id)}/reset`),
    data: (id: string) => call<OrganizationData>("GET", `/orgs/${encodeURIComponent(id)}/data`),
    createSyncProject: (id: string, input: { name: string; visibility: string }) =>
      call<{ id: string }>("POST", `/orgs/${encodeURIComponent(id)}/sync/projects`, input),
    renameSyncProject: (id: string, projectId: string, name: string) =>
      call<{ id: string }>("PATCH", `/orgs/${encodeURIComponent(id)}/sync/projects/${encodeURIComponent(projectId)}`, { name }),
    deleteSyncProject: (id: string, projectId: string) =>
      call<void>("DELETE", `/orgs/${encodeURIComponent(id)}/sync/projects/${encodeURIComponent(projectId)}`),
    requests: (filter: { org?: string | undefined; dialect?: string | undefined }) =>
      call<{ enabled: boolean; requests: ReadonlyArray<JournalEntry> }>("GET", `/requests${query({ ...filter, limit: "200" })}`),
    clearRequests: () => call<void>("DELETE", "/requests"),
    journal: () => call<JournalSettings>("GET", "/journal"),
    configureJournal: (settings: Partial<JournalSettings>) => call<JournalSettings>("PUT", "/journal", settings),
    faults: () => call<{ faults: ReadonlyArray<Fault> }>("GET", "/faults"),
    addFault: (input: FaultInput) => call<Fault>("POST", "/faults", input),
    deleteFault: (id: string) => call<void>("DELETE", `/faults/${encodeURIComponent(id)}`),
    clearFaults: () => call<void>("DELETE", "/faults"),
    /** A ticket for the event stream, whose URL cannot carry the token (EventSource sends no headers). */
    eventsTicket: () => call<{ ticket: string; expiresInMs: number }>("POST", "/studio/tickets")
  }
}

export type Control = ReturnType<typeof control>
