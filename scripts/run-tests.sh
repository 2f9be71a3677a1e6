#!/usr/bin/env bash
# The test steps of `make test` (the Makefile builds build/, build-asan/ and build-fuzz/ first):
# unit and conformance tests (ctest, ASan+UBSan), each fuzz target for 30 s, the black-box API
# tests (pytest) against the real binary on RocksDB and on DynamoDB (dynalite, started here on a
# free port) side by side, the web UI's unit tests and its browser tests (chromium from Debian).
#
# Every step always runs; each step's output goes to the terminal and to build/test-logs/. The run
# ends with a recap: one line per step with its runner's own summary line and, for a failed step,
# the names of the failed tests, so that the last lines of a CI log say what failed. The exit code
# is non-zero when any step failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-/usr/bin/python3}"
jobs="${JOBS:-$(nproc)}"
logs="$root/build/test-logs"
rm -rf "$logs"
mkdir -p "$logs"

step() { echo "== [$(date -u +%T)] $*"; }

names=() codes=() files=()
# record NAME LOG CODE: remembers a step's outcome for the recap.
record() { names+=("$1"); files+=("$2"); codes+=("$3"); }

eval "$(tests/dynalite/start.sh)" || { echo "run-tests: dynalite did not start" >&2; exit 1; }
trap 'kill "$DYNALITE_PID" 2>/dev/null' EXIT

step "unit and conformance tests (ctest, ASan+UBSan)"
(cd build-asan && ctest --output-on-failure -j "$jobs" --timeout 600) 2>&1 | tee "$logs/ctest.log"
record "ctest (ASan+UBSan)" "$logs/ctest.log" "${PIPESTATUS[0]}"

step "fuzz targets, 30 s each (libFuzzer, ASan+UBSan)"
FUZZ_FRESH=1 scripts/fuzz.sh 30 2 2>&1 | tee "$logs/fuzz.log"
record "fuzz (libFuzzer)" "$logs/fuzz.log" "${PIPESTATUS[0]}"

# The two API passes mostly wait on servers and timers: side by side they take the DynamoDB
# pass's time. Each has its own --basetemp and log, shown when both have ended.
step "API tests on RocksDB and on DynamoDB side by side (pytest; logs shown when both end)"
api_pass() {
  AW_TEST_STORE="$1" AW_BINARY="$root/build/alertwhisperer" "$python" -m pytest -q -p no:cacheprovider \
    --basetemp="$root/build/pytest-$1" tests/api >"$logs/api-$1.log" 2>&1
}
api_pass rocksdb &
rocks=$!
api_pass dynamodb
dynamo_rc=$?
wait "$rocks"
rocks_rc=$?
step "API tests on RocksDB (pytest)"
cat "$logs/api-rocksdb.log"
record "API on RocksDB (pytest)" "$logs/api-rocksdb.log" "$rocks_rc"
step "API tests on DynamoDB (pytest, dynalite)"
cat "$logs/api-dynamodb.log"
record "API on DynamoDB (pytest)" "$logs/api-dynamodb.log" "$dynamo_rc"

step "web UI unit tests (node --test)"
(cd web && npm test) 2>&1 | tee "$logs/web-unit.log"
record "web UI unit tests" "$logs/web-unit.log" "${PIPESTATUS[0]}"

step "browser tests (playwright-core, chromium)"
(cd web && AW_BINARY="$root/build/alertwhisperer" npm run e2e) 2>&1 | tee "$logs/e2e.log"
record "browser tests (chromium)" "$logs/e2e.log" "${PIPESTATUS[0]}"

# summary_of LOG: the runner's own summary line(s) of a step's log.
summary_of() {
  local s
  s="$(grep -E '^[0-9]+% tests passed|^fuzz: [0-9]+ passed|^(=+ )?[0-9]+ (passed|failed|errors?)|^# (pass|fail) [0-9]+' "$1" \
       | tail -n 2 | tr '\n' ' ')"
  echo "${s:-no summary line (see $1)}"
}
# failures_of LOG: the failed tests a runner named.
failures_of() {
  grep -E '^FAILED |^ERROR |^[[:space:]]+[0-9]+ - .*\((Failed|SEGFAULT|Timeout|Subprocess aborted|Exception)\)|^[[:space:]]*not ok |FAILED \(exit' "$1" \
    | sed 's/^/      /' | head -n 20
}

failed=0
step "recap (each runner's own summary; the logs are in build/test-logs/)"
for i in "${!names[@]}"; do
  if [ "${codes[$i]}" = 0 ]; then
    printf '  ok      %-26s %s\n' "${names[$i]}" "$(summary_of "${files[$i]}")"
  else
    failed=$((failed + 1))
    printf '  FAILED  %-26s %s (exit %s)\n' "${names[$i]}" "$(summary_of "${files[$i]}")" "${codes[$i]}"
    failures_of "${files[$i]}"
  fi
done
echo "make test: $(( ${#names[@]} - failed )) of ${#names[@]} steps passed"
[ "$failed" -eq 0 ]
