// sentiment_bench: mentions per second for tokenise + score, language given, one thread.
//
//   sentiment_bench --lexicons BUILD/lexicons --corpus en_vader_tweets.tsv
//                   [--corpus fr_dev.tsv] [--lang en|fr] [--seconds 5] [--runs 5]
//
// A corpus is a TSV whose third column is the text (id<TAB>rating<TAB>text); its language is
// --lang, else "fr" for files named fr_*, else "en". The corpus is scored in a loop for
// --seconds split into --runs runs; the median run is reported, with the heap allocations
// counted during the timed runs (the engine promises none in steady state). Last line, for
// scripts (tests/bench's npm comparison): `vigie_sentiment <mentions_per_second>`, the
// median over all corpora's mentions.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "tests/bench/allocation_counter.h"
#include "pipeline/lexicon.h"
#include "pipeline/sentiment.h"


namespace {

using clock_type = std::chrono::steady_clock;

struct corpus {
  std::string path;
  std::string lang;
  std::vector<std::string> texts;
  std::size_t bytes = 0;
};

bool load(corpus& c) {
  std::ifstream in(c.path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    c.texts.push_back(line.substr(t2 + 1));
    c.bytes += c.texts.back().size();
  }
  return !c.texts.empty();
}

struct run_result {
  double mentions_per_second;
  long allocations;
  std::size_t mentions;
};

run_result run_once(vigie::pipeline::sentiment_analyzer& a, const corpus& c, double seconds,
                    float* sink) {
  const long alloc_before = vigie::bench::allocations();
  std::size_t n = 0;
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  float acc = 0;
  do {
    for (const auto& t : c.texts) acc += a.score(t, c.lang).score;
    n += c.texts.size();
  } while (clock_type::now() < deadline);
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  *sink += acc;
  return {static_cast<double>(n) / elapsed, vigie::bench::allocations() - alloc_before, n};
}

int usage() {
  std::cerr << "usage: sentiment_bench --lexicons DIR --corpus FILE [--corpus FILE]...\n"
               "                       [--lang en|fr] [--seconds N] [--runs R]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string lexicon_dir, lang;
  std::vector<corpus> corpora;
  double seconds = 5;
  int runs = 5;
  if (const char* env = std::getenv("VIGIE_LEXICON_DIR")) lexicon_dir = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (a == "--lexicons") lexicon_dir = next();
    else if (a == "--corpus") corpora.push_back({next(), "", {}, 0});
    else if (a == "--lang") lang = next();
    else if (a == "--seconds") seconds = std::atof(next().c_str());
    else if (a == "--runs") runs = std::atoi(next().c_str());
    else if (a == "--help" || a == "-h") { usage(); return 0; }
    else return usage();
  }
  if (lexicon_dir.empty() || corpora.empty() || seconds <= 0 || runs <= 0) return usage();

  auto lex = vigie::pipeline::load_lexicons(lexicon_dir);
  if (!lex.ok()) {
    std::cerr << "sentiment_bench: " << lex.status().to_string() << "\n";
    return 2;
  }
  vigie::pipeline::sentiment_analyzer analyzer(*lex);
  for (auto& c : corpora) {
    if (!load(c)) {
      std::cerr << "sentiment_bench: cannot read a text from '" << c.path << "'\n";
      return 2;
    }
    const auto stem = std::filesystem::path(c.path).filename().string();
    c.lang = !lang.empty() ? lang : stem.starts_with("fr_") ? "fr" : "en";
  }

  float sink = 0;
  std::vector<double> overall;  // per run: all corpora's mentions / their total time
  std::vector<std::vector<run_result>> per(corpora.size());
  // Warm-up: lets the analyzer's buffers grow to the longest text once.
  for (const auto& c : corpora)
    for (const auto& t : c.texts) sink += analyzer.score(t, c.lang).score;
  const double slice = seconds / runs / static_cast<double>(corpora.size());
  for (int r = 0; r < runs; ++r) {
    double total_n = 0, total_t = 0;
    for (std::size_t k = 0; k < corpora.size(); ++k) {
      run_result rr = run_once(analyzer, corpora[k], slice, &sink);
      per[k].push_back(rr);
      total_n += static_cast<double>(rr.mentions);
      total_t += static_cast<double>(rr.mentions) / rr.mentions_per_second;
    }
    overall.push_back(total_n / total_t);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (std::size_t k = 0; k < corpora.size(); ++k) {
    std::vector<double> mps;
    long allocs = 0;
    std::size_t mentions = 0;
    for (const auto& rr : per[k]) {
      mps.push_back(rr.mentions_per_second);
      allocs += rr.allocations;
      mentions += rr.mentions;
    }
    const auto& c = corpora[k];
    std::printf("%s (%s): %zu texts, %.0f bytes/text: median %.0f mentions/s over %d runs "
                "(%.2f MB/s), %ld allocations in %zu scored mentions\n",
                c.path.c_str(), c.lang.c_str(), c.texts.size(),
                static_cast<double>(c.bytes) / static_cast<double>(c.texts.size()), median(mps), runs,
                median(mps) * static_cast<double>(c.bytes) / static_cast<double>(c.texts.size()) / 1e6,
                allocs, mentions);
  }
  std::printf("(checksum %.3f)\n", static_cast<double>(sink));
  std::printf("vigie_sentiment %.0f\n", median(overall));
  return 0;
}
