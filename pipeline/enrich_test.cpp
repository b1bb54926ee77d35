#include "pipeline/enrich.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>

namespace vigie::pipeline {
namespace {

// The shipped lexicons (VIGIE_LEXICON_DIR is set by ctest); null when it is not set. A set
// directory that does not load is a failure, not a skip.
std::shared_ptr<const lexicon_set> shipped_lexicons() {
  const char* dir = std::getenv("VIGIE_LEXICON_DIR");
  if (dir == nullptr) return nullptr;
  auto lex = load_lexicons(dir);
  if (!lex.ok()) {
    ADD_FAILURE() << lex.status().to_string();
    return nullptr;
  }
  return *lex;
}

// The language and label enrichment gives a mention without `lang`.
std::pair<std::string, sentiment_label> enriched(mention_enricher& e, std::string_view text) {
  mention_view m;
  m.id = "1";
  m.text = text;
  e.enrich(m);
  return {std::string(m.lang), m.sent.label};
}

TEST(enrich, posts_of_no_known_language_are_scored_all_the_same) {
  auto lexicons = shipped_lexicons();
  if (!lexicons) GTEST_SKIP() << "VIGIE_LEXICON_DIR not set";
  mention_enricher e(lexicons);
  const auto pos = sentiment_label::positive, neg = sentiment_label::negative;
  // Both lexicons know these alike and the detector says nothing: the language stays unknown,
  // the sentiment does not (it was neutral 0).
  for (std::string_view text : {"😍", "👍", "Génial", "Love", "Top"}) {
    EXPECT_EQ(enriched(e, text), std::make_pair(std::string(), pos)) << text;
  }
  // A function word breaks the tie: "it" is English, "au" French.
  EXPECT_EQ(enriched(e, "Love it"), std::make_pair(std::string("en"), pos));
  EXPECT_EQ(enriched(e, "Au top"), std::make_pair(std::string("fr"), pos));
  for (std::string_view text : {"😡", "Boycott"}) {
    EXPECT_EQ(enriched(e, text), std::make_pair(std::string(), neg)) << text;
  }
  EXPECT_EQ(enriched(e, "Borel ?").second, sentiment_label::neutral);
}

TEST(enrich, short_posts_get_the_language_whose_lexicon_knows_their_words) {
  auto lexicons = shipped_lexicons();
  if (!lexicons) GTEST_SKIP() << "VIGIE_LEXICON_DIR not set";
  mention_enricher e(lexicons);
  const auto pos = sentiment_label::positive, neg = sentiment_label::negative;
  // CLD2 calls each of these an unsure "en", or nothing: the lexicons settle them.
  EXPECT_EQ(enriched(e, "Trop bien"), std::make_pair(std::string("fr"), pos));
  EXPECT_EQ(enriched(e, "je kiffe"), std::make_pair(std::string("fr"), pos));
  EXPECT_EQ(enriched(e, "Nul, Borel."), std::make_pair(std::string("fr"), neg));
  EXPECT_EQ(enriched(e, "Colis jamais reçu"), std::make_pair(std::string("fr"), neg));
  EXPECT_EQ(enriched(e, "Arnaque"), std::make_pair(std::string("fr"), neg));
  EXPECT_EQ(enriched(e, "scam"), std::make_pair(std::string("en"), neg));
  EXPECT_EQ(enriched(e, "What a shame"), std::make_pair(std::string("en"), neg));
  // A sure detection is kept, even when the French lexicon knows more of the words (Latin
  // adjectives: "banal", "simple"): CLD2 is sure these are English.
  EXPECT_EQ(enriched(e, "Banal and predictable.").first, "en");
  EXPECT_EQ(enriched(e, "a quiet, pure, elliptical film").first, "en");
  // CLD2 is sure of another language, on too few words to be: the lexicons settle it, and
  // leave it where they know nothing.
  EXPECT_EQ(enriched(e, "Nuvela fibre au top"), std::make_pair(std::string("fr"), pos));
  EXPECT_EQ(enriched(e, "Servizio ottimo").first, "it");
  EXPECT_EQ(enriched(e, "Servicio excelente").first, "es");
  // Nothing either lexicon knows: the detector's answer, here none.
  EXPECT_EQ(enriched(e, "Borel ?").first, "");
  // Nor for a short post in another script (CLD2 called these an unsure "en"): a watch of
  // English mentions must not get them.
  EXPECT_EQ(enriched(e, "Привет мир").first, "");
  EXPECT_EQ(enriched(e, "שלום עולם נהדר").first, "");
  // A source's language is never second-guessed.
  mention_view given;
  given.id = "2";
  given.text = "Trop bien";
  given.lang = "en";
  e.enrich(given);
  EXPECT_EQ(given.lang, "en");
  EXPECT_FALSE(given.lang_detected);
}

}  // namespace
}  // namespace vigie::pipeline
