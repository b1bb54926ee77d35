// enrich: the enrichment stage of the pipeline: language for mentions that do not give one,
// then sentiment, on every valid mention before it is stored.
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
#include "storage/status.h"

namespace vigie::pipeline {

class mention_enricher : public enricher {
 public:
  explicit mention_enricher(std::shared_ptr<const lexicon_set> lexicons)
      : analyzer_(std::move(lexicons)) {}

  // Detects the language when m.lang is empty (m.lang_detected is then set), then scores.
  // Languages without a lexicon score neutral 0.
  void enrich(mention_view& m) override;

  // The same, and the tokens and rules behind the score.
  void explain(mention_view& m, explanation* out);

 private:
  void detect(mention_view& m);
  sentiment_analyzer analyzer_;
};

// Appends m as enriched JSON (mention_json.h) with an "explanation" member: the tokens and
// rules behind its sentiment.
void append_explained_json(const mention_view& m, const explanation& why, std::string* out);

// A factory of mention_enrichers sharing the lexicons.
enricher_factory make_mention_enrichers(std::shared_ptr<const lexicon_set> lexicons);

}  // namespace vigie::pipeline
