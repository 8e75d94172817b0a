#!/usr/bin/env bash
# A host project uses ablauf both ways a CMake user would: find_package() against an
# installed copy, and add_subdirectory() on the source tree.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR GENERATOR
set -eu
build_dir=$1
source_dir=$2
scratch=$3
generator=$4
consumer="$source_dir/tests/package/consumer"
rm -rf "$scratch"
mkdir -p "$scratch"

cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null

cmake -S "$consumer" -B "$scratch/installed" -G "$generator" \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCONSUMER_USE_SUBDIRECTORY=OFF >/dev/null
cmake --build "$scratch/installed" >/dev/null
"$scratch/installed/consumer" "$source_dir/workflows/invoicing_and_payments.json"

cmake -S "$consumer" -B "$scratch/subdirectory" -G "$generator" \
  -DCONSUMER_USE_SUBDIRECTORY=ON -DABLAUF_SOURCE_DIR="$source_dir" >/dev/null
cmake --build "$scratch/subdirectory" >/dev/null
"$scratch/subdirectory/consumer" "$source_dir/workflows/utility_billing.json"
echo "2 passed, 0 failed"
