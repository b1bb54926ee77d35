// watch_matcher: finds which watches a mention belongs to, for all watches of all tenants,
// compiled once into one immutable dictionary.
//
// build() turns every watch's parsed query into a dictionary of folded words and word
// prefixes (one open-addressing hash table for the words of terms and phrases, a table of
// wildcard prefixes keyed by their first three bytes) plus a small program per watch. match()
// splits the mention's title and text into folded words once (internal/match_words.h), looks
// every word up once, whatever the number of watches, and records the hits with their word
// positions; the watches of the tenant that own a hit word become candidates, and only those
// are evaluated (boolean tree; phrases, NEAR and ONEAR from the positions; field filters from
// the mention). Every step is linear in the mention and in the hits: there is no regular
// expression and no backtracking, so no query can slow ingest.
//
//   std::vector<vigie::pipeline::watch_definition> defs = ...;   // parse_query() for each
//   auto matcher = vigie::pipeline::watch_matcher::build(defs);
//   if (!matcher.ok()) return matcher.status();
//   vigie::pipeline::match_scratch scratch;                      // one per worker thread
//   std::vector<std::string_view> ids;
//   (*matcher)->match(mention, "acme", scratch, &ids);            // ids of acme's watches
//
// Thread safety: a built watch_matcher is immutable; match() may be called concurrently from
// any number of threads, each with its own match_scratch. To change the watches, build a new
// matcher (in the background) and swap the shared_ptr: a scratch adapts itself to whichever
// matcher it is used with.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/mention.h"
#include "pipeline/query.h"
#include "storage/status.h"

namespace vigie::pipeline {

struct watch_definition {
  std::string tenant;
  std::string id;
  query q;                             // from parse_query()
  std::vector<std::string> languages;  // empty: any; else the mention's lang must be one of them
  std::vector<std::string> sources;    // empty: any; else the mention's source must be one of them
};

// Per-thread working memory of match(): word lists, hits, candidate marks. Grows to the
// largest mention and matcher seen, then match() allocates nothing.
class match_scratch {
 public:
  match_scratch();
  ~match_scratch();
  match_scratch(const match_scratch&) = delete;
  match_scratch& operator=(const match_scratch&) = delete;

  struct impl;  // opaque

 private:
  friend class watch_matcher;
  std::unique_ptr<impl> impl_;
};

class watch_matcher {
 public:
  struct impl;  // the compiled form; opaque

  // Compiles the watches. Fails on a duplicate (tenant, id) or a query that was not parsed
  // (empty tree). Takes about 1 µs per watch: see tests/bench/matcher_bench.cpp.
  [[nodiscard]] static result<std::shared_ptr<const watch_matcher>> build(
      std::span<const watch_definition> watches);

  ~watch_matcher();

  // Replaces *watch_ids with the ids of the watches of `tenant` that m matches, in the order
  // of the definitions given to build(). The views point into this matcher: valid as long as
  // it lives. An unknown tenant matches nothing.
  void match(const mention_view& m, std::string_view tenant, match_scratch& scratch,
             std::vector<std::string_view>* watch_ids) const;

  std::size_t watch_count() const noexcept;
  // Distinct dictionary entries (words and prefixes) over all watches.
  std::size_t term_count() const noexcept;

 private:
  watch_matcher();
  std::unique_ptr<impl> impl_;
};

}  // namespace vigie::pipeline
