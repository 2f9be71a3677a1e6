#!/usr/bin/env bash
# Starts dynalite (in memory, on a free port) in the background and prints
# shell lines to use it:
#   eval "$(tests/dynalite/start.sh)"   # sets AW_TEST_DYNAMODB_ENDPOINT, DYNALITE_PID
#   ...; kill "$DYNALITE_PID"
# Needs `npm ci` in tests/dynalite (scripts/install-deps.sh --test does it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -d "$here/node_modules/dynalite" ]]; then
  echo "tests/dynalite/start.sh: dynalite is not installed; run scripts/install-deps.sh --test" >&2
  exit 1
fi
out="$(mktemp -t dynalite.XXXXXX)"
node "$here/serve.js" >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  port="$(head -n1 "$out" 2>/dev/null || true)"
  if [[ "$port" =~ ^[0-9]+$ ]]; then
    rm -f "$out"
    echo "export AW_TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:$port"
    echo "export DYNALITE_PID=$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "tests/dynalite/start.sh: dynalite did not start:" >&2
cat "$out" >&2
rm -f "$out"
kill "$pid" 2>/dev/null || true
exit 1
