#!/usr/bin/env bash
# npm test: type-check, run every tap file, end with one plain line CI can read:
#   tests: N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tap
log=.tap/run.log

echo "== node $(node --version)"
if [ -n "${SKIP_TYPECHECK:-}" ]; then
  echo "== type-check skipped (SKIP_TYPECHECK)"
elif ! { echo "== type-check (tsc --noEmit; the browser's JavaScript against the server's message map: tsconfig.web.json)"; npx tsc --noEmit -p tsconfig.json && npx tsc -p tsconfig.web.json; }; then
  echo "type-check failed"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "== TEST_DATABASE_URL is not set: storage tests run on embedded PostgreSQL (PGlite) only"
  echo "   (set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them on a real server too)"
else
  echo "== storage tests run on PGlite and on $TEST_DATABASE_URL"
fi

export TZ=UTC
# A fresh install has tap built with its default plugins. tap rebuilds itself for ours (no
# @tapjs/typescript: tsx loads the tests) on the first run, but it already spawns that run's files
# with the old loader, whose resolver misreads package exports (nodemailer's "./lib/*.js"). Build first.
if grep -q '@tapjs/typescript' node_modules/@tapjs/test/test-built/dist/esm/index.js 2>/dev/null; then
  echo "== building tap with the configured plugins (first run after install)"
  npx tap build >/dev/null || { echo "tap build failed"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi
npx tap --jobs="${TAP_JOBS:-2}" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

line=$(grep -a -E '^# \{ total: [0-9]+' "$log" | tail -1)
num() { echo "$line" | grep -oE "$1: [0-9]+" | grep -oE '[0-9]+' || echo 0; }
passed=$(num pass); failed=$(num fail); skipped=$(( $(num skip) + $(num todo) ))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
