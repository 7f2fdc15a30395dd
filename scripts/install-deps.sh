#!/usr/bin/env bash
# Installs what OpenKAP needs to build, run and test, from Debian's packages only.
# Idempotent and quiet when everything is present (make run/test call it every time).
set -euo pipefail

packages=(
  g++ cmake make pkg-config ccache
  libboost-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libsodium-dev libcli11-dev
  libgtest-dev libbenchmark-dev
  chromium curl procps wrk
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
