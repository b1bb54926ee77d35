// enrich: the enrichment stage of the pipeline: language for mentions that do not give one,
// then sentiment, then the tenant's watches that match, on every valid mention before it is
// stored.
//
//   auto lexicons = vigie::pipeline::load_lexicons("build/lexicons");
//   if (!lexicons.ok()) return lexicons.status();      // a lexicon file is missing or bad
//   vigie::pipeline::pipeline p(db, options, vigie::pipeline::make_mention_enrichers(*lexicons));
//
// Thread safety: the factory may be called from any thread; each enricher it makes belongs to
// one worker thread (it owns the analyzer's scratch buffers). The lexicons are loaded once
// and shared read-only.

#pragma once

#include <memory>
#include <string>

#include "pipeline/lexicon.h"
#include "pipeline/pipeline.h"
#include "pipeline/sentiment.h"
#include "pipeline/terms.h"
#include "pipeline/watch_matcher.h"
#include "storage/status.h"

namespace vigie::pipeline {

class watch_registry;

// Texts shorter than this (in bytes) whose language the detector is not sure of have it
// decided by the sentiment lexicons when one knows more of their words than the other
// (mention_enricher::enrich()).
inline constexpr std::size_t lexicon_vote_bytes = 48;

class mention_enricher : public enricher {
 public:
  // watches may be null: no matching (vigie score).
  explicit mention_enricher(std::shared_ptr<const lexicon_set> lexicons,
                            const watch_registry* watches = nullptr)
      : analyzer_(std::move(lexicons)), registry_(watches) {}

  // Takes the live matcher for the batch: a watch change applies from the next batch on.
  void begin_batch(std::string_view tenant) override;

  // Detects the language when m.lang is empty (m.lang_detected is then set), then scores.
  // Languages without a lexicon score neutral 0; a text whose language stays unknown is
  // scored in French and in English, the stronger reading kept. Then sets m.watches and, when it is not
  // empty, m.terms (views into this enricher, valid until the next call).
  void enrich(mention_view& m) override;

  // The same, and the tokens and rules behind the score.
  void explain(mention_view& m, explanation* out);

 private:
  void detect(mention_view& m);
  // m's sentiment in m.lang, or when it is unknown the stronger of its French and English
  // readings; with the tokens and rules behind it when out is not null.
  sentiment sentiment_of(const mention_view& m, explanation* out);
  void match(mention_view& m);

  sentiment_analyzer analyzer_;
  const watch_registry* registry_;
  std::shared_ptr<const watch_matcher> matcher_;  // for the current batch
  std::string tenant_;
  match_scratch scratch_;
  std::vector<std::string_view> matched_;
  std::string watches_;  // m.watches points here
  term_extractor terms_;
  std::vector<term> term_list_;  // m.terms points here
};

// Appends m as enriched JSON (mention_json.h) with an "explanation" member: the tokens and
// rules behind its sentiment.
void append_explained_json(const mention_view& m, const explanation& why, std::string* out);

// A factory of mention_enrichers sharing the lexicons and the registry (which may be null).
enricher_factory make_mention_enrichers(std::shared_ptr<const lexicon_set> lexicons,
                                        const watch_registry* watches = nullptr);

}  // namespace vigie::pipeline
