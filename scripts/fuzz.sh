#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz (built in build-fuzz by
# `make build-fuzz`) for SECONDS each, JOBS at a time, and prints one line
# per target (executions, exec/s, coverage, crashes) and a total.
#
#   scripts/fuzz.sh [SECONDS] [JOBS]     defaults: 600, 2
#   FUZZ_TARGETS="jwt ssm" scripts/fuzz.sh 60     only those targets
#   FUZZ_FRESH=1 scripts/fuzz.sh 30              start from the seeds alone (make test:
#                                                a grown corpus would take longer to load than 30 s)
#
# Seeds are read from tests/fuzz/corpus/<target>/ (never written); new
# inputs go to build-fuzz/corpus/<target>/, crashes to
# build-fuzz/artifacts/<target>/, logs to build-fuzz/logs/<target>.log.
# Exit status 1 when a target crashed, leaked, hit a sanitizer or a
# violated invariant (the reproducer's path is printed), else 0.
set -uo pipefail
seconds="${1:-${FUZZ_SECONDS:-600}}"
jobs="${2:-${FUZZ_JOBS:-2}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build-fuzz"
work="$build/corpus"
[ "${FUZZ_FRESH:-0}" = 1 ] && work="$build/corpus-fresh"
read -r -a targets <<<"${FUZZ_TARGETS:-http_request intake jwt records extjson dynamodb ssm}"

dict_of() {
  case "$1" in
    http_request) echo "$here/tests/fuzz/http.dict" ;;
    *) echo "$here/tests/fuzz/json.dict" ;;
  esac
}

run_one() {
  local t="$1" bin="$build/tests/fuzz/$1_fuzz"
  [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "${work:?}/$t"
  mkdir -p "$work/$t" "$build/artifacts/$t" "$build/logs"
  # -timeout: one input taking 10 s is a defect (a hang); -rss_limit_mb: so is 2 GB.
  "$bin" "$work/$t" "$here/tests/fuzz/corpus/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=16384 -dict="$(dict_of "$t")" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t/" >"$build/logs/$t.log" 2>&1
  echo $? >"$build/logs/$t.rc"
}

summary() {
  local t="$1" log="$build/logs/$1.log" rc
  rc="$(cat "$build/logs/$t.rc" 2>/dev/null || echo 1)"
  local execs rate cov ft corp
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  ft="$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  corp="$(grep -o 'corp: [0-9]*/[0-9A-Za-z]*' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$rc" = 0 ]; then
    printf '  %-13s %12s execs %8s/s  cov %6s  ft %7s  corpus %-12s crashes 0\n' \
      "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
    return 0
  fi
  local repro
  repro="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
  printf '  %-13s FAILED (exit %s) after %s execs: %s\n' "$t" "$rc" "${execs:-?}" \
    "$(grep -m1 -E 'ERROR: |runtime error|fuzz invariant violated|deadly signal' "$log" | cut -c1-160)"
  echo "    reproducer: ${repro:-none written} (log: $log)"
  echo "    replay:     $build/tests/fuzz/${t}_fuzz ${repro:-<input>}"
  # A CI run keeps only its output: the stack and the input itself go there too.
  echo "    the log's last lines:"
  tail -n 40 "$log" | sed 's/^/      /'
  if [ -n "$repro" ] && [ -f "$repro" ]; then
    echo "    the input, base64 (base64 -d > crash; then replay):"
    head -c 16384 "$repro" | base64 | sed 's/^/      /'
  fi
  return 1
}

for t in "${targets[@]}"; do
  [ -x "$build/tests/fuzz/${t}_fuzz" ] || { echo "fuzz: $build/tests/fuzz/${t}_fuzz is missing (make build-fuzz)"; exit 1; }
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, ${jobs} at a time (load $(cut -d' ' -f1-3 /proc/loadavg))"
start=$(date +%s)
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
failed=0
for t in "${targets[@]}"; do summary "$t" || failed=$((failed + 1)); done
echo "fuzz: $(( ${#targets[@]} - failed )) passed, $failed failed in $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ]
