// matcher_bench: cost of watch_matcher::match per mention on one core, and of build().
//
//   matcher_bench [--watches 10000] [--mentions 20000] [--runs 7] [--seed 42]
//
// Generates realistic watches: many tenants (10 watches each), each with a brand (one or two
// words) and products, written as terms, phrases, wildcards, NEAR/ONEAR, NOT, hashtags and
// field filters; one tenant in ten watches the brands that mention_generator talks about
// (Borel, Kelvio, Mistrale Telecom...), so that mentions do hit. Mentions come from
// tests/bench/mention_generator.h, parsed by mention_parser. Each run matches every mention
// once against the tenant of a "real brand" tenant (rotating), the realistic worst case:
// hits, candidates and evaluation, on top of the dictionary lookups every mention pays.
// Prints the median and all runs, for the given number of watches and for 10 watches, the
// median build time, and the heap allocations counted during the timed runs (match()
// promises none in steady state).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "tests/bench/allocation_counter.h"
#include "pipeline/mention_parser.h"
#include "pipeline/watch_matcher.h"
#include "tests/bench/mention_generator.h"
#include "tests/bench/watch_queries.h"


namespace {

using clock_type = std::chrono::steady_clock;
namespace vp = vigie::pipeline;

// A mention that owns its bytes, and a view of it.
struct owned_mention {
  std::string id, text, source, lang, title, url, author_id, author_name;
  vp::mention_view view() const {
    vp::mention_view m;
    m.id = id;
    m.text = text;
    m.source = source;
    m.lang = lang;
    m.title = title;
    m.url = url;
    m.author_id = author_id;
    m.author_name = author_name;
    return m;
  }
};

std::vector<owned_mention> make_mentions(std::size_t count, std::uint64_t seed, std::size_t* bytes) {
  vigie::bench::generator_options options;
  options.seed = seed;
  vigie::bench::mention_generator gen(options);
  vp::mention_parser parser;
  std::vector<owned_mention> out;
  std::string line;
  *bytes = 0;
  while (out.size() < count) {
    line.clear();
    gen.next(&line);
    vp::mention_view m;
    if (!parser.parse_one(line, &m).ok()) continue;
    out.push_back({std::string(m.id), std::string(m.text), std::string(m.source), std::string(m.lang),
                   std::string(m.title), std::string(m.url), std::string(m.author_id),
                   std::string(m.author_name)});
    *bytes += m.text.size() + m.title.size();
  }
  return out;
}

using vigie::bench::brand_queries;
using vigie::bench::pseudo_word;

struct watch_set {
  std::vector<vp::watch_definition> defs;
  std::vector<std::string> real_tenants;  // tenants watching the generator's brands
};

watch_set make_watches(std::size_t count, std::uint64_t seed) {
  static const std::vector<std::string> real_brands = {"Borel",         "Kelvio",  "Mistrale Telecom",
                                                       "Banque Aurore", "Veloria", "Maison Caradec"};
  std::mt19937_64 rng(seed);
  watch_set out;
  const std::size_t tenants = std::max<std::size_t>(1, count / 10);
  for (std::size_t t = 0; t < tenants && out.defs.size() < count; ++t) {
    const std::string tenant = "tenant-" + std::to_string(t);
    const bool real = t % 10 == 0;
    if (real) out.real_tenants.push_back(tenant);
    const std::string brand = real ? real_brands[(t / 10) % real_brands.size()]
                                   : (rng() % 4 == 0 ? pseudo_word(rng) + " " + pseudo_word(rng) : pseudo_word(rng));
    std::vector<std::string> products = {pseudo_word(rng), pseudo_word(rng), pseudo_word(rng)};
    if (real) products[0] = "service";  // words the generator writes
    auto queries = brand_queries(brand, products, rng);
    for (std::size_t k = 0; k < queries.size() && out.defs.size() < count; ++k) {
      auto q = vp::parse_query(queries[k]);
      if (!q.ok()) {
        std::cerr << "matcher_bench: bad generated query '" << queries[k] << "': " << q.status().message() << "\n";
        std::exit(1);
      }
      vp::watch_definition d;
      d.tenant = tenant;
      d.id = "w" + std::to_string(k);
      d.q = std::move(q).value();
      if (k == 0 && rng() % 3 == 0) d.languages = {"fr"};
      out.defs.push_back(std::move(d));
    }
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void bench(const char* label, std::size_t watches, const std::vector<owned_mention>& mentions,
           std::size_t bytes, int runs, std::uint64_t seed) {
  const auto t0 = clock_type::now();
  watch_set set = make_watches(watches, seed);
  const double parse_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();

  std::vector<double> build_ms;
  std::shared_ptr<const vp::watch_matcher> matcher;
  for (int r = 0; r < runs; ++r) {
    const auto b = clock_type::now();
    auto built = vp::watch_matcher::build(set.defs);
    build_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - b).count());
    if (!built.ok()) {
      std::cerr << "matcher_bench: " << built.status().to_string() << "\n";
      std::exit(1);
    }
    matcher = *built;
  }

  std::vector<vp::mention_view> views;
  views.reserve(mentions.size());
  for (const auto& m : mentions) views.push_back(m.view());
  vp::match_scratch scratch;
  std::vector<std::string_view> ids;
  ids.reserve(64);
  std::size_t matched = 0, matches = 0;
  auto pass = [&] {
    for (std::size_t i = 0; i < views.size(); ++i) {
      matcher->match(views[i], set.real_tenants[i % set.real_tenants.size()], scratch, &ids);
      matched += !ids.empty();
      matches += ids.size();
    }
  };
  pass();  // warm-up: the scratch grows to the longest mention once
  std::vector<double> ns;
  ns.reserve(static_cast<std::size_t>(runs));
  const long alloc_before = vigie::bench::allocations();
  for (int r = 0; r < runs; ++r) {
    matched = matches = 0;
    const auto s = clock_type::now();
    pass();
    ns.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - s).count() /
                 static_cast<double>(views.size()));
  }
  const long allocs = vigie::bench::allocations() - alloc_before;

  std::printf("%s: %zu watches, %zu tenants, %zu dictionary terms\n", label, matcher->watch_count(),
              std::max<std::size_t>(1, watches / 10), matcher->term_count());
  std::printf("  parse %zu queries: %.1f ms; build: median %.1f ms over %d builds\n", set.defs.size(), parse_ms,
              median(build_ms), runs);
  std::printf("  match: median %.0f ns per mention (%.2f ns/byte, mean %.0f bytes), runs:", median(ns),
              median(ns) / (static_cast<double>(bytes) / mentions.size()),
              static_cast<double>(bytes) / mentions.size());
  for (double v : ns) std::printf(" %.0f", v);
  std::printf("\n  %zu of %zu mentions match at least one watch of their tenant (%zu matches); "
              "heap allocations during timed runs: %ld\n",
              matched, views.size(), matches, allocs);
}

int usage() {
  std::cerr << "usage: matcher_bench [--watches N] [--mentions N] [--runs R] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t watches = 10000, count = 20000;
  int runs = 7;
  std::uint64_t seed = 42;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string("0"); };
    if (a == "--watches") watches = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--mentions") count = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--runs") runs = std::atoi(next().c_str());
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--help" || a == "-h") { usage(); return 0; }
    else return usage();
  }
  if (watches == 0 || count == 0 || runs <= 0) return usage();
  std::size_t bytes = 0;
  const auto mentions = make_mentions(count, seed, &bytes);
  std::printf("%zu generated mentions, %zu bytes of title and text; one core\n", mentions.size(), bytes);
  bench("large", watches, mentions, bytes, runs, seed);
  bench("small", 10, mentions, bytes, runs, seed);
  return 0;
}
