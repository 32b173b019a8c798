#!/usr/bin/env bash
# The consumer test: the packages as a user gets them. Packs every public package of packages/
# (pnpm rewrites `workspace:^`), installs the tarballs with npm into a temporary project outside
# the workspace (no workspace links; the peers `effect` and `@effect/platform` from the registry),
# checks what the tarballs hold, type-checks a Promise program and an Effect program with
# `tsc --strict --module nodenext` (library types checked too), runs them against the built
# reference server, `require()`s every package (Node's require(esm)), checks that only public
# modules are reachable, and measures the esbuild-minified size of a one-adapter Promise program.
# Fails if any step does. KEEP_CONSUMER=1 keeps the temporary folder.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/consumer"
cd "$ROOT"

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')
PNPM=(npx --yes "pnpm@${PNPM_VERSION}")
step() { echo "--- consumer: $*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/projectkit-consumer.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -z "${KEEP_CONSUMER:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

step "build the packages and the reference server (turbo, cached)"
"${PNPM[@]}" exec turbo run build --filter=@projectkit/server... --output-logs=errors-only

step "pack every public package"
mkdir -p "$WORK/tarballs"
PUBLIC=$(node -e '
  const fs = require("fs")
  for (const dir of fs.readdirSync("packages").sort()) {
    const manifest = JSON.parse(fs.readFileSync(`packages/${dir}/package.json`, "utf8"))
    if (manifest.private !== true) console.log(`packages/${dir}`)
  }')
for dir in $PUBLIC; do
  (cd "$dir" && "${PNPM[@]}" pack --pack-destination "$WORK/tarballs" >/dev/null)
done
for tarball in "$WORK"/tarballs/*.tgz; do
  name=$(basename "$tarball")
  listing=$(tar -tzf "$tarball")
  for required in package/LICENSE package/README.md package/package.json; do
    grep -qx "$required" <<<"$listing" || { echo "$name has no ${required#package/}"; exit 1; }
  done
  if grep -Eq '(^|/)(test|tests|__snapshots__)/|\.test\.|\.tsbuildinfo$' <<<"$listing"; then
    echo "$name holds tests or build leftovers:"; grep -E '(^|/)(test|tests|__snapshots__)/|\.test\.|\.tsbuildinfo$' <<<"$listing"; exit 1
  fi
  tar -xzOf "$tarball" package/package.json | node -e '
    const manifest = JSON.parse(require("fs").readFileSync(0, "utf8"))
    const problems = []
    if (manifest.exports?.["./internal/*"] !== null) problems.push("exports does not close ./internal/*")
    if (JSON.stringify(manifest).includes("workspace:")) problems.push("a workspace: range was not rewritten")
    for (const field of ["license", "repository", "engines", "keywords"]) if (manifest[field] === undefined) problems.push(`no ${field}`)
    if (problems.length > 0) { console.error(`${manifest.name}: ${problems.join("; ")}`); process.exit(1) }'
  echo "ok - $name: LICENSE, README, no tests, internals closed"
done

step "install the tarballs into $WORK/app with npm"
mkdir -p "$WORK/app"
cp "$HERE"/promise.ts "$HERE"/effect.ts "$HERE"/require.cjs "$HERE"/exports.mjs "$HERE"/size.mjs "$WORK/app/"
cd "$WORK/app"
echo '{ "name": "projectkit-consumer", "private": true, "type": "module" }' > package.json
peer() { node -p "require('$ROOT/packages/sync/package.json').peerDependencies['$1']"; }
dev() { node -p "require('$ROOT/package.json').devDependencies['$1']"; }
npm install --no-audit --no-fund --loglevel=error "$WORK"/tarballs/*.tgz \
  "effect@$(peer effect)" "@effect/platform@$(peer @effect/platform)" \
  "typescript@$(dev typescript)" "@types/node@$(dev @types/node)" "esbuild@0.28"
# Every @projectkit package must come from a tarball, never from the registry.
node -e '
  const lock = require("./package-lock.json")
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.includes("node_modules/@projectkit/") && !String(entry.resolved).startsWith("file:")) {
      console.error(`${path} was resolved from ${entry.resolved}`); process.exit(1)
    }
  }'

step "type-check with tsc --strict --module nodenext"
npx tsc --strict --module nodenext --types node --outDir out promise.ts effect.ts
echo "ok - the Promise and Effect programs type-check"

step "start the reference server"
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
ADMIN_TOKEN="consumer-$RANDOM$RANDOM"
node "$ROOT/apps/server/dist/bin.js" --port "$PORT" --host 127.0.0.1 --data :memory: --admin-token "$ADMIN_TOKEN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
export PROJECTKIT_URL="http://127.0.0.1:$PORT"
healthy() { node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(1000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$PROJECTKIT_URL/__projectkit/health"; }
for _ in $(seq 1 300); do
  if healthy; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited"; cat "$WORK/server.log"; exit 1; }
  sleep 0.1
done
healthy || { echo "the server did not become healthy"; cat "$WORK/server.log"; exit 1; }
ORGANIZATION=$(node -e '
  fetch(`${process.argv[1]}/__projectkit/orgs`, {
    method: "POST",
    headers: { authorization: `Bearer ${process.argv[2]}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "consumer" })
  }).then(async (response) => {
    if (response.status !== 201) { console.error(`creating an organization: ${response.status} ${await response.text()}`); process.exit(1) }
    console.log(await response.text())
  })' "$PROJECTKIT_URL" "$ADMIN_TOKEN")
credential() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o.credentials[process.argv[2]][process.argv[3]])' "$ORGANIZATION" "$1" "$2"; }
SYNC_API_KEY=$(credential sync apiKey)
SANITY_TOKEN=$(credential sanity token)
export SYNC_API_KEY SANITY_TOKEN

step "run the Promise program"
node out/promise.js
step "run the Effect program"
node out/effect.js
step "require() from CommonJS"
node require.cjs
step "exports"
node exports.mjs
step "bundle size (esbuild, minified)"
node size.mjs
echo "--- consumer: passed"
