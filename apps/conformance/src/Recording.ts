/**
 * Recorded traffic, read from the two formats it exists in: HAR 1.2 (any browser, and
 * `projectkit-server --record`) and go-vcr v2 YAML cassettes (how Go clients, Terraform providers
 * among them, record their providers). Both become one list of exchanges, in the order recorded,
 * for `Replay.ts`. Bad input is refused with one sentence naming the file and what is wrong.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Yaml from "yaml"

/** One recorded request and the answer the recorded server gave it. */
export interface RecordedExchange {
  /** Its place in the recording, from 1, as the report names it. */
  readonly index: number
  readonly method: string
  /** The URL as recorded (its host is rewritten when replayed). */
  readonly url: string
  /** The request's headers as recorded (credentials, often masked, are replaced when replayed). */
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body?: string | undefined
  /** The dialect the recording says the exchange was for (projectkit's HAR `_dialect`), when it says. */
  readonly dialect?: string | undefined
  readonly response: {
    readonly status: number
    readonly headers: ReadonlyArray<readonly [string, string]>
    readonly body: string
  }
}

export class RecordingInvalid extends Schema.TaggedError<RecordingInvalid>()("RecordingInvalid", {
  message: Schema.String
}) {}

const NameValue = Schema.Struct({ name: Schema.String, value: Schema.String })

/** The part of HAR 1.2 a replay reads (the rest — timings, cookies, cache — is ignored). */
const Har = Schema.Struct({
  log: Schema.Struct({
    version: Schema.String,
    entries: Schema.Array(Schema.Struct({
      request: Schema.Struct({
        method: Schema.String,
        url: Schema.String,
        headers: Schema.Array(NameValue),
        postData: Schema.optional(Schema.Struct({ text: Schema.optional(Schema.String) }))
      }),
      response: Schema.Struct({
        status: Schema.Number,
        headers: Schema.Array(NameValue),
        content: Schema.Struct({ text: Schema.optional(Schema.String), encoding: Schema.optional(Schema.String) })
      }),
      _dialect: Schema.optional(Schema.NullOr(Schema.String))
    }))
  })
})

/** go-vcr's headers: each name with its list of values (`http.Header`). */
const VcrHeaders = Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }), {
  default: () => ({})
})

/** A go-vcr v2 cassette (`version: 2`, `interactions`), as `recorder` writes it. */
const Cassette = Schema.Struct({
  version: Schema.Number,
  interactions: Schema.Array(Schema.Struct({
    request: Schema.Struct({
      method: Schema.String,
      url: Schema.String,
      headers: VcrHeaders,
      body: Schema.optionalWith(Schema.String, { default: () => "" })
    }),
    response: Schema.Struct({
      // v2 writes `code`; v1 only `status: "201 Created"`.
      code: Schema.optional(Schema.Number),
      status: Schema.optional(Schema.String),
      headers: VcrHeaders,
      body: Schema.optionalWith(Schema.String, { default: () => "" })
    })
  }))
})

const problem = (file: string, error: unknown) =>
  new RecordingInvalid({
    message: `${file}: ${error instanceof Error ? error.message.split("\n").slice(0, 6).join("\n") : String(error)}`
  })

const fromHar = (document: unknown): ReadonlyArray<RecordedExchange> => {
  const har = Schema.decodeUnknownSync(Har)(document)
  if (har.log.version !== "1.2") throw new Error(`HAR version ${har.log.version}; only 1.2 is read`)
  return har.log.entries.map((entry, i) => {
    const content = entry.response.content
    const text = content.text ?? ""
    return {
      index: i + 1,
      method: entry.request.method.toUpperCase(),
      url: entry.request.url,
      headers: entry.request.headers.map(({ name, value }) => [name, value] as const),
      body: entry.request.postData?.text,
      ...(entry._dialect ? { dialect: entry._dialect } : {}),
      response: {
        status: entry.response.status,
        headers: entry.response.headers.map(({ name, value }) => [name, value] as const),
        body: content.encoding === "base64" ? Buffer.from(text, "base64").toString("utf8") : text
      }
    }
  })
}

const flatten = (headers: Readonly<Record<string, ReadonlyArray<string>>>) =>
  Object.entries(headers).flatMap(([name, values]) => values.map((value) => [name, value] as const))

const fromCassette = (document: unknown): ReadonlyArray<RecordedExchange> => {
  const cassette = Schema.decodeUnknownSync(Cassette)(document)
  if (cassette.version !== 1 && cassette.version !== 2) throw new Error(`cassette version ${cassette.version}; 1 and 2 are read`)
  return cassette.interactions.map((interaction, i) => {
    const status = interaction.response.code ?? Number.parseInt(interaction.response.status ?? "", 10)
    if (!Number.isInteger(status)) throw new Error(`interaction ${i + 1} has no response code`)
    return {
      index: i + 1,
      method: interaction.request.method.toUpperCase(),
      url: interaction.request.url,
      headers: flatten(interaction.request.headers),
      body: interaction.request.body === "" ? undefined : interaction.request.body,
      response: { status, headers: flatten(interaction.response.headers), body: interaction.response.body }
    }
  })
}

const exchangesOf = (text: string): ReadonlyArray<RecordedExchange> => {
  const trimmed = text.trimStart()
  if (trimmed.startsWith("{")) {
    const document = JSON.parse(trimmed) as unknown
    if (typeof document === "object" && document !== null && "log" in document) return fromHar(document)
    throw new Error("a JSON document without `log`: not HAR")
  }
  const document = Yaml.parse(text) as unknown
  if (typeof document === "object" && document !== null && "interactions" in document) return fromCassette(document)
  throw new Error("neither HAR 1.2 (JSON with `log`) nor a go-vcr cassette (YAML with `interactions`)")
}

/**
 * The exchanges of a recording's text: JSON with a `log` is HAR, anything else is read as a YAML
 * cassette. `file` names it in errors.
 */
export const parse = (file: string, text: string): Effect.Effect<ReadonlyArray<RecordedExchange>, RecordingInvalid> =>
  Effect.try({ try: () => exchangesOf(text), catch: (error) => problem(file, error) })
