#!/usr/bin/env bash
# Vigie sentiment throughput vs npm peers (`sentiment` = AFINN-165,
# `vader-sentiment` = VADER JS port).
#
# Usage: tests/bench/peers/run.sh [SCRATCH_DIR]
#
#   SCRATCH_DIR          where the peers are npm-installed (default:
#                        build/bench-peers under the repo root). Nothing is
#                        installed globally and no package.json goes in the repo.
# Environment:
#   VIGIE_SENTIMENT_DATA folder of the English sets (default: ../shared/data/sentiment
#                        relative to the repo root); en_vader_tweets.tsv is used.
#   VIGIE_BUILD_DIR      CMake build folder (default: build under the repo root);
#                        $VIGIE_BUILD_DIR/tests/bench/sentiment_bench is run if present.
#   BENCH_SECONDS        length of one timed peer run (default 1.5). Each peer does
#                        5 runs per corpus and reports the median. sentiment_bench
#                        gets --seconds rounded up to a whole number (at least 1).
#   BENCH_CORPORA        space-separated corpus files overriding the defaults
#                        (en_vader_tweets.tsv, plus tests/accuracy/fr_dev.tsv if present).
#   BENCH_CPU            CPU every scorer runs on (taskset), so that the ratios compare
#                        them on the same core: the cores of a shared virtual machine can
#                        differ by a third. Default: the last CPU the script may use;
#                        "none": not pinned.
#
# Output: per corpus, a table  scorer | mentions/s (median) | vigie / scorer.
# With the defaults the whole run takes well under a minute on 2 cores.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HERE="$REPO_ROOT/tests/bench/peers"

SCRATCH="${1:-$REPO_ROOT/build/bench-peers}"
DATA_DIR="${VIGIE_SENTIMENT_DATA:-$REPO_ROOT/../shared/data/sentiment}"
BUILD_DIR="${VIGIE_BUILD_DIR:-$REPO_ROOT/build}"
# A relative VIGIE_BUILD_DIR is taken from the repo root, like the default.
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO_ROOT/$BUILD_DIR" ;; esac
[[ -d "$DATA_DIR" ]] && DATA_DIR="$(cd "$DATA_DIR" && pwd)"
SECONDS_PER_RUN="${BENCH_SECONDS:-1.5}"
VIGIE_BIN="$BUILD_DIR/tests/bench/sentiment_bench"
VIGIE_SECONDS="$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { n = int(s); if (n < s) n++; if (n < 1) n = 1; print n }')"

command -v node >/dev/null || { echo "run.sh: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "run.sh: npm not found" >&2; exit 1; }

PIN=()
# The last CPU this script may run on (taskset or a cgroup may allow only some).
last_cpu="$(awk '/^Cpus_allowed_list/ { n = split($2, a, /[,-]/); print a[n] }' /proc/self/status 2>/dev/null)"
BENCH_CPU="${BENCH_CPU:-${last_cpu:-none}}"
if [[ "$BENCH_CPU" != none ]] && command -v taskset >/dev/null; then
  PIN=(taskset -c "$BENCH_CPU")
  echo "every scorer runs on CPU $BENCH_CPU (BENCH_CPU)"
fi

# 1. Install the peers once (idempotent: skipped when both are present).
mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
MODULES="$SCRATCH/node_modules"
if [[ -f "$MODULES/sentiment/package.json" && -f "$MODULES/vader-sentiment/package.json" ]]; then
  echo "peers already installed in $SCRATCH"
else
  echo "installing peers into $SCRATCH"
  npm install --prefix "$SCRATCH" --no-audit --no-fund sentiment vader-sentiment
fi
for p in sentiment vader-sentiment; do
  node -e 'const p = require(process.argv[1]);
           console.log(`  ${p.name} ${p.version}, licence ${p.license}`);' \
    "$MODULES/$p/package.json"
done

# 2. Corpora.
if [[ -n "${BENCH_CORPORA:-}" ]]; then
  read -r -a CORPORA <<<"$BENCH_CORPORA"
else
  CORPORA=("$DATA_DIR/en_vader_tweets.tsv")
  [[ -f "$REPO_ROOT/tests/accuracy/fr_dev.tsv" ]] && CORPORA+=("$REPO_ROOT/tests/accuracy/fr_dev.tsv")
fi

if [[ -x "$VIGIE_BIN" ]]; then
  echo "vigie bench: $VIGIE_BIN"
else
  echo "vigie bench: $VIGIE_BIN not found (not built yet?); printing peers only"
  VIGIE_BIN=""
fi

status=0
for corpus in "${CORPORA[@]}"; do
  echo
  echo "== $corpus"
  if [[ ! -f "$corpus" ]]; then
    echo "run.sh: corpus not found: $corpus" >&2
    status=1
    continue
  fi

  vigie_mps=""
  if [[ -n "$VIGIE_BIN" ]]; then
    lang=en
    case "$(basename "$corpus")" in fr_*) lang=fr ;; esac
    if vigie_out="$("${PIN[@]}" "$VIGIE_BIN" --lexicons "$BUILD_DIR/lexicons" --lang "$lang" --corpus "$corpus" \
                      --seconds "$VIGIE_SECONDS")"; then
      vigie_mps="$(awk '$1 == "vigie_sentiment" { v = $2 } END { print v }' <<<"$vigie_out")"
      [[ -n "$vigie_mps" ]] || echo "run.sh: no 'vigie_sentiment' line in sentiment_bench output" >&2
    else
      echo "run.sh: sentiment_bench failed on $corpus" >&2
      status=1
    fi
  fi

  peers_out="$("${PIN[@]}" node "$HERE/peer_bench.js" --modules "$MODULES" --seconds "$SECONDS_PER_RUN" "$corpus")"

  {
    [[ -n "$vigie_mps" ]] && echo "vigie_sentiment $vigie_mps"
    awk '$1 == "peer" { print $2, $3 }' <<<"$peers_out"
  } | awk -v vigie="$vigie_mps" '
    BEGIN {
      printf "%-18s %20s %16s\n", "scorer", "mentions/s (median)", "vigie / scorer"
      printf "%-18s %20s %16s\n", "------", "-------------------", "--------------"
    }
    {
      ratio = (vigie != "" && $2 > 0) ? sprintf("%.2f", vigie / $2) : "n/a"
      printf "%-18s %20.0f %16s\n", $1, $2, ratio
    }'
done
exit $status
