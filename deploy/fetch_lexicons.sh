#!/bin/sh
# fetch_lexicons.sh: fetch the source lexicons of the sentiment engine from npm.
#
#   deploy/fetch_lexicons.sh [CACHE_DIR]      (default: <repo>/.cache/lexicons)
#
# Takes only the package tarballs (`npm pack`, no dependency tree, no install scripts) and
# extracts only the lexicon files and their licence/metadata:
#   CACHE_DIR/vader-sentiment/{vader_lexicon.txt,LICENSE,NOTICE,package.json}   (Apache-2.0)
#   CACHE_DIR/natural/{pattern-sentiment-fr.json,LICENSE.txt,package.json}      (MIT)
#   CACHE_DIR/sentiment/{labels.json,LICENSE.md,package.json}                   (MIT; AFINN-165)
# Idempotent: a no-op when the files are already there. The build converts them
# (pipeline/lexicons/lexicon_convert.cpp) into Vigie's lexicon format.
#
# Versions are pinned so that a build is reproducible; override with VADER_SENTIMENT_VERSION,
# NATURAL_VERSION or SENTIMENT_VERSION after checking the new lexicon's licence and re-running
# tests/accuracy.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-"$here/.cache/lexicons"}
vader_version=${VADER_SENTIMENT_VERSION:-1.1.3}
natural_version=${NATURAL_VERSION:-8.1.1}
sentiment_version=${SENTIMENT_VERSION:-5.0.2}

vader_dir="$cache/vader-sentiment"
natural_dir="$cache/natural"
sentiment_dir="$cache/sentiment"

if [ -s "$vader_dir/vader_lexicon.txt" ] && [ -s "$natural_dir/pattern-sentiment-fr.json" ] &&
   [ -s "$sentiment_dir/labels.json" ]; then
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "fetch_lexicons: npm not found (apt-get install npm)" >&2; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

(cd "$work" && npm pack --silent "vader-sentiment@$vader_version" "natural@$natural_version" \
   "sentiment@$sentiment_version" >/dev/null)

mkdir -p "$work/v" "$work/n" "$work/s"
tar -xzf "$work/vader-sentiment-$vader_version.tgz" -C "$work/v" \
  package/vader_lexicon.txt package/LICENSE package/NOTICE package/package.json
tar -xzf "$work/natural-$natural_version.tgz" -C "$work/n" \
  package/lib/natural/sentiment/French/pattern-sentiment-fr.json package/LICENSE.txt package/package.json
tar -xzf "$work/sentiment-$sentiment_version.tgz" -C "$work/s" \
  package/languages/en/labels.json package/LICENSE.md package/package.json

# Move into place only once all extracted cleanly, so a failed fetch leaves no half cache.
rm -rf "$vader_dir" "$natural_dir" "$sentiment_dir"
mkdir -p "$vader_dir" "$natural_dir" "$sentiment_dir"
mv "$work/v/package/vader_lexicon.txt" "$work/v/package/LICENSE" "$work/v/package/NOTICE" \
   "$work/v/package/package.json" "$vader_dir/"
mv "$work/n/package/lib/natural/sentiment/French/pattern-sentiment-fr.json" \
   "$work/n/package/LICENSE.txt" "$work/n/package/package.json" "$natural_dir/"
mv "$work/s/package/languages/en/labels.json" "$work/s/package/LICENSE.md" "$work/s/package/package.json" \
   "$sentiment_dir/"
echo "fetch_lexicons: vader-sentiment@$vader_version, natural@$natural_version and" \
     "sentiment@$sentiment_version in $cache"
