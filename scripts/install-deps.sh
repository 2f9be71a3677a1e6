#!/usr/bin/env bash
# Installs the Debian packages Alert Whisperer needs to build, run and test.
# Idempotent and quick when everything is present (no apt-get update then).
set -euo pipefail
PKGS=(
  g++ cmake ninja-build pkg-config ccache make
  libboost-dev libboost-system-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libsodium-dev
  libcurl4-openssl-dev libspdlog-dev libcli11-dev
)
if [ "${1:-}" = "--test" ]; then
  PKGS+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pytest python3-requests
         python3-websocket python3-boto3 python3-aiosmtpd curl)
fi
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(libbenchmark-dev wrk prometheus-alertmanager curl python3)
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
