#include "pipeline/internal/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigie::pipeline::internal {
namespace {

std::vector<std::string> folded_words(tokenizer& t, std::string_view text, bool french) {
  t.tokenize(text, french);
  std::vector<std::string> out;
  for (const auto& k : t.tokens())
    if (k.kind == token_kind::word || k.kind == token_kind::emoji || k.kind == token_kind::emoticon)
      out.emplace_back(t.folded(k));
  return out;
}

TEST(tokenizer, folds_case_accents_and_splits_french_elisions) {
  tokenizer t;
  EXPECT_EQ(folded_words(t, "J'adore l’Équipe, c'est GÉNIAL", true),
            (std::vector<std::string>{"j'", "adore", "l'", "equipe", "c'", "est", "genial"}));
  // English keeps its apostrophes: "don't" is one negator.
  EXPECT_EQ(folded_words(t, "I don't like it", false),
            (std::vector<std::string>{"i", "don't", "like", "it"}));
}

TEST(tokenizer, splits_camel_case_hashtags_and_skips_urls_and_mentions) {
  tokenizer t;
  EXPECT_EQ(folded_words(t, "#BoycottBorel @Borel_FR https://x.co/a?b=1 #epicfail", true),
            (std::vector<std::string>{"boycott", "borel", "epicfail"}));
  t.tokenize("@Borel_FR https://x.co/a", false);
  ASSERT_EQ(t.tokens().size(), 2u);
  EXPECT_EQ(t.tokens()[0].kind, token_kind::user_mention);
  EXPECT_EQ(t.tokens()[1].kind, token_kind::url);
}

TEST(tokenizer, emoji_emoticons_and_punctuation) {
  tokenizer t;
  EXPECT_EQ(folded_words(t, "top 👍🏽 ❤️ :-) xD <3 ^^ great:)", false),
            (std::vector<std::string>{"top", "👍", "❤", ":-)", "xd", "<3", "^^", "great", ":)"}));
  t.tokenize("Nul!!! Vraiment??", true);
  ASSERT_EQ(t.tokens().size(), 4u);
  EXPECT_EQ(t.tokens()[1].kind, token_kind::exclamation);
  EXPECT_EQ(t.tokens()[1].count, 3);
  EXPECT_EQ(t.tokens()[3].kind, token_kind::question);
  EXPECT_EQ(t.tokens()[3].count, 2);
  // "10:30" is a time, not an emoticon.
  EXPECT_EQ(folded_words(t, "at 10:30", false), (std::vector<std::string>{"at"}));
  // Faces with a letter or an angle bracket for a mouth, and the cheer: one token each, not a
  // letter that would take a word's valence ("l" is a word of VADER's lexicon).
  t.tokenize("D: :c :l :< >: \\o/ >.<", false);
  ASSERT_EQ(t.tokens().size(), 7u);
  for (const auto& k : t.tokens()) EXPECT_EQ(k.kind, token_kind::emoticon) << k.raw;
  EXPECT_EQ(t.folded(t.tokens()[0]), "d:");
}

TEST(tokenizer, html_escapes_repeated_mouths_and_lone_elisions) {
  tokenizer t;
  // Web APIs keep HTML escapes: "&lt;3" is a heart, the other entities are punctuation.
  EXPECT_EQ(folded_words(t, "Tom &amp; Jerry &gt; all, I &lt;3 it &lt;30 & co", false),
            (std::vector<std::string>{"tom", "jerry", "all", "i", "<3", "it", "co"}));
  // A repeated mouth stays one face.
  EXPECT_EQ(folded_words(t, "yes :DDD no :((( ok :PP", false),
            (std::vector<std::string>{"yes", ":ddd", "no", ":(((", "ok", ":pp"}));
  EXPECT_EQ(folded_words(t, ":Paris", false), (std::vector<std::string>{"paris"}));
  // An elision before a space or at the end is still the elided word ("n'" in a lexicon).
  EXPECT_EQ(folded_words(t, "j' aime n'", true), (std::vector<std::string>{"j'", "aime", "n'"}));
  EXPECT_EQ(folded_words(t, "rock n' roll", false), (std::vector<std::string>{"rock", "n", "roll"}));
}

TEST(tokenizer, flags_caps_and_elongation) {
  tokenizer t;
  t.tokenize("this is HORRIBLE and sooooo bad", false);
  const auto toks = t.tokens();
  ASSERT_EQ(toks.size(), 6u);
  EXPECT_TRUE(toks[2].flags & flag_all_caps);
  EXPECT_TRUE(toks[4].flags & flag_elongated);
  EXPECT_FALSE(toks[5].flags & (flag_all_caps | flag_elongated));
  EXPECT_TRUE(t.has_lower_case_word());
  std::string out;
  collapse_runs("geniaaal", 1, out);
  EXPECT_EQ(out, "genial");
  collapse_runs("gooood", 2, out);
  EXPECT_EQ(out, "good");
}

// Words of ASCII and Latin-1 letters, and French elisions, take a fast path; words with other
// letters, marks or inner apostrophes the general one. Both must read a word alike.
TEST(tokenizer, latin1_words_and_elisions_read_alike_on_both_paths) {
  tokenizer t;
  // Latin-1 (fast) beside Latin Extended (œ) and decomposed accents (general: a combining
  // mark is part of its word and folds away). Þ has no base form and stays as written.
  EXPECT_EQ(folded_words(t, "Été ÇA straße Þorn naïf œuvre e\u0301te\u0301 2ème", true),
            (std::vector<std::string>{"ete", "ca", "strasse", "\u00de" "orn", "naif", "oeuvre", "ete", "2eme"}));
  // x and ÷ are no letters: they end a word.
  EXPECT_EQ(folded_words(t, "caf\u00e9\u00d7th\u00e9", false), (std::vector<std::string>{"cafe", "the"}));
  t.tokenize("GÉNIAL Génial géniaaal ÉTÉ É", true);
  const auto toks = t.tokens();
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_TRUE(toks[0].flags & flag_all_caps);
  EXPECT_FALSE(toks[1].flags & flag_all_caps);
  EXPECT_TRUE(toks[2].flags & flag_elongated);
  EXPECT_TRUE(toks[3].flags & flag_all_caps);
  EXPECT_FALSE(toks[4].flags & flag_all_caps);  // one letter is no shouting
  EXPECT_EQ(toks[1].hash, toks[0].hash);        // folded alike, hashed alike
  t.tokenize("ÉTÉ NUL", true);
  EXPECT_FALSE(t.has_lower_case_word());
  // Elisions with either apostrophe, before an accented word or a number ("2" is a number
  // token, not a word); inner apostrophes
  // that are no elision stay in the word.
  EXPECT_EQ(folded_words(t, "C'EST qu\u2019il l'été d'2 qu'aujourd'hui jusqu’à", true),
            (std::vector<std::string>{"c'", "est", "qu'", "il", "l'", "ete", "d'", "qu'", "aujourd'hui",
                                      "jusqu'", "a"}));
  for (const auto& k : t.tokens()) {
    if (t.folded(k).ends_with("'")) {
      EXPECT_EQ(k.flags, flag_elision) << k.raw;
    }
  }
  // Decomposed text reads as composed text, in hashtags too; an accent never starts a word
  // or a tag, and never makes a word of its own.
  EXPECT_EQ(folded_words(t, "ge\u0301nial #Ge\u0301nialBorel ge\u0301ne\u0301ral", true),
            (std::vector<std::string>{"genial", "genial", "borel", "general"}));
  EXPECT_EQ(folded_words(t, "#\u0301 #a_\u0301 @\u0301e #2\u0301a", false),
            (std::vector<std::string>{"a", "e", "a"}));
  for (const auto& k : t.tokens()) EXPECT_FALSE(k.kind == token_kind::word && k.fold_size == 0) << k.raw;
  // English does not split them: an apostrophe between letters is part of the word.
  EXPECT_EQ(folded_words(t, "c'est l'été", false), (std::vector<std::string>{"c'est", "l'ete"}));
  EXPECT_EQ(folded_words(t, "O'Neil's dogs' toys rock'n'roll DON'T", false),
            (std::vector<std::string>{"o'neil's", "dogs", "toys", "rock'n'roll", "don't"}));
  EXPECT_TRUE(t.tokens().back().flags & flag_all_caps);
}

TEST(tokenizer, survives_invalid_utf8_and_bounds_tokens) {
  tokenizer t;
  const std::string bad = "ok \xC3 \xFF\xFE caf\xC3\xA9 \xF0\x9F";
  t.tokenize(bad, true);
  EXPECT_FALSE(t.tokens().empty());
  std::string big;
  for (std::size_t i = 0; i < max_tokens + 100; ++i) big += "a ";
  t.tokenize(big, false);
  EXPECT_EQ(t.tokens().size(), max_tokens);
  // An elision that takes the last token: the word after it, dropped, still counts as lower
  // case, as on the general path.
  std::string caps;
  for (std::size_t i = 0; i + 1 < max_tokens; ++i) caps += "AB ";
  t.tokenize(caps + "l'ete", true);
  EXPECT_EQ(t.tokens().size(), max_tokens);
  EXPECT_TRUE(t.has_lower_case_word());
}

}  // namespace
}  // namespace vigie::pipeline::internal
