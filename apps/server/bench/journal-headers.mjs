// A micro-benchmark of what the request journal adds per request for headers: masking and
// bounding a typical request's `rawHeaders` and a response's `getHeaders()` (internal/masking.ts,
// built into dist/). Run: `node bench/journal-headers.mjs` after `pnpm build`. It measures the
// functions alone, on one core, so a busy machine skews it less than the HTTP benchmark.
import * as Masking from "../dist/internal/masking.js"

const key = `sk-${"a".repeat(43)}`
const raw = [
  "Host", "127.0.0.1:3000",
  "User-Agent", "curl/8.5.0",
  "Accept", "*/*",
  "x-api-key", key,
  "Content-Type", "application/json",
  "Content-Length", "42",
  "x-request-id", "req-123"
]
const response = { "x-request-id": "req-123", "content-type": "application/json", "content-length": 208 }
const queries = ["", "limit=5&cursor=abc", "limit=5&token=0123456789abcdefghijklmnop"]

const measure = (name, run) => {
  for (let i = 0; i < 200_000; i++) run(i)
  const rounds = 1_000_000
  const start = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) run(i)
  const ns = Number(process.hrtime.bigint() - start) / rounds
  console.log(`${name.padEnd(44)} ${ns.toFixed(0).padStart(5)} ns per call`)
}

let sink = 0
const requestHeaders = Masking.makeRequestHeaders()
measure("requestHeaders (7 headers, one key)", () => (sink += requestHeaders(raw).headers.length))
measure("responseHeaders (3 headers)", () => (sink += Masking.responseHeaders(response).headers.length))
measure("maskQuery (no query / plain / with token)", (i) => (sink += Masking.maskQuery(queries[i % 3]).length))
if (sink === 0) console.log("")
