#!/usr/bin/env bash
# The browser tests: the pages of `ablauf serve`, driven in headless Chromium and checked with
# axe-core.
#
#   bash tests/browser/run.sh ABLAUF_BINARY BUILD_DIR
#
# Installs axe-core from package-lock.json into BUILD_DIR/browser (once: a run that finds the
# locked version there needs no network), then runs every tests/browser/test_*.py. Screenshots
# go to BUILD_DIR/screenshots. Without Chromium, chromedriver or Selenium it fails rather than
# skips: a test that quietly does not run passes nothing.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: bash tests/browser/run.sh ABLAUF_BINARY BUILD_DIR" >&2
  exit 2
fi
if [ ! -x "$1" ]; then
  echo "browser tests: no ablauf binary at $1" >&2
  exit 2
fi
binary=$(realpath "$1")
build=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

# Debian's python3 (not a pyenv one on PATH), which sees Debian's python3-selenium.
python=/usr/bin/python3
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
"$python" -c "import selenium" 2>/dev/null || missing+=(python3-selenium)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "browser tests: missing ${missing[*]}; install them with: bash .ci/install-deps.sh" >&2
  exit 1
fi

# axe-core at the version package-lock.json names, installed beside the build, not the sources.
# json_version FILE KEY…: the "version" found under the keys of a JSON file.
json_version() {
  "$python" -c 'import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    value = value[key]
print(value["version"])' "$@"
}
locked=$(json_version "$here/package-lock.json" packages node_modules/axe-core)
installed=$(json_version "$build/browser/node_modules/axe-core/package.json" 2>/dev/null || true)
if [ "$installed" != "$locked" ]; then
  mkdir -p "$build/browser"
  cp "$here/package.json" "$here/package-lock.json" "$build/browser/"
  npm ci --prefix "$build/browser" --no-audit --no-fund --loglevel=error
fi

export ABLAUF_BIN="$binary" ABLAUF_BUILD_DIR="$build" ABLAUF_SOURCE_DIR="$source_dir"
# No .pyc files in the sources.
export PYTHONDONTWRITEBYTECODE=1
# The servers' stores and Chromium's profiles go to one scratch folder, removed even when a
# test process dies before its cleanup.
scratch=$(mktemp -d -t ablauf-browser-tests.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
"$python" -m unittest discover -s "$here" -p 'test_*.py' -v
