#include "pipeline/terms.h"

#include <gtest/gtest.h>

#include "pipeline/internal/tokenizer.h"

#include <string>
#include <vector>

namespace vigie::pipeline {
namespace {

std::vector<std::string> texts(term_extractor& ex, std::string_view text, std::string_view lang) {
  std::vector<term> terms;
  ex.extract(text, lang, &terms);
  std::vector<std::string> out;
  for (const term& t : terms) {
    EXPECT_EQ(t.hash, term_hash(t.text)) << t.text;
    out.emplace_back(t.text);
  }
  return out;
}

using strings = std::vector<std::string>;

TEST(TermExtractor, HeaderExample) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "Grève SNCF : les trains à l'arrêt #greve", "fr"),
            (strings{"grev", "sncf", "grev sncf", "train", "arret", "train arret", "#greve"}));
}

TEST(TermExtractor, FoldsCaseAndAccentsThenStems) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "GRÈVES", "fr"), strings{"grev"});
  EXPECT_EQ(texts(ex, "grève", "fr"), strings{"grev"});
  EXPECT_EQ(texts(ex, "Pannes", "fr"), strings{"pann"});
  EXPECT_EQ(texts(ex, "Outages", "en"), strings{"outag"});
  EXPECT_EQ(texts(ex, "running", "en-GB"), strings{"run"});
  // Combining accents are dropped like precomposed ones.
  EXPECT_EQ(texts(ex, "cafe\xCC\x81", "de"), strings{"cafe"});
}

TEST(TermExtractor, OtherLanguagesAreFoldedNotStemmed) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "Pannes", "de"), strings{"pannes"});
  EXPECT_EQ(texts(ex, "Pannes", ""), strings{"pannes"});
}

TEST(TermExtractor, DropsStopwordsOfBothLanguages) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "le service de la banque", "fr"), (strings{"servic", "banqu", "servic banqu"}));
  EXPECT_EQ(texts(ex, "the bank is not what it was", "fr"), strings{"bank"});
  EXPECT_TRUE(texts(ex, "et les the of", "en").empty());
  // Subjunctives, modals and everyday adverbs are grammar, not topics: an outage's "qu'il
  // soit réparé" must not make "soit" a signal.
  EXPECT_EQ(texts(ex, "Il faut vraiment que le réseau soit réparé", "fr"), (strings{"reseau", "repar", "reseau repar"}));
  EXPECT_EQ(texts(ex, "the network might never have been this slow, though", "en"), (strings{"network", "slow", "network slow"}));
  EXPECT_EQ(texts(ex, "aucun doute: ok yeah whats", "fr"), strings{"dout"});
}

TEST(TermExtractor, ElisionsAndApostrophes) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "j'adore l'arrêt d'urgence", "fr"), (strings{"ador", "arret", "ador arret", "urgenc", "arret urgenc"}));
  // Typographic apostrophe too.
  EXPECT_EQ(texts(ex, "l\xE2\x80\x99" "avion", "fr"), strings{"avion"});
  EXPECT_EQ(texts(ex, "don't panic", "en"), strings{"panic"});
}

TEST(TermExtractor, HashtagsAndHandlesAreKeptWholeAndApart) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "#BoycottBorel @Borel_FR borel", "fr"), (strings{"#boycottborel", "@borel_fr", "borel"}));
  EXPECT_EQ(texts(ex, "#Écologie", "fr"), strings{"#ecologie"});
  // A tag ends a phrase: no bigram spans it.
  EXPECT_EQ(texts(ex, "panne #reseau internet", "fr"), (strings{"pann", "#reseau", "internet"}));
  // Not tags: a lone sigil, digits only, '#' glued to a word.
  EXPECT_EQ(texts(ex, "# @ #2024 C#", "fr"), strings{});
}

TEST(TermExtractor, UrlsNumbersAndAddressesAreLeftOut) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "voir https://t.co/AbCd123 et www.example.com/page (http://x.y/z)", "fr"), strings{"voir"});
  EXPECT_EQ(texts(ex, "2024 15 000 4g covid19", "fr"), (strings{"4g", "covid19", "4g covid19"}));
  EXPECT_EQ(texts(ex, "écrivez à jean@example.com merci", "fr"), (strings{"ecriv", "jean", "ecriv jean", "merc"}));
}

TEST(TermExtractor, BigramsSkipStopwordsButNotPunctuation) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "rappel de produits", "fr"), (strings{"rappel", "produit", "rappel produit"}));
  EXPECT_EQ(texts(ex, "rappel. produits", "fr"), (strings{"rappel", "produit"}));
  EXPECT_EQ(texts(ex, "rappel, produits", "fr"), (strings{"rappel", "produit"}));
  EXPECT_EQ(texts(ex, "rappel 2024 produits", "fr"), (strings{"rappel", "produit"}));
  EXPECT_EQ(texts(ex, "rappel\nproduits", "fr"), (strings{"rappel", "produit"}));
}

TEST(TermExtractor, TermsAreDistinct) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "panne panne PANNE pannes", "fr"), (strings{"pann", "pann pann"}));
  EXPECT_EQ(texts(ex, "gel douche gel douche", "fr"), (strings{"gel", "douch", "gel douch", "douch gel"}));
}

TEST(TermExtractor, BoundedOnHugeTexts) {
  term_extractor ex;
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    text += "mot";
    text += std::to_string(i);
    text += "x ";
  }
  std::vector<term> terms;
  ex.extract(text, "fr", &terms);
  EXPECT_EQ(terms.size(), max_terms_per_mention);
  // One repeated word is one term, and its self-bigram.
  std::string same;
  for (int i = 0; i < 10000; ++i) same += "spam ";
  EXPECT_EQ(texts(ex, same, "en"), (strings{"spam", "spam spam"}));
  // Garbage: a very long run of letters, invalid UTF-8, control bytes.
  EXPECT_TRUE(texts(ex, std::string(5000, 'a'), "fr").empty());
  EXPECT_EQ(texts(ex, "\xFF\xFE panne \xC3", "fr"), strings{"pann"});
  EXPECT_TRUE(texts(ex, std::string("\0\x01\x02", 3), "fr").empty());
}

TEST(TermExtractor, AppendsAndStaysValidUntilNextCall) {
  term_extractor ex;
  std::vector<term> terms;
  ex.extract("panne", "fr", &terms);
  ex.extract("réseau", "fr", &terms);  // appends; the first call's views are no longer valid
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[1].text, "reseau");
  EXPECT_EQ(terms[0].hash, term_hash("pann"));
}

// The scanner folds U+00C0..U+00FF inline; the other letters go through internal::fold_to().
// Both must agree, and × and ÷ separate words.
TEST(TermExtractor, LatinOneLettersFoldLikeTheTokenizer) {
  term_extractor ex;
  for (unsigned cp = 0xC0; cp <= 0xFF; ++cp) {
    const std::string letter = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    const std::vector<std::string> got = texts(ex, "ab" + letter + "cd ZZ" + letter, "");
    if (cp == 0xD7 || cp == 0xF7) {
      EXPECT_EQ(got, (strings{"ab", "cd", "ab cd", "zz", "cd zz"})) << cp;
      continue;
    }
    char folded[8];
    const std::string f(folded, internal::fold_to(letter, folded));
    EXPECT_EQ(got, (strings{"ab" + f + "cd", "zz" + f, "ab" + f + "cd zz" + f})) << cp;
  }
}

// Stems come from Snowball on a word's first sighting, from the cache (kept bytes of the
// word and a new ending) after that, and from Snowball again once a flood of other words has
// evicted them: always the same.
TEST(TermExtractor, FrenchParticiplesOfEveryGenderAndNumberAreOneStem) {
  // Folding takes the accent off before Snowball runs: "gonflée" must not stem apart.
  term_extractor ex;
  for (const char* w : {"gonflé", "gonflée", "gonflés", "gonflées", "GONFLEE"})
    EXPECT_EQ(texts(ex, w, "fr"), strings{"gonfl"}) << w;
  EXPECT_EQ(texts(ex, "année", "fr"), texts(ex, "années", "fr"));
  EXPECT_EQ(texts(ex, "batterie gonflée", "fr"), texts(ex, "batterie a gonflé", "fr"));
}

TEST(TermExtractor, CachedStemsAreSnowballStems) {
  const std::vector<std::string> words = {"chevaux", "nationaux", "yeux", "généralement", "anticonstitutionnellement",
                                          "happy", "generously", "responsibilities", "internationalization",
                                          "running", "Grèves", "skies"};
  for (const char* lang : {"fr", "en"}) {
    std::vector<std::vector<std::string>> expected;
    for (const std::string& w : words) {
      term_extractor fresh;
      expected.push_back(texts(fresh, w, lang));
    }
    term_extractor ex;
    for (int round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < words.size(); ++i) EXPECT_EQ(texts(ex, words[i], lang), expected[i]) << words[i];
      if (round == 1) {
        std::vector<term> terms;
        for (std::size_t k = 0; k < stem_cache_entries + stem_cache_entries / 4; ++k) {
          terms.clear();
          ex.extract("flood" + std::to_string(k) + "ing", lang, &terms);
        }
      }
    }
  }
}

// ASCII words go to Snowball's ISO-8859-1 runtime, the faster one; a word that keeps other
// bytes after folding must go to the UTF-8 runtime, which reads "ﬁ" (U+FB01, a ligature of
// text copied from a PDF) as one letter: read as three Latin-1 bytes, "proﬁtables" would
// lose its "abl", as if its ligature were vowels.
// A soft hyphen, a zero-width space or joiner inside a word (pasted from a web page, or put
// there to dodge moderation) does not split it.
TEST(TermExtractor, InvisibleCharactersInsideWordsAreDropped) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "ar\u200Dnaque gr\u00ADève", "fr"), (strings{"arnaqu", "grev", "arnaqu grev"}));
  EXPECT_EQ(texts(ex, "#Boy\u200Bcott \uFEFFpanne", "fr"), (strings{"#boycott", "pann"}));
}

TEST(TermExtractor, WordsOfOtherLettersAreStemmedAsUtf8) {
  term_extractor ex;
  EXPECT_EQ(texts(ex, "proﬁtables profitables", "fr"), (strings{"proﬁtabl", "profit", "proﬁtabl profit"}));
  EXPECT_EQ(texts(ex, "ﬁnancables þorsteins", "fr"), (strings{"ﬁnancabl", "þorstein", "ﬁnancabl þorstein"}));
}

TEST(TermExtractor, PhrasesOfLongStemsAndRepeatedTerms) {
  term_extractor ex;
  // Stems over 16 bytes take the slow path of phrase forming; their text and hash must
  // still agree (texts() checks term_hash of every text).
  EXPECT_EQ(texts(ex, "anticonstitutionnellement extraordinairement gel", "fr"),
            (strings{"anticonstitutionnel", "extraordinair", "anticonstitutionnel extraordinair", "gel",
                     "extraordinair gel"}));
  EXPECT_EQ(texts(ex, "gel internationalisations internationalisations gel", "en"),
            (strings{"gel", "internationalis", "gel internationalis", "internationalis internationalis",
                     "internationalis gel"}));
  // A repeated word is one term, and so is a repeated phrase; the phrase after a repeat
  // pairs the right words.
  EXPECT_EQ(texts(ex, "gel douche gel douche gel", "fr"), (strings{"gel", "douch", "gel douch", "douch gel"}));
}

TEST(TermHash, BigramHashCombinesWordHashes) {
  EXPECT_TRUE(is_phrase(term_hash("gel douch")));
  EXPECT_FALSE(is_phrase(term_hash("gel")));
  EXPECT_FALSE(is_phrase(term_hash("#gel")));
  term_extractor ex;
  std::vector<term> terms;
  ex.extract("gel douche #promo", "fr", &terms);
  ASSERT_EQ(terms.size(), 4u);
  EXPECT_EQ(is_phrase(terms[2].hash), true);  // "gel douch"
  EXPECT_EQ(is_phrase(terms[0].hash) || is_phrase(terms[1].hash) || is_phrase(terms[3].hash), false);
  EXPECT_NE(term_hash("gel douch"), term_hash("douch gel"));
  EXPECT_NE(term_hash("gel"), term_hash("#gel"));
  EXPECT_NE(term_hash("gel"), term_hash("@gel"));
  // A phrase carries its words' hashes, so that the detector need not split and hash it.
  EXPECT_EQ(terms[2].first_word, term_hash("gel"));
  EXPECT_EQ(terms[2].second_word, term_hash("douch"));
  for (const std::size_t k : {0u, 1u, 3u}) EXPECT_EQ(terms[k].first_word | terms[k].second_word, 0u);
}

// Each term with the text it was read from, as extract() with spans gives them.
std::vector<std::pair<std::string, std::string>> spans_of(term_extractor& ex, std::string_view text,
                                                          std::string_view lang) {
  std::vector<term> terms, plain;
  std::vector<term_span> spans;
  ex.extract(text, lang, &terms, &spans);
  ex.extract(text, lang, &plain);
  EXPECT_EQ(terms.size(), spans.size());
  EXPECT_EQ(terms.size(), plain.size());  // the same terms either way
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < terms.size() && i < spans.size(); ++i) {
    EXPECT_EQ(terms[i].hash, plain[i].hash);
    EXPECT_LT(spans[i].begin, spans[i].end);
    EXPECT_LE(spans[i].end, text.size());
    out.emplace_back(terms[i].text, std::string(text.substr(spans[i].begin, spans[i].end - spans[i].begin)));
  }
  return out;
}

using pairs = std::vector<std::pair<std::string, std::string>>;

TEST(TermExtractor, SpansAreWhereTermsWereRead) {
  term_extractor ex;
  EXPECT_EQ(spans_of(ex, "Grève SNCF : les trains à l'arrêt #GreveSNCF @Borel_FR", "fr"),
            (pairs{{"grev", "Grève"}, {"sncf", "SNCF"}, {"grev sncf", "Grève SNCF"}, {"train", "trains"},
                   {"arret", "arrêt"}, {"train arret", "trains à l'arrêt"}, {"#grevesncf", "#GreveSNCF"},
                   {"@borel_fr", "@Borel_FR"}}));
  // A repeated term keeps the span of its first appearance; URLs and numbers are skipped.
  EXPECT_EQ(spans_of(ex, "rappel de produits https://x.fr/a 2024 Rappel  produit", "fr"),
            (pairs{{"rappel", "rappel"}, {"produit", "produits"}, {"rappel produit", "rappel de produits"}}));
  EXPECT_TRUE(spans_of(ex, "", "fr").empty());
}

TEST(WrittenForms, MostFrequentFormOfATerm) {
  term_extractor ex;
  written_forms forms;
  std::vector<term> terms;
  std::vector<term_span> spans;
  for (std::string_view text : {"GRÈVES à la SNCF", "grève à la SNCF demain", "Grève à la\t  SNCF", "grève à la SNCF !"}) {
    terms.clear();
    spans.clear();
    ex.extract(text, "fr", &terms, &spans);
    forms.add(text, terms, spans);
  }
  EXPECT_EQ(forms.most_frequent(term_hash("grev sncf")), "grève à la SNCF");
  EXPECT_EQ(forms.most_frequent(term_hash("grev")), "grève");
  EXPECT_EQ(forms.most_frequent(term_hash("demain")), "demain");
  EXPECT_EQ(forms.most_frequent(term_hash("absent")), "");

  // White space inside a form is one space; on a tie the first form seen wins.
  written_forms one;
  for (std::string_view text : {"Grève à la\t  SNCF", "GRÈVE à la SNCF"}) {
    terms.clear();
    spans.clear();
    ex.extract(text, "fr", &terms, &spans);
    one.add(text, terms, spans, term_hash("grev sncf"));
  }
  EXPECT_EQ(one.most_frequent(term_hash("grev sncf")), "Grève à la SNCF");
  EXPECT_EQ(one.most_frequent(term_hash("grev")), "") << "only the term asked for is tallied";
}

// The written form of one term in one text.
std::string form_in(term_extractor& ex, std::string_view text, std::string_view term_text) {
  std::vector<term> terms;
  std::vector<term_span> spans;
  ex.extract(text, "fr", &terms, &spans);
  written_forms forms;
  forms.add(text, terms, spans);
  return forms.most_frequent(term_hash(term_text));
}

TEST(WrittenForms, FormsAreWordsAndSpacesOnly) {
  term_extractor ex;
  // A word after an emoji starts at its first letter, not at the emoji's variation selector.
  EXPECT_EQ(form_in(ex, "\xE2\x9D\xA4\xEF\xB8\x8Fmerci Borel", "merc"), "merci");
  // Between a phrase's words: stopwords and spaces stay, punctuation does not.
  EXPECT_EQ(form_in(ex, "Rappel de l'ensemble des produits", "rappel ensembl"), "Rappel de l'ensemble");
  EXPECT_EQ(form_in(ex, "le produit \"top\" de Borel", "produit top"), "produit top");
  EXPECT_EQ(form_in(ex, "colis \xC2\xAB jamais \xC2\xBB re\xC3\xA7u", "colis recu"), "colis re\xC3\xA7u");
  EXPECT_EQ(form_in(ex, "rappel \xF0\x9F\x94\xA5 produit", "rappel produit"), "rappel produit");
  // No-break and thin spaces are spaces.
  EXPECT_EQ(form_in(ex, "gr\xC3\xA8ve\xC2\xA0\xE2\x80\xAF SNCF", "grev sncf"), "gr\xC3\xA8ve SNCF");
}

TEST(WrittenForms, AFrequentFormIsNeverCrowdedOut) {
  term_extractor ex;
  written_forms forms;
  std::vector<term> terms;
  std::vector<term_span> spans;
  auto add = [&](std::string_view text) {
    terms.clear();
    spans.clear();
    ex.extract(text, "en", &terms, &spans);
    forms.add(text, terms, spans);
  };
  // Many rare spellings first, then the usual one: it still wins.
  for (std::string_view rare : {"REFUND", "Refund", "ReFund", "rEfund", "reFund", "refUnd", "refuNd", "refunD", "REfund"})
    add(rare);
  for (int k = 0; k < 3; ++k) add("refund");
  EXPECT_EQ(forms.most_frequent(term_hash("refund")), "refund");
}

}  // namespace
}  // namespace vigie::pipeline
