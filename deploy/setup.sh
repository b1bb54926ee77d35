#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Vigie needs to build, run, test and benchmark.
# Idempotent: a no-op (no apt call at all) when every package is already installed.
#
#   deploy/setup.sh            build + run + test dependencies
#   deploy/setup.sh --fuzz     and clang, for make fuzz (libFuzzer)
#
# Needs root or sudo for the install step only.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git
  # server: HTTP/WebSocket (Beast), Asio, Lockfree are in Boost's headers
  libboost1.74-dev
  # JSON parsing, storage, config, command line, key hashing
  libsimdjson-dev librocksdb-dev libyaml-cpp-dev libcli11-dev libssl-dev
  # language detection, stemming
  libcld2-dev libstemmer-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # integration tests: the real binary driven over HTTP by Python, responses checked against
  # the JSON Schemas in proto/
  python3 python3-yaml python3-jsonschema
  # the live feed (GET /v1/stream) is tested with a real WebSocket client
  python3-websocket
  # promtool checks our /metrics exposition in the integration tests
  prometheus
)

case "${1:-}" in
  "") ;;
  --fuzz) packages+=(clang) ;;
  *) echo "usage: deploy/setup.sh [--fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

# Lexicons are taken from npm tarballs at set-up time (npm pack). Node.js may come from
# another Debian source that bundles npm, so only ask apt when the commands are absent.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# --no-install-recommends keeps the machine lean; prometheus is only needed for promtool.
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
