#!/usr/bin/env bash
# The comparison docs/performance.md quotes, in one command:
#
#   bash bench/compare/run.sh [--seconds S] [--rounds R]
#
# Installs what it needs (Debian packages, the Node peers from package-lock.json), builds the
# release preset, runs the order process in ablauf, a hand-written C++ floor, xstate and
# bpmn-engine back to back (each engine and scenario in a process of its own), runs the suite's
# cost curves, prints one table, and redraws the SVG charts in docs/charts/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=2
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bash bench/compare/run.sh [--seconds S] [--rounds R]" >&2; exit 2 ;;
  esac
done

# Node.js and npm only where there are none: a machine may have them from elsewhere.
extra=()
command -v node >/dev/null || extra+=(nodejs)
command -v npm >/dev/null || extra+=(npm)
command -v gnuplot >/dev/null || extra+=(gnuplot-nox)
bash "$root/.ci/install-deps.sh" "${extra[@]}"
cd "$root"
results="$here/results"
mkdir -p "$results"
# The build's output goes to a log, shown only if it fails: at -O3, g++ 12 prints false
# -Wrestrict warnings from the standard library that say nothing about the code.
echo "building the release preset (log: ${results#"$root"/}/build.log)" >&2
if ! { cmake --preset release && cmake --build --preset release \
    --target ablauf_order switch_order ablauf_bench; } > "$results/build.log" 2>&1; then
  tail -40 "$results/build.log" >&2
  exit 1
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

build="$root/build/release/bench"

# Machine, versions and settings, for the table's header.
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "compiler: $(g++ --version | head -1), release preset (-O3)"
  echo "node: $(node --version)"
  echo "settings: one instance at a time; warm-up ${seconds} s, then ${rounds} rounds of ${seconds} s; the median round"
} > "$results/machine.txt"

: > "$results/compare.jsonl"
for scenario in automated human; do
  for engine in "$build/compare/ablauf_order" "$build/compare/switch_order" \
      "node $here/peers/xstate.js" "node $here/peers/bpmn_engine.js"; do
    echo "running: ${engine##*/} $scenario" >&2
    $engine "$scenario" --seconds "$seconds" --rounds "$rounds" >> "$results/compare.jsonl"
  done
done

echo "running: the cost curves of the Google Benchmark suite" >&2
"$build/ablauf_bench" \
  --benchmark_filter='^(load_and_compile/untyped|engine_steps_with_live_instances)/' \
  --benchmark_format=json --benchmark_out="$results/curves.json" \
  --benchmark_out_format=json > /dev/null

node "$here/report.js" "$results"
mkdir -p "$root/docs/charts"
for chart in "$here"/charts/*.gp; do
  (cd "$results" && gnuplot -e "out='$root/docs/charts/$(basename "$chart" .gp).svg'" "$chart")
done
echo "charts: docs/charts/" >&2
