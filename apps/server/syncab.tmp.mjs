// A/B: autocannon 4 connections of 1 MB syncs against two builds, alternately; req/s and CPU per request (process, main thread)
import autocannon from "autocannon"
import { spawn } from "node:child_process"
import Fs from "node:fs"
const bins = { A: "/work/main/apps/server/dist/bin.js", B: process.env.BIN_B ?? "/work/wt/before-sync/apps/server/dist/bin.js" }
const solid = (i) => ({ id: `item-solid-${i}`, type: "solid", color: "#111827", shape: "rectangle", startTicks: i * 120, durationTicks: 120, top: { value: 0, keyframes: [] }, left: { value: 0, keyframes: [] }, width: { value: 1920, keyframes: [] }, height: { value: 1080, keyframes: [] }, scaleX: { value: 1, keyframes: [] }, scaleY: { value: 1, keyframes: [] }, opacity: { value: 1, keyframes: [] }, isDraggingInTimeline: false, borderRadius: { value: 0, keyframes: [] }, rotation: { value: 0, keyframes: [] }, keepAspectRatio: false })
const count = Math.ceil(1_000_000 / JSON.stringify(solid(0)).length)
const items = Object.fromEntries(Array.from({ length: count }, (_, i) => [`item-solid-${i}`, solid(i)]))
const state = JSON.stringify({ compositionWidth: 1920, compositionHeight: 1080, timebaseTicksPerSecond: 240000, tracks: [{ id: "track-main", hidden: false, muted: false, items: Object.keys(items) }], assets: {}, items, transitions: {}, globalBackground: { type: "color", color: "#111827", gradient: null } })
const ticks = (path) => { const s = Fs.readFileSync(path, "utf8").split(") ")[1].split(" "); return Number(s[11]) + Number(s[12]) }
const run = async (label, bin) => {
  const db = `/tmp/prof/ab-${label}-${Date.now()}.db`
  const child = spawn("node", [bin, "--port", "0", "--data", db, "--admin-token", "t", "--log-format", "json", "--indream-sync-limit", "1000000", "--indream-sync-window-ms", "1000", "--indream-sync-burst", "1000000"], { stdio: ["ignore", "pipe", "inherit"] })
  let out = ""
  const port = await new Promise((ok) => child.stdout.on("data", (d) => { out += d; const m = /Listening on http:\/\/[^:]+:(\d+)/.exec(out); if (m && /Ctrl-C stops/.test(out)) ok(m[1]) }))
  const base = `http://127.0.0.1:${port}`
  const org = await (await fetch(`${base}/__projectkit/orgs`, { method: "POST", headers: { authorization: "Bearer t", "content-type": "application/json" }, body: '{"name":"p"}' })).json()
  const headers = { "x-api-key": org.credentials.indream.apiKey, "content-type": "application/json" }
  const ids = []
  for (let i = 0; i < 20; i++) ids.push((await (await fetch(`${base}/indream/v1/projects`, { method: "POST", headers, body: `{"title":"x","editorState":${state}}` })).json()).data.projectId)
  let version = 0, next = 0
  const opts = { url: base, connections: 4, duration: Number(process.env.D ?? 5), requests: [{ method: "POST", headers, setupRequest: (r) => ({ ...r, path: `/indream/v1/projects/${ids[next++ % ids.length]}/sync`, body: `{"stateVersion":"v${++version}","editorState":${state}}` }) }] }
  await autocannon({ ...opts, duration: 1 })
  const p0 = ticks(`/proc/${child.pid}/stat`), m0 = ticks(`/proc/${child.pid}/task/${child.pid}/stat`)
  const r = await autocannon(opts)
  const p1 = ticks(`/proc/${child.pid}/stat`), m1 = ticks(`/proc/${child.pid}/task/${child.pid}/stat`)
  const n = r.requests.total
  console.log(`${label}: ${r.requests.average.toFixed(1)} req/s, non2xx ${r.non2xx}, CPU/req ${((p1 - p0) * 10 / n).toFixed(1)} ms, main ${((m1 - m0) * 10 / n).toFixed(1)} ms`)
  child.kill("SIGKILL")
  for (const f of [db, db + "-wal", db + "-shm"]) Fs.rmSync(f, { force: true })
}
for (let round = 0; round < Number(process.env.R ?? 2); round++) { await run("A", bins.A); await run("B", bins.B) }
