#include "pipeline/enrich.h"

#include <cmath>

#include "pipeline/language.h"
#include "pipeline/mention_json.h"
#include "pipeline/watch_registry.h"

namespace vigie::pipeline {

void mention_enricher::detect(mention_view& m) {
  if (!m.lang.empty()) return;  // the source knows better, and detection is not free
  bool sure = false;
  std::string_view lang = detect_language(m.text, &sure);
  const bool french_or_english = lang == "fr" || lang == "en";
  if ((!sure || !french_or_english) && m.text.size() < lexicon_vote_bytes) {
    // A few words give function words and CLD2 little to go on: "Trop bien" is an unsure
    // "en", "Arnaque" nothing, and "Nuvela fibre au top" a sure Romanian. The words people
    // judge a brand with tell the language better: the lexicon that knows more of them wins;
    // on a tie the detector's answer stays ("Servizio ottimo" is Italian).
    // Function words count too: both lexicons know "top", only French has "au".
    const int lean = function_word_lean(m.text);
    const std::size_t fr = analyzer_.known_words(m.text, "fr") + static_cast<std::size_t>(std::max(lean, 0));
    const std::size_t en = analyzer_.known_words(m.text, "en") + static_cast<std::size_t>(std::max(-lean, 0));
    if (fr != en) lang = fr > en ? "fr" : "en";
  }
  if (lang.empty()) return;
  m.lang = lang;  // static storage
  m.lang_detected = true;
}

void mention_enricher::begin_batch(std::string_view tenant) {
  tenant_.assign(tenant);
  if (registry_) matcher_ = registry_->current();
}

void mention_enricher::match(mention_view& m) {
  m.watches = {};
  if (!matcher_) return;
  matched_.clear();
  matcher_->match(m, tenant_, scratch_, &matched_);
  watches_.clear();
  for (std::string_view id : matched_) {
    if (!watches_.empty()) watches_.push_back(',');
    watches_.append(id);
  }
  m.watches = watches_;
  m.terms = {};
  if (m.watches.empty()) return;  // terms feed the watches' signal detectors only
  term_list_.clear();
  terms_.extract(m.text, m.lang, &term_list_);
  m.terms = term_list_;
}

// A text whose language is not known (too short for the detector, and both lexicons know
// as many of its words: "Love it", "😍", "Génial") is scored in both languages, and the
// reading that says more wins (ties: English): its words are rated alike in both, so the
// choice rarely matters, whereas neutral 0 always misses. The mention's lang stays unset.
sentiment mention_enricher::sentiment_of(const mention_view& m, explanation* out) {
  if (!m.lang.empty()) return out ? analyzer_.explain(m.text, m.lang, out) : analyzer_.score(m.text, m.lang);
  const sentiment fr = analyzer_.score(m.text, "fr"), en = analyzer_.score(m.text, "en");
  const bool french = std::abs(fr.score) > std::abs(en.score);
  if (out) return analyzer_.explain(m.text, french ? "fr" : "en", out);
  return french ? fr : en;
}

void mention_enricher::enrich(mention_view& m) {
  detect(m);
  m.sent = sentiment_of(m, nullptr);
  match(m);
}

void mention_enricher::explain(mention_view& m, explanation* out) {
  detect(m);
  m.sent = sentiment_of(m, out);
  match(m);
}

void append_explained_json(const mention_view& m, const explanation& why, std::string* out) {
  append_enriched_json(m, out);
  out->pop_back();  // reopen the object for one more member
  out->append(",\"explanation\":");
  append_json(why, *out);
  out->push_back('}');
}

enricher_factory make_mention_enrichers(std::shared_ptr<const lexicon_set> lexicons,
                                        const watch_registry* watches) {
  return [lexicons, watches] { return std::make_unique<mention_enricher>(lexicons, watches); };
}

}  // namespace vigie::pipeline
