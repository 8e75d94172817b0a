#!/usr/bin/env bash
# Host projects use ablauf the ways a user would:
# - a full host finds the installed package with the components it needs and links
#   ablauf::ablauf;
# - a core host, with its step types in a JSON manifest, links ablauf::core alone: from the
#   installed package, through add_subdirectory() with every other component switched off, and
#   through pkg-config. Each of its executables must need none of SQLite, libpq, libharu,
#   libsodium and OpenSSL (ldd).
# Usage: package_test.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR GENERATOR
set -eu
build_dir=$1
source_dir=$2
scratch=$3
generator=$4
here="$source_dir/tests/package"
manifest="$source_dir/tests/data/step_types/credit.json"
credit_check="$source_dir/tests/data/step_types/workflows/credit_check.json"
rm -rf "$scratch"
mkdir -p "$scratch"
passed=0

cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null

# Only what ablauf::core itself needs may be linked in.
core_only() {
  local linked
  linked=$(ldd "$1")
  if grep -E 'libsqlite3|libpq|libhpdf|libsodium|libcrypto|libssl' <<<"$linked"; then
    echo "FAILED: $1 links a library ablauf::core must not need" >&2
    exit 1
  fi
}

configure_and_build() {  # SOURCE BUILD CMAKE_ARGS...
  local source=$1 build=$2
  shift 2
  cmake -S "$source" -B "$build" -G "$generator" "$@" >/dev/null
  cmake --build "$build" >/dev/null
}

configure_and_build "$here/full_host" "$scratch/full" -DCMAKE_PREFIX_PATH="$scratch/prefix"
"$scratch/full/consumer" "$source_dir/workflows/invoicing_and_payments.json"
passed=$((passed + 1))

configure_and_build "$here/core_host" "$scratch/core" -DCMAKE_PREFIX_PATH="$scratch/prefix"
"$scratch/core/core_host" "$manifest" "$credit_check"
core_only "$scratch/core/core_host"
passed=$((passed + 1))

configure_and_build "$here/core_host" "$scratch/core-subdirectory" \
  -DCONSUMER_USE_SUBDIRECTORY=ON -DABLAUF_SOURCE_DIR="$source_dir"
"$scratch/core-subdirectory/core_host" "$manifest" "$credit_check"
core_only "$scratch/core-subdirectory/core_host"
passed=$((passed + 1))

# pkg-config, as a Makefile would: the prefix is the scratch folder, not the configured one.
libdir=$(dirname "$(find "$scratch/prefix" -name ablauf-core.pc)")
pkg_config=(pkg-config --define-variable=prefix="$scratch/prefix")
flags=$(PKG_CONFIG_PATH="$libdir" "${pkg_config[@]}" --cflags --libs ablauf-core)
# shellcheck disable=SC2086 # the flags are words
c++ -std=c++20 -o "$scratch/core-pkg-config" "$here/core_host/main.cpp" $flags
"$scratch/core-pkg-config" "$manifest" "$credit_check"
core_only "$scratch/core-pkg-config"
for component in sqlite postgres print kpi ed25519; do
  PKG_CONFIG_PATH="$libdir" "${pkg_config[@]}" --exists "ablauf-$component" ||
    { echo "FAILED: no ablauf-$component.pc" >&2; exit 1; }
done
passed=$((passed + 1))

echo "$passed passed, 0 failed"
