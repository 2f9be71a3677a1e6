#!/usr/bin/env bash
# Installs the Debian packages Alert Whisperer needs to build, run and test.
# Idempotent and quick when everything is present (no apt-get update then).
set -euo pipefail
PKGS=(
  g++ cmake ninja-build pkg-config ccache make
  libboost-dev libboost-system-dev nlohmann-json3-dev libssl-dev libsodium-dev
  libcurl4-openssl-dev libspdlog-dev libcli11-dev zlib1g-dev
  librocksdb-dev  # the embedded store (AW_STORE=rocksdb): an LSM with a group-committed WAL
  libjemalloc-dev  # the server's allocator: 0.65x the CPU per alert of glibc's malloc (docs/PERFORMANCE.md)
  libcrypt-dev  # bcrypt verification of passwords imported from MongoDB (crypt_r)
)
# Node.js and npm build the web UI (web/, `make build`) and run dynalite for
# the tests; a node that is already there will do (Debian 12's 18 or newer).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi
if [ "${1:-}" = "--test" ]; then
  PKGS+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pytest python3-requests
         python3-websocket python3-boto3 python3-aiosmtpd curl
         python3-cryptography  # the stand-in SNS signs with a test certificate (test_cloudwatch_sns.py)
         # real senders for tests/api/test_real_senders.py (Prometheus -> Alertmanager -> us), and the
         # scraper of tests/api/test_metrics.py (Prometheus reads /metrics, answers a query);
         # the tests run the binaries themselves, their systemd services play no part
         prometheus prometheus-alertmanager
         chromium  # the web UI's browser tests (web/e2e) drive Debian's chromium, never a downloaded one
         # tests/api/test_package.py builds the .deb and checks its unit with systemd-analyze
         dpkg-dev fakeroot file systemd
         # the fuzz targets (tests/fuzz, build-fuzz): Debian's clang; its libFuzzer and
         # sanitizer runtimes are in libclang-rt-14-dev, only recommended by clang-14
         clang libclang-rt-14-dev)
fi
if [ "${1:-}" = "--package" ]; then
  PKGS+=(dpkg-dev fakeroot)  # make package: dpkg-shlibdeps computes Depends; dpkg-deb builds as root:root
fi
if [ "${1:-}" = "--bench" ]; then
  # python3-matplotlib: make soak plots its CSV (bench/soak.py); g++ builds the WebSocket driver
  PKGS+=(libbenchmark-dev wrk prometheus-alertmanager curl python3 python3-matplotlib g++)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The DynamoDB API server for the tests, pinned by tests/dynalite/package-lock.json.
if [ "${1:-}" = "--test" ]; then
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  stamp="$here/tests/dynalite/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$here/tests/dynalite/package-lock.json" -nt "$stamp" ]; then
    echo "Installing dynalite (npm ci in tests/dynalite)"
    (cd "$here/tests/dynalite" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
