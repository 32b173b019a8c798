/**
 * The control plane as the Studio calls it: the same origin, the admin token as a bearer token.
 *
 * Typed from the server's contracts, never mirrored by hand: the Studio's own routes
 * (`StudioApi`) are decoded with the contract's schemas (`StudioSchemas`, which imports nothing but
 * `effect/Schema`, so it is bundled); the other control routes are typed by the schemas
 * `ControlApi` uses, through type-only imports (erased from the bundle: their modules hold server
 * code). `ControlApi` itself is not imported: its imports reach every dialect (through
 * `Snapshots`), which would make the Studio's type check read the whole server.
 */
import * as Schema from "effect/Schema"
import type { Fault, FaultInput } from "../../server/src/Faults.js"
import type { JournalEntry, JournalSettings } from "../../server/src/Journal.js"
import type { Organization } from "../../server/src/Organizations.js"
import {
  DialectData,
  EventsTicket,
  OrganizationList,
  type RecordInput,
  StudioRecord,
  StudioViews
} from "../../server/src/StudioSchemas.js"

/** A control-plane answer other than 2xx, or one that does not decode: its status and message. */
export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** How a decoded answer is checked: with the contract's schema, or (for the other control routes) trusted as typed. */
type Decode<A> = (body: unknown) => A

const decodeWith = <A, I>(schema: Schema.Schema<A, I>): Decode<A> => {
  const decode = Schema.decodeUnknownEither(schema)
  return (body) => {
    const decoded = decode(body)
    if (decoded._tag === "Left") throw new ControlError(0, `The server's answer does not follow its contract: ${decoded.left.message}`)
    return decoded.right
  }
}

/** `ControlApi`'s `RequestList` and `FaultList`: a list, and whether the journal records. */
interface RequestList {
  readonly enabled: boolean
  readonly requests: ReadonlyArray<typeof JournalEntry.Type>
}
interface FaultList {
  readonly faults: ReadonlyArray<typeof Fault.Type>
}

/** An answer of a control route this bundle cannot decode (its schemas live with server code). */
const typed = <A>(): Decode<A> => (body) => body as A

const none: Decode<void> = () => undefined

const segment = encodeURIComponent

export const control = (token: string) => {
  const call = async <A>(decode: Decode<A>, method: string, path: string, body?: unknown): Promise<A> => {
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
        ? String(parsed.message)
        : `${response.status} ${response.statusText}`
      throw new ControlError(response.status, message)
    }
    return decode(parsed)
  }
  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, value)
    const text = search.toString()
    return text === "" ? "" : `?${text}`
  }
  const organizationsDecode = decodeWith(OrganizationList)
  const viewsDecode = decodeWith(StudioViews)
  const dataDecode = decodeWith(DialectData)
  const recordDecode = decodeWith(StudioRecord)
  const ticketDecode = decodeWith(EventsTicket)
  const records = (organization: string, dialect: string, view: string) =>
    `/orgs/${segment(organization)}/views/${segment(dialect)}/${segment(view)}`
  return {
    organizations: () => call(organizationsDecode, "GET", "/orgs"),
    createOrganization: (name: string) => call(typed<Organization>(), "POST", "/orgs", { name }),
    deleteOrganization: (id: string) => call(none, "DELETE", `/orgs/${segment(id)}`),
    resetOrganization: (id: string) => call(none, "POST", `/orgs/${segment(id)}/reset`),
    /** Every dialect's views, as each describes them. */
    views: () => call(viewsDecode, "GET", "/studio/views"),
    /** One organization's records in one dialect's views. */
    data: (organization: string, dialect: string) =>
      call(dataDecode, "GET", `/orgs/${segment(organization)}/views/${segment(dialect)}`),
    createRecord: (organization: string, dialect: string, view: string, input: RecordInput) =>
      call(recordDecode, "POST", records(organization, dialect, view), input),
    renameRecord: (organization: string, dialect: string, view: string, record: string, name: string) =>
      call(recordDecode, "PATCH", `${records(organization, dialect, view)}/${segment(record)}`, { name }),
    deleteRecord: (organization: string, dialect: string, view: string, record: string) =>
      call(none, "DELETE", `${records(organization, dialect, view)}/${segment(record)}`),
    requests: (filter: { org?: string | undefined; dialect?: string | undefined }) =>
      call(typed<RequestList>(), "GET", `/requests${query({ ...filter, limit: "200" })}`),
    clearRequests: () => call(none, "DELETE", "/requests"),
    journal: () => call(typed<typeof JournalSettings.Type>(), "GET", "/journal"),
    configureJournal: (settings: Partial<typeof JournalSettings.Type>) =>
      call(typed<typeof JournalSettings.Type>(), "PUT", "/journal", settings),
    faults: () => call(typed<FaultList>(), "GET", "/faults"),
    addFault: (input: typeof FaultInput.Type) => call(typed<typeof Fault.Type>(), "POST", "/faults", input),
    deleteFault: (id: string) => call(none, "DELETE", `/faults/${segment(id)}`),
    clearFaults: () => call(none, "DELETE", "/faults"),
    /** A ticket for the event stream, whose URL cannot carry the token (EventSource sends no headers). */
    eventsTicket: () => call(ticketDecode, "POST", "/studio/tickets")
  }
}

export type Control = ReturnType<typeof control>
