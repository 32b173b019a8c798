/**
 * The schema-driven fuzz test (issue 14): requests for every endpoint of every dialect, generated
 * from the endpoints' own schemas, valid and deliberately broken (wrong types, missing and extra
 * fields, U+0000, lone surrogates, deep nesting, huge strings and bodies, bad JSON, bad query
 * values, long and empty path parameters, bad percent-encoding, missing, unknown and doubled
 * credentials), sent over real HTTP to a server on either backend. Whatever the request:
 * - never a 5xx;
 * - the status is one the endpoint declares (or a refusal every endpoint may answer: 400, 413), and
 *   the body decodes with that status's schema, in the dialect's own error format;
 * - a refused request (4xx) changes nothing stored (every row of every table, before and after);
 * - a request invalid by the documents (the contract's schemas and the server-wide rules the
 *   documents state) is refused, and one valid by them is not refused as malformed (400), but for
 *   the refusals the documents describe as depending on what is stored (`stateful` below).
 *
 * Seeded and bounded: PROJECTKIT_FUZZ_RUNS requests in all (300 by default, split between the
 * dialects), from seed PROJECTKIT_FUZZ_SEED. A failure prints the seed and the request.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import { ContractDocument } from "@projectkit/http"
import { IndreamApi } from "@projectkit/indream"
import { SanityApi } from "@projectkit/sanity"
import { SyncApi } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Runtime from "effect/Runtime"
import type * as Dialect from "../src/Dialect.js"
import * as Dialects from "../src/dialects/index.js"
import * as Fallback from "../src/Fallback.js"
import * as Untrusted from "../src/internal/untrusted.js"
import { examples } from "./support/IndreamDocuments.js"
import * as Fuzz from "./support/Fuzz.js"
import * as FuzzServer from "./support/FuzzServer.js"
import { backend } from "./support/TestDatabase.js"
import { type CreatedOrganization, createOrganization, request, TestServer } from "./support/TestServer.js"

const runs = Math.max(Dialects.all.length, Number(process.env.PROJECTKIT_FUZZ_RUNS ?? 300))
const seed = Number(process.env.PROJECTKIT_FUZZ_SEED ?? 1414)
const runsPerDialect = Math.ceil(runs / Dialects.all.length)
// About 100 requests a second on a loaded machine; generous, so a slow CI runner is not a failure.
const timeout = 60_000 + runsPerDialect * 500

/**
 * The longest error body a refusal may have: ten issues (the most a 400 names), each with its path
 * and its value cut to `serverRules.maxEchoedCharacters`.
 */
const maxErrorBody = 4_096

/** Each dialect's refusals (its 400 and 413 bodies), as its contract declares them. */
const refusals: Readonly<Record<string, ContractDocument.Refusals>> = {
  sync: SyncApi.refusals,
  sanity: SanityApi.refusals,
  indream: IndreamApi.refusals
}

/** A dialect's credential in an organization the control plane created. */
const credentialOf = (dialect: string, org: CreatedOrganization): string => {
  switch (dialect) {
    case "sync":
      return org.credentials.sync.apiKey
    case "indream":
      return org.credentials.indream.apiKey
    default:
      return org.credentials.sanity.token
  }
}

/**
 * The 400s a request valid by the documents may still get, because they depend on what is stored
 * (each is stated in the document: the endpoint's description or the field's).
 */
const stateful: ReadonlyArray<{ readonly operation: string; readonly message: RegExp }> = [
  // studioHost: "set once: changing a project's studio host is refused with 400".
  { operation: "sanityProjects.update", message: /studio host of a project cannot be changed/ },
  // memberships: "one membership, of the project in the path, with one role a robot may have"; label, expiresAt: checked.
  {
    operation: "sanityAccessApi.createRobot",
    message: /membership of that project|exactly one (membership|role)|Invalid role|expiresAt|label must not be blank/
  },
  // nextCursor: "the nextCursor of the previous page"; after, before: "a date or time".
  ...["sanityAccessApi.robots", "sanityAccessApi.roles", "sanityDatasetSettings.backup"].map((operation) => ({
    operation,
    message: /Invalid cursor/
  })),
  { operation: "sanityDatasetSettings.backups", message: /Invalid (after|before) date/ }
]

const messageOf = (body: unknown): string =>
  typeof body === "object" && body !== null && "message" in body ? String(body.message) : JSON.stringify(body)

/** A few resources per dialect, so that generated requests can aim at ids that exist. */
const seedResources = (dialect: Dialect.Dialect, secret: string) =>
  Effect.gen(function*() {
    const json = (method: string, path: string, body: unknown, auth: Record<string, string>) =>
      request(`${dialect.prefix}${path}`, {
        method,
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body)
      })
    const answers: Array<unknown> = []
    switch (dialect.name) {
      case "sync": {
        const auth = { "x-api-key": secret }
        const project = yield* json("POST", "/v2/projects", { name: "seed" }, auth)
        answers.push(project.body)
        const id = (project.body as { id: string }).id
        answers.push((yield* json("POST", "/v2/assets", { url: "https://example.com/a.mp4", type: "VIDEO", projectId: id }, auth)).body)
        break
      }
      case "indream": {
        const auth = { "x-api-key": secret }
        const state = examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
        const project = yield* json("POST", "/v1/projects", { title: "seed", editorState: state }, auth)
        answers.push(project.body)
        const uploaded = yield* request(`${dialect.prefix}/v1/uploads`, {
          method: "POST",
          headers: { ...auth, "content-type": "image/png", "x-file-name": "seed.png" },
          body: new Uint8Array([137, 80, 78, 71])
        })
        answers.push(uploaded.body)
        break
      }
      case "sanity": {
        const auth = { authorization: `Bearer ${secret}` }
        const project = yield* json("POST", "/v2021-06-07/projects", { displayName: "seed" }, auth)
        answers.push(project.body)
        const id = (project.body as { id: string }).id
        answers.push((yield* json("PUT", `/v2021-06-07/projects/${id}/datasets/production`, {}, auth)).body)
        answers.push((yield* json("POST", `/v2021-06-07/projects/${id}/tags`, { name: "seed", title: "Seed" }, auth)).body)
        answers.push((yield* json("POST", `/v2021-06-07/projects/${id}/cors`, { origin: "http://localhost:3333" }, auth)).body)
        break
      }
    }
    return answers
  })

describe(`Fuzz (${backend})`, () => {
  layer(FuzzServer.layer, { timeout: 60_000 })((it) => {
    it.effect("the documents state the server's own rules, and the server serves them", () =>
      Effect.gen(function*() {
        expect(ContractDocument.serverRules.maxJsonDepth).toBe(Untrusted.maxJsonDepth)
        expect(ContractDocument.serverRules.maxEchoedCharacters).toBe(Fallback.maxEchoedCharacters)
        for (const dialect of Dialects.all) {
          const served = yield* request(`${dialect.prefix}/openapi.json`)
          expect(served.status).toBe(200)
          const text = JSON.stringify(served.body)
          expect(text).not.toContain("HttpApiDecodeError")
          expect(text).toContain(JSON.stringify(ContractDocument.rulesDescription).slice(1, -1))
        }
        // A path parameter of 100 characters reaches its handler (a 404 naming the project); of 101, no route.
        const org = yield* createOrganization("fuzz-rules")
        const get = (id: string) => request(`/sync/v2/projects/${id}`, { headers: { "x-api-key": org.credentials.sync.apiKey } })
        const limit = ContractDocument.serverRules.maxPathParameterLength
        const atLimit = yield* get("p".repeat(limit))
        expect(atLimit.status).toBe(404)
        expect(messageOf(atLimit.body)).toContain("p".repeat(limit))
        const overLimit = yield* get("p".repeat(limit + 1))
        expect(overLimit).toMatchObject({ status: 404, body: { statusCode: 404, message: "No such route" } })
      }))

    for (const dialect of Dialects.all) {
      it.effect(`${dialect.name}: every body route refuses an undeclared media type, every form route every broken form, with a 4xx in its format`, () =>
        Effect.gen(function*() {
          const { baseUrl } = yield* TestServer
          const own = yield* createOrganization(`fuzz-${dialect.name}-media`)
          const other = yield* createOrganization(`fuzz-${dialect.name}-media-other`)
          const credentials = { own: credentialOf(dialect.name, own), other: credentialOf(dialect.name, other) }
          const ops = Fuzz.operations(dialect)
          const known = new Fuzz.Known()
          let sent = 0
          for (const [index, op] of ops.entries()) {
            // (A raw upload takes its bytes in any media type: it records the type sent.)
            if (op.payload === undefined || (op.payload.raw && op.payload.multipart !== true)) continue
            const [plan] = fc.sample(Fuzz.plansOf(ops, index), { seed, numRuns: 1 })
            const mutations: ReadonlyArray<Fuzz.Mutation> = [
              ...Fuzz.undeclaredMediaTypes.map((value) => ({ _tag: "ContentType" as const, value })),
              ...(op.payload.multipart === true ? Fuzz.brokenForms.map((kind) => ({ _tag: "BrokenForm" as const, kind })) : [])
            ]
            for (const mutation of mutations) {
              const wire = Fuzz.toWire(op, { ...plan!, credential: "own", mutation }, {
                prefix: dialect.prefix,
                known,
                credentials,
                maxBodyBytes: FuzzServer.maxBodyBytes,
                  largerBodies: dialect.largerBodies
              })
              // A plan with an empty path parameter leaves the operation's route: its media type is
              // not what is answered then (the generated-requests test below covers such paths).
              if (!wire.sameRoute) continue
              const answer = yield* Effect.promise(() => Fuzz.send(baseUrl, wire))
              const seen = `${op.id}: ${wire.method} ${wire.url.slice(0, 200)} [${wire.because}] → ${answer.status} ${answer.text.slice(0, 300)}`
              expect(wire.verdict, seen).toBe("invalid")
              expect(answer.status, seen).toBeGreaterThanOrEqual(400)
              expect(answer.status, seen).toBeLessThan(500)
              const off = Fuzz.undeclared(op, refusals[dialect.name]!, answer)
              if (off !== undefined) expect.fail(`${off}: ${seen}`)
              sent++
            }
          }
          expect(sent).toBeGreaterThan(0)
        }))

      it.effect(`${dialect.name}: ${runsPerDialect} generated requests, none answered 5xx or off the document, none refused yet stored`, () =>
        Effect.gen(function*() {
          const { baseUrl } = yield* TestServer
          const runtime = yield* Effect.runtime<SqlClient.SqlClient | TestServer>()
          const fingerprint = () => Runtime.runPromise(runtime)(FuzzServer.fingerprint)
          const own = yield* createOrganization(`fuzz-${dialect.name}-own`)
          const other = yield* createOrganization(`fuzz-${dialect.name}-other`)
          const credentials = { own: credentialOf(dialect.name, own), other: credentialOf(dialect.name, other) }
          const ops = Fuzz.operations(dialect)
          const known = new Fuzz.Known()
          // Resources to aim at, made again whenever a delete succeeds (a deleted project would leave
          // most later requests nothing to find).
          const reseed = () =>
            Runtime.runPromise(runtime)(seedResources(dialect, credentials.own)).then((answers) => answers.forEach((answer) => known.learn(answer)))
          yield* Effect.promise(reseed)
          const tally = { valid: 0, invalid: 0, unspecified: 0, byStatus: new Map<number, number>() }
          let stored = yield* Effect.promise(fingerprint)

          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(Fuzz.plans(ops), async (plan) => {
                const op = ops[plan.operation]!
                const wire = Fuzz.toWire(op, plan, {
                  prefix: dialect.prefix,
                  known,
                  credentials,
                  maxBodyBytes: FuzzServer.maxBodyBytes,
                  largerBodies: dialect.largerBodies
                })
                const answer = await Fuzz.send(baseUrl, wire)
                const seen = `${op.id}: ${wire.method} ${wire.url.slice(0, 300)} [${wire.verdict}${wire.because === undefined ? "" : `: ${wire.because}`}] ` +
                  `→ ${answer.status} ${answer.text.slice(0, 400)}`
                tally[wire.verdict]++
                tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1)

                expect(answer.status, `a 5xx: ${seen}`).toBeLessThan(500)
                const off = wire.sameRoute ? Fuzz.undeclared(op, refusals[dialect.name]!, answer) : undefined
                if (off !== undefined) expect.fail(`${off}: ${seen}`)
                // Refused values are echoed cut (`serverRules.maxEchoedCharacters`): an error body stays small.
                if (answer.status >= 400) expect(answer.text.length, `a long error body: ${seen}`).toBeLessThanOrEqual(maxErrorBody)
                const now = await fingerprint()
                if (answer.status >= 400) expect(now, `refused, yet something stored changed: ${seen}`).toBe(stored)
                stored = now
                if (wire.verdict === "invalid") expect(answer.status, `invalid by the documents, yet accepted: ${seen}`).toBeGreaterThanOrEqual(400)
                if (wire.verdict === "valid" && answer.status === 400) {
                  const described = stateful.some((rule) => rule.operation === op.id && rule.message.test(messageOf(answer.body)))
                  expect(described, `valid by the documents, yet refused as malformed: ${seen}`).toBe(true)
                }
                if (answer.status < 300) {
                  known.learn(answer.body)
                  known.learnCursor(wire.listing, answer.body)
                  if (wire.sameRoute) known.learnPath(wire.path)
                  if (wire.method === "DELETE") {
                    known.forget(wire.path)
                    await reseed()
                    stored = await fingerprint()
                  }
                }
              }),
              { seed, numRuns: runsPerDialect, endOnFailure: true }
            )
          )
          // Both kinds were sent, and some requests were accepted: the run checked something.
          expect(tally.valid).toBeGreaterThan(0)
          expect(tally.invalid).toBeGreaterThan(0)
          expect([...tally.byStatus.keys()].some((status) => status < 300)).toBe(true)
          console.info(`fuzz ${dialect.name} (${backend}): ${JSON.stringify({ ...tally, byStatus: Object.fromEntries(tally.byStatus) })}`)
        }), timeout)
    }
  })
})
