#include "pipeline/enrich.h"

#include "pipeline/language.h"
#include "pipeline/mention_json.h"

namespace vigie::pipeline {

void mention_enricher::detect(mention_view& m) {
  if (!m.lang.empty()) return;  // the source knows better, and detection is not free
  std::string_view lang = detect_language(m.text);
  if (lang.empty()) return;
  m.lang = lang;  // static storage
  m.lang_detected = true;
}

void mention_enricher::enrich(mention_view& m) {
  detect(m);
  m.sent = analyzer_.score(m.text, m.lang);
}

void mention_enricher::explain(mention_view& m, explanation* out) {
  detect(m);
  m.sent = analyzer_.explain(m.text, m.lang, out);
}

void append_explained_json(const mention_view& m, const explanation& why, std::string* out) {
  append_enriched_json(m, {}, out);
  out->pop_back();  // reopen the object for one more member
  out->append(",\"explanation\":");
  append_json(why, *out);
  out->push_back('}');
}

enricher_factory make_mention_enrichers(std::shared_ptr<const lexicon_set> lexicons) {
  return [lexicons] { return std::make_unique<mention_enricher>(lexicons); };
}

}  // namespace vigie::pipeline
