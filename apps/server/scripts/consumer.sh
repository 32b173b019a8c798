#!/usr/bin/env bash
# The reference server as its users get it: @projectkit/server packed (with the workspace packages
# it depends on, as a publish would), installed with npm into a folder outside this repository, and
#  1. `npx projectkit-server --port 0 --data :memory: --ready-file …` starts and answers health;
#  2. `startServer()` from the installed package starts, answers and closes, and the process exits;
#  3. the conformance suite (this repository's build) passes against it, `--export-on-exit` writes
#     a snapshot on SIGTERM, and a second server started with `--import` that snapshot passes the
#     conformance suite again with the same credentials.
#
# Needs the repository built (`pnpm build`) and the npm registry (for the dependencies).
# Usage: apps/server/scripts/consumer.sh   (CI: .ci/run)
set -euo pipefail

server=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$server/../.." && pwd)
pnpm_version=$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$repo/package.json")
PNPM=(npx --yes "pnpm@${pnpm_version}")
conformance="$repo/apps/conformance/dist/bin.js"

work=$(mktemp -d "${TMPDIR:-/tmp}/projectkit-server-consumer.XXXXXX")
pids=()
finish() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap finish EXIT

fail() {
  echo "server consumer test: $*" >&2
  for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }; done
  exit 1
}

[ -f "$server/dist/bundle/projectkit-server.js" ] || fail "apps/server is not built (run the build first)"
[ -f "$conformance" ] || fail "apps/conformance is not built (run the build first)"

echo "server consumer test: packing @projectkit/server and the workspace packages it depends on"
mkdir -p "$work/tarballs" "$work/consumer"
for package in packages/core packages/http packages/sync packages/indream packages/sanity apps/server; do
  (cd "$repo/$package" && "${PNPM[@]}" pack --pack-destination "$work/tarballs" >/dev/null)
done
tar -tzf "$work"/tarballs/projectkit-server-*.tgz >"$work/files.txt"
grep -q "package/dist/bundle/projectkit-server.js" "$work/files.txt" || fail "the tarball has no bundled bin"
if grep -q -e "\.map$" -e "package/src/" -e "package/test/" -e "package/bench/" "$work/files.txt"; then
  fail "the tarball holds more than what runs: $(grep -e '\.map$' -e 'package/src/' -e 'package/test/' -e 'package/bench/' "$work/files.txt" | head -n 3)"
fi

echo "server consumer test: installing the tarballs with npm, outside the repository"
cd "$work/consumer"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz >/dev/null
[ -x node_modules/.bin/projectkit-server ] || fail "the installed package has no projectkit-server bin"

# Starts `npx projectkit-server --port 0 --data :memory: <args>`; sets `url` and `server_pid`.
start() {
  local name=$1
  shift
  rm -f "$work/$name.json"
  npx projectkit-server --port 0 --data :memory: --ready-file "$work/$name.json" "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    [ -f "$work/$name.json" ] && break
    kill -0 "$pid" 2>/dev/null || fail "projectkit-server ($name) exited"
    sleep 0.05
  done
  [ -f "$work/$name.json" ] || fail "projectkit-server ($name) wrote no ready file"
  url=$(node -p 'require(process.argv[1]).url' "$work/$name.json")
  # The server's own process (npx runs it as a child, and does not pass signals on).
  server_pid=$(node -p 'require(process.argv[1]).pid' "$work/$name.json")
  pids+=("$server_pid")
}

echo "server consumer test: npx projectkit-server --port 0 --data :memory:"
started=$(date +%s%N)
start first --export-on-exit "$work/snapshot.json"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/__projectkit/health")
echo "server consumer test: $url answered health $code, $(( ($(date +%s%N) - started) / 1000000 )) ms after the spawn"
[ "$code" = 200 ] || fail "health answered $code"
sync_key=$(node -p 'require(process.argv[1]).demo.credentials.sync.apiKey' "$work/first.json")
indream_key=$(node -p 'require(process.argv[1]).demo.credentials.indream.apiKey' "$work/first.json")
sanity_token=$(node -p 'require(process.argv[1]).demo.credentials.sanity.token' "$work/first.json")

echo "server consumer test: startServer() from the installed package"
cat >"$work/consumer/library.js" <<'EOF'
import { startServer } from "@projectkit/server"
const server = await startServer({ port: 0, data: ":memory:" })
const health = await fetch(`${server.url}/__projectkit/health`)
const org = await server.createOrganization("Library")
const projects = await fetch(`${server.dialectUrls.sync}/v2/projects`, { headers: { "x-api-key": org.credentials.sync.apiKey } })
await server.close()
if (health.status !== 200 || projects.status !== 200) throw new Error(`health ${health.status}, projects ${projects.status}`)
console.log("startServer: healthy, an organization's key works, closed")
EOF
timeout 60 node library.js || fail "startServer() from the installed package failed or did not exit"

conform() {
  PROJECTKIT_CONFORMANCE_SYNC_API_KEY="$sync_key" \
  PROJECTKIT_CONFORMANCE_INDREAM_API_KEY="$indream_key" \
  PROJECTKIT_CONFORMANCE_SANITY_TOKEN="$sanity_token" \
    node "$conformance" --base-url "$url" >"$work/conformance-$1.txt" 2>&1 || {
    cat "$work/conformance-$1.txt" >&2
    fail "the conformance suite failed against the $1 server"
  }
  tail -n 1 "$work/conformance-$1.txt"
}

echo "server consumer test: the conformance suite against it"
conform first
# The suite cleans up after itself: one project of our own, to find after the import.
curl -s -o /dev/null -X POST "$url/sync/v2/projects" -H "x-api-key: $sync_key" -H "content-type: application/json" \
  -d '{"name":"kept across the snapshot"}'
kill -TERM "$server_pid"
for _ in $(seq 1 200); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
grep -q "Wrote a snapshot" "$work/first.log" || fail "the server did not say it wrote a snapshot"
[ -s "$work/snapshot.json" ] || fail "--export-on-exit wrote no snapshot"
echo "server consumer test: --export-on-exit wrote $(wc -c <"$work/snapshot.json") bytes"

echo "server consumer test: a second server with --import, the same credentials, the conformance suite again"
start second --import "$work/snapshot.json"
projects=$(curl -s "$url/sync/v2/projects" -H "x-api-key: $sync_key")
node -e 'const body = JSON.parse(process.argv[1]); if (!body.items.some((p) => p.name === "kept across the snapshot")) process.exit(1)' "$projects" ||
  fail "the imported server lacks the exported sync.so project: $projects"
conform imported
echo "server consumer test: passed"
