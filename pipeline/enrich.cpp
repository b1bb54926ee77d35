#include "pipeline/enrich.h"

#include "pipeline/language.h"

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

result<enricher_factory> make_mention_enrichers(const std::string& lexicon_dir) {
  auto lexicons = load_lexicons(lexicon_dir);
  if (!lexicons.ok()) return lexicons.status();
  std::shared_ptr<const lexicon_set> shared = *lexicons;
  return enricher_factory([shared] { return std::make_unique<mention_enricher>(shared); });
}

}  // namespace vigie::pipeline
