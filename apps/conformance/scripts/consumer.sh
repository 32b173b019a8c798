#!/usr/bin/env bash
# The conformance suite as a third party gets it: packed into tarballs (the suite and the
# workspace packages it depends on), installed with npm into a folder outside this repository,
# and run with `npx projectkit-conformance` against the reference server started from this
# repository's build (`apps/server/dist/bin.js`, on a free port, in memory). It must pass (exit 0)
# with the server's demo credentials, and fail (exit 3: nothing checked) with none.
#
# Needs the repository built (`pnpm build`) and the npm registry (for the suite's dependencies).
# Usage: apps/conformance/scripts/consumer.sh   (CI: .ci/run)
set -euo pipefail

suite=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$suite/../.." && pwd)
pnpm_version=$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$repo/package.json")
PNPM=(npx --yes "pnpm@${pnpm_version}")

work=$(mktemp -d "${TMPDIR:-/tmp}/projectkit-consumer.XXXXXX")
server_pid=""
finish() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap finish EXIT

fail() {
  echo "consumer test: $*" >&2
  if [ -f "$work/server.log" ]; then echo "--- server log" >&2; tail -n 20 "$work/server.log" >&2; fi
  exit 1
}

[ -f "$suite/dist/bin.js" ] || fail "apps/conformance is not built (run the build first)"
[ -f "$repo/apps/server/dist/bin.js" ] || fail "apps/server is not built (run the build first)"

echo "consumer test: packing @projectkit/conformance and @projectkit/core into $work/tarballs"
mkdir -p "$work/tarballs" "$work/consumer"
# `pnpm pack` turns `workspace:^` into the packages' versions, as a publish would.
(cd "$repo/packages/core" && "${PNPM[@]}" pack --pack-destination "$work/tarballs" >/dev/null)
(cd "$suite" && "${PNPM[@]}" pack --pack-destination "$work/tarballs" >/dev/null)

echo "consumer test: installing the tarballs with npm, outside the repository"
cd "$work/consumer"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz >/dev/null
[ -x node_modules/.bin/projectkit-conformance ] || fail "the installed package has no projectkit-conformance bin"

echo "consumer test: starting the reference server (port 0, :memory:)"
node "$repo/apps/server/dist/bin.js" --port 0 --data :memory: >"$work/server.log" 2>&1 &
server_pid=$!
# The banner comes last; the real address is in the "Listening on" line (the banner repeats the
# configured port, which is 0 here).
for _ in $(seq 1 300); do
  grep -q "demo Sanity token" "$work/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "the reference server exited"
  sleep 0.1
done
base=$(sed -n 's/.*Listening on \(http:\/\/[^"]*\)".*/\1/p' "$work/server.log" | head -n 1)
sync_key=$(sed -n 's/^ *demo sync.so key *\([^ ]*\).*/\1/p' "$work/server.log")
indream_key=$(sed -n 's/^ *demo Indream key *\([^ ]*\).*/\1/p' "$work/server.log")
sanity_token=$(sed -n 's/^ *demo Sanity token *\([^ ]*\).*/\1/p' "$work/server.log")
[ -n "$base" ] && [ -n "$sync_key" ] && [ -n "$indream_key" ] && [ -n "$sanity_token" ] || fail "could not read the server's address and credentials"

echo "consumer test: npx projectkit-conformance --base-url $base (the demo organization's credentials)"
started=$(date +%s%N)
set +e
PROJECTKIT_CONFORMANCE_SYNC_API_KEY="$sync_key" \
PROJECTKIT_CONFORMANCE_INDREAM_API_KEY="$indream_key" \
PROJECTKIT_CONFORMANCE_SANITY_TOKEN="$sanity_token" \
  npx projectkit-conformance --base-url "$base" --junit-report "$work/junit.xml" >"$work/run.txt" 2>&1
code=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
tail -n 12 "$work/run.txt"
[ "$code" -eq 0 ] || { cat "$work/run.txt" >&2; fail "the run against the reference server exited $code, expected 0"; }
grep -q '<testsuites name="projectkit-conformance"' "$work/junit.xml" || fail "no JUnit report was written"
echo "consumer test: passed in ${elapsed_ms} ms"

echo "consumer test: npx projectkit-conformance with no credentials must fail"
set +e
npx projectkit-conformance --base-url "$base" >"$work/none.txt" 2>&1
code=$?
set -e
[ "$code" -eq 3 ] || { cat "$work/none.txt" >&2; fail "a run with no credentials exited $code, expected 3"; }
grep -q "skipped for lack of configuration" "$work/none.txt" || fail "the run with no credentials does not say what was not configured"
echo "consumer test: a run with no credentials exits 3, as it must"
