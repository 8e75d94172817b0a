#!/usr/bin/env bash
# Installs what building, testing and running ablauf needs on Debian 12, and any further
# packages named as arguments (bench/compare/run.sh adds Node.js and gnuplot). Idempotent:
# installs only the packages that are missing, so a second run takes a second.
set -euo pipefail

packages=(
  cmake ninja-build g++ git
  libboost-json1.81-dev libboost-graph1.81-dev libboost-regex1.81-dev  # not libboost-dev: 1.74 conflicts with 1.81
  libexpected-dev libcli11-dev libsqlite3-dev libpq-dev
  libicu-dev  # numbers, amounts and dates in the language of a text (templates' format tags)
  libical-dev  # the recurrence rules of schedules (RFC 5545)
  nettle-dev  # SHA-256 of the history chain and of signed answers, in ablauf::core
  libgmime-3.0-dev pkg-config  # the .eml files of `ablauf run --outbox`
  sqlite3  # the CLI tests edit a store behind ablauf's back, to see `instances verify` fail
  postgresql  # the server the PostgreSQL store's tests start for themselves
  libhpdf-dev fonts-dejavu-core  # PDF forms, with a font that covers German
  poppler-utils  # pdftotext, with which the tests read the PDFs back
  catch2 libbenchmark-dev
  librapidcheck-dev  # property-based tests of the engine
  libsodium-dev  # ablauf::ed25519, Ed25519 signatures over history chains
  graphviz python3 python3-jsonschema
  json-schema-test-suite  # JSON Schema's own tests, for the declared input's checks
  doxygen  # the API reference, whose build fails on an undocumented public name
  chromium chromium-driver python3-selenium  # browser tests of serve's pages (tests/browser)
  "$@"
)
# Node.js and npm (npm installs axe-core for the browser tests) only where there are none: a
# machine may have them from elsewhere, and NodeSource's nodejs conflicts with Debian's npm.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
