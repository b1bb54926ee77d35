#!/usr/bin/env bash
# Vigie benchmarks (`make bench` runs this). Builds nothing: run it on a build folder.
#
# Usage: tests/bench/run.sh BUILD_DIR
#
# Runs, in order, printing a header before each:
#   1. ingest_bench        end-to-end ingest vs the raw RocksDB ceiling, and overload
#   2. sentiment_accuracy  the sentiment engine against the human-rated sets
#   3. peers/run.sh        sentiment throughput (sentiment_bench) vs the npm peers
#   4. watch_bench         ingest with 10,000 watches vs 10, series latency under ingest
#   5. matcher_bench       watch matching per mention on one core, 10,000 vs 10 watches
#   6. stream_bench        live feed: ingest-to-alert latency, idle and at half the max ingest rate
#   7. crisis_eval         crisis detector: precision, recall, delay on synthetic streams
#   8. signals_eval        weak signals: precision, recall, delay, false signals, memory, cost
#
# Environment:
#   VIGIE_SENTIMENT_DATA  folder of the English human-rated sets
#                         (default: ../shared/data/sentiment relative to the repo root)
#   INGEST_BENCH_ARGS     extra arguments for ingest_bench, e.g. "--mentions 100000 --runs 1"
#   WATCH_BENCH_ARGS      extra arguments for watch_bench, e.g. "--mentions 100000 --runs 1"
#   STREAM_BENCH_ARGS     extra arguments for stream_bench, e.g. "--quick" or "--rate 20000"
#
# Benchmarks print figures; a missed target is not a failure. The exit status is non-zero
# only when a program is missing or fails to run (every section is still attempted).
set -uo pipefail

if [[ $# -ne 1 || "$1" == -h || "$1" == --help ]]; then
  echo "usage: tests/bench/run.sh BUILD_DIR" >&2
  exit 2
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="$1"
[[ -d "$BUILD_DIR" ]] || { echo "run.sh: no build folder '$BUILD_DIR'" >&2; exit 2; }
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"
DATA_DIR="${VIGIE_SENTIMENT_DATA:-$REPO_ROOT/../shared/data/sentiment}"
[[ -d "$DATA_DIR" ]] && DATA_DIR="$(cd "$DATA_DIR" && pwd)"

failed=()

section() {
  printf '\n==============================================================================\n'
  printf '== %s\n' "$1"
  printf '==============================================================================\n'
}

# The first executable among the candidates (targets land in different folders depending on
# where their .cmake file is included from).
find_binary() {
  local c
  for c in "$@"; do
    if [[ -x "$c" && -f "$c" ]]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

run_built() {  # run_built NAME BINARY ARGS...: runs it, or counts it as failed when not built
  local name="$1" binary="$2"
  shift 2
  if ! find_binary "$binary" >/dev/null; then
    echo "run.sh: $name not built in $BUILD_DIR" >&2
    failed+=("$name (not built)")
    return
  fi
  run "$name" "$binary" "$@"
}

run() {  # run NAME COMMAND...
  local name="$1"
  shift
  echo "\$ $*"
  local t0=$SECONDS
  "$@"
  local rc=$?
  echo "-- $name: exit $rc, $((SECONDS - t0)) s"
  [[ $rc -eq 0 ]] || failed+=("$name (exit $rc)")
}

section "1/8 ingest: end-to-end vs raw RocksDB ceiling, overload (tests/bench/ingest_bench.cpp)"
VIGIE="$BUILD_DIR/server/vigie"
if ! INGEST="$(find_binary "$BUILD_DIR/tests/bench/ingest_bench" "$BUILD_DIR/tests/ingest_bench" \
                           "$BUILD_DIR/ingest_bench")"; then
  echo "run.sh: ingest_bench not built in $BUILD_DIR" >&2
  failed+=("ingest_bench (not built)")
elif [[ ! -x "$VIGIE" ]]; then
  echo "run.sh: $VIGIE not built" >&2
  failed+=("ingest_bench (no server binary)")
else
  # shellcheck disable=SC2086  # INGEST_BENCH_ARGS is a list of words
  run ingest_bench "$INGEST" --vigie "$VIGIE" --lexicons "$BUILD_DIR/lexicons" ${INGEST_BENCH_ARGS:-}
fi

section "2/8 sentiment accuracy (tests/accuracy/sentiment_accuracy.cpp)"
if ! ACCURACY="$(find_binary "$BUILD_DIR/tests/accuracy/sentiment_accuracy")"; then
  echo "run.sh: sentiment_accuracy not built in $BUILD_DIR" >&2
  failed+=("sentiment_accuracy (not built)")
elif [[ ! -d "$DATA_DIR" ]]; then
  echo "run.sh: no sentiment data in $DATA_DIR (set VIGIE_SENTIMENT_DATA)" >&2
  failed+=("sentiment_accuracy (no data)")
else
  # No --check: the figures are printed, a missed target does not fail the benchmark run.
  args=(--lexicons "$BUILD_DIR/lexicons" --data "$DATA_DIR")
  [[ -f "$REPO_ROOT/tests/accuracy/fr_dev.tsv" ]] && args+=(--fr-dev "$REPO_ROOT/tests/accuracy/fr_dev.tsv")
  [[ -f "$REPO_ROOT/tests/accuracy/fr_test.tsv" ]] && args+=(--fr-test "$REPO_ROOT/tests/accuracy/fr_test.tsv")
  [[ -f "$REPO_ROOT/tests/accuracy/short_posts.tsv" ]] && args+=(--short-posts "$REPO_ROOT/tests/accuracy/short_posts.tsv")
  run sentiment_accuracy "$ACCURACY" "${args[@]}"
fi

section "3/8 sentiment throughput vs npm peers (tests/bench/peers/run.sh, runs sentiment_bench)"
run peers env VIGIE_BUILD_DIR="$BUILD_DIR" VIGIE_SENTIMENT_DATA="$DATA_DIR" \
  bash "$REPO_ROOT/tests/bench/peers/run.sh" "$BUILD_DIR/bench-peers"

section "4/8 watches: 10,000 vs 10 watches, series latency under ingest (tests/bench/watch_bench.cpp)"
if ! WATCH="$(find_binary "$BUILD_DIR/tests/bench/watch_bench" "$BUILD_DIR/tests/watch_bench" \
                          "$BUILD_DIR/watch_bench")"; then
  echo "run.sh: watch_bench not built in $BUILD_DIR" >&2
  failed+=("watch_bench (not built)")
elif [[ ! -x "$VIGIE" ]]; then
  echo "run.sh: $VIGIE not built" >&2
  failed+=("watch_bench (no server binary)")
else
  # shellcheck disable=SC2086  # WATCH_BENCH_ARGS is a list of words
  run watch_bench "$WATCH" --vigie "$VIGIE" --lexicons "$BUILD_DIR/lexicons" ${WATCH_BENCH_ARGS:-}
fi

section "5/8 watch matching per mention, one core (tests/bench/matcher_bench.cpp)"
run_built matcher_bench "$BUILD_DIR/tests/bench/matcher_bench"

section "6/8 live feed: ingest-to-alert latency at half the max ingest rate (tests/bench/stream_bench.cpp)"
if ! STREAM="$(find_binary "$BUILD_DIR/tests/bench/stream_bench")"; then
  echo "run.sh: stream_bench not built in $BUILD_DIR" >&2
  failed+=("stream_bench (not built)")
elif [[ ! -x "$VIGIE" ]]; then
  echo "run.sh: $VIGIE not built" >&2
  failed+=("stream_bench (no server binary)")
else
  # shellcheck disable=SC2086  # STREAM_BENCH_ARGS is a list of words
  run stream_bench "$STREAM" --vigie "$VIGIE" ${STREAM_BENCH_ARGS:-}
fi

section "7/8 crisis detection on synthetic streams (tests/eval/crisis_eval.cpp)"
run_built crisis_eval "$BUILD_DIR/tests/eval/crisis_eval"

section "8/8 weak signals on synthetic streams, memory and cost per mention (tests/eval/signals_eval.cpp)"
run_built signals_eval "$BUILD_DIR/tests/eval/signals_eval"

echo
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "bench: FAILED to run: ${failed[*]}"
  exit 1
fi
echo "bench: all programs ran"
