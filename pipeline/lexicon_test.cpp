#include "pipeline/lexicon.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vigie::pipeline {
namespace {

TEST(lexicon, later_files_override_roles_and_terms_are_folded) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("fr", "fr.0-src.lex", "# comment\n\nGénial\t2.0\nsuper\t1.0\n").ok());
  ASSERT_TRUE(b.add_file("fr", "fr.9-cur.lex", "super\t2.3\nsuper\t0.35\tbooster\npas mal\t1.5\n").ok());
  auto set = b.finish();
  const lexicon* fr = set->find("FR-fr");
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ(set->find("de"), nullptr);
  ASSERT_NE(fr->find("genial"), nullptr);
  EXPECT_FLOAT_EQ(fr->find("genial")->valence, 2.0f);
  const lexicon_entry* s = fr->find("super");
  ASSERT_NE(s, nullptr);
  EXPECT_FLOAT_EQ(s->valence, 2.3f);
  EXPECT_FLOAT_EQ(s->booster, 0.35f);
  EXPECT_EQ(s->roles & (role_valence | role_booster), role_valence | role_booster);
  ASSERT_NE(fr->find("pas mal"), nullptr);
  EXPECT_TRUE(fr->find("pas")->roles & role_phrase_start);
  EXPECT_EQ(fr->find("absent"), nullptr);
}

// A later file's correction of a word carries to the forms an earlier file listed (a source
// lexicon lists every form of an adjective at one value); a form the correcting file, or a
// later one, lists keeps its own valence.
TEST(lexicon, a_corrected_word_corrects_the_forms_earlier_files_listed) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("fr", "fr.0-src.lex",
                         "haletant\t0.3\nhaletants\t0.3\nhaletantes\t0.3\nsale\t-0.3\nsalée\t-0.3\n"
                         "défait\t-0.3\ndéfaites\t-0.3\n").ok());
  ASSERT_TRUE(b.add_file("fr", "fr.9-cur.lex", "haletant\t2.2\nsale\t-1.6\nsalée\t-0.3\ndéfaite\t-2.0\n").ok());
  auto set = b.finish();
  const lexicon& fr = set->fr();
  EXPECT_FLOAT_EQ(fr.find("haletants")->valence, 2.2f);
  EXPECT_FLOAT_EQ(fr.find("haletantes")->valence, 2.2f);
  EXPECT_FLOAT_EQ(fr.find("haletante")->valence, 2.2f);  // not listed: added
  EXPECT_FLOAT_EQ(fr.find("salee")->valence, -0.3f);     // listed again with the correction
  EXPECT_FLOAT_EQ(fr.find("sales")->valence, -1.6f);
  // "défaites" is "défaite" + s and "défait" + es: the word a later file set wins.
  EXPECT_FLOAT_EQ(fr.find("defaites")->valence, -2.0f);
}

// Folding turns the final "é" of "choqué" into the "e" of "rapide": the listed form tells a
// participle, whose feminine is still to add, from a word that is already feminine.
TEST(lexicon, a_final_acute_accent_still_gets_its_feminine) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("fr", "fr.9-cur.lex", "choqué\t-2.0\nrapide\t1.0\nDÉPASSÉ\t-1.0\n").ok());
  auto set = b.finish();
  const lexicon& fr = set->fr();
  for (const char* form : {"choques", "choquee", "choquees", "depassee", "rapides"}) {
    ASSERT_NE(fr.find(form), nullptr) << form;
  }
  EXPECT_FLOAT_EQ(fr.find("choquees")->valence, -2.0f);
  EXPECT_EQ(fr.find("rapidee"), nullptr);
  EXPECT_EQ(fr.find("rapidees"), nullptr);
}

// An emoticon the tokenizer would split ("0_o" -> "0" "o") must not give its valence to a
// bare letter; multi-word sources become phrases with their first word marked.
TEST(lexicon, terms_split_into_punctuation_are_skipped) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("en", "en.0-src.lex",
                         "0_o\t-0.5\n8-d\t2.3\n:-c\t-1.0\nd:\t-2.9\nfed up\t-1.8\n"
                         "can't stand\t-2.0\ncan't stand it\t-2.2\n")
                  .ok());
  auto set = b.finish();
  const lexicon& en = set->en();
  EXPECT_EQ(en.find("o"), nullptr);
  EXPECT_EQ(en.find("d"), nullptr);
  EXPECT_EQ(en.find("c"), nullptr);
  // Faces are one token, also as VADER's lexicon writes them in lower case ("d:" for "D:").
  ASSERT_NE(en.find("d:"), nullptr);
  EXPECT_FLOAT_EQ(en.find("d:")->valence, -2.9f);
  ASSERT_NE(en.find(":-c"), nullptr);
  ASSERT_NE(en.find("fed up"), nullptr);
  ASSERT_NE(en.find("can't"), nullptr);
  EXPECT_EQ(en.find("can't")->phrase_words, 3);
}

TEST(lexicon, a_phrase_with_a_negator_among_its_words_holds_its_negation) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("fr", "fr.0-src.lex", "vaut pas le coup\t-2.0\nvaut le coup\t2.0\n").ok());
  // The negator may come from a later file: phrases are marked once every file is in.
  ASSERT_TRUE(b.add_file("fr", "fr.5-rules.lex", "pas\t-0.74\tnegator\n").ok());
  auto set = b.finish();
  const lexicon& fr = set->fr();
  ASSERT_NE(fr.find("vaut pas le coup"), nullptr);
  EXPECT_TRUE(fr.find("vaut pas le coup")->holds_negation);
  EXPECT_FALSE(fr.find("vaut le coup")->holds_negation);
  EXPECT_FALSE(fr.find("pas")->holds_negation);
}

TEST(lexicon, faces_the_tokenizer_cannot_see_are_skipped_and_new_roles_load) {
  lexicon_builder b;
  ASSERT_TRUE(b.add_file("en", "en.test",
                         "d=\t-3.0\n\\o/\t2.0\nj/k\t0.4\nrip-off\t-2.6\nand\t1\tscope_break\n"
                         "would\t0.6\tirrealis\n🙃\t-0.74\tirony\nfixed\t0.75\tremedy\n"
                         "outage\t-2.2\noutage\t1\ttrouble\n")
                  .ok());
  ASSERT_TRUE(b.add_file("fr", "fr.test", "n'\t-0.74\tnegator\n").ok());
  auto set = b.finish();
  const lexicon& en = set->en();
  // "d=" (the face "D=") would otherwise give -3 to every "d", "\o/" its valence to "o".
  EXPECT_EQ(en.find("d"), nullptr);
  EXPECT_EQ(en.find("o"), nullptr);
  // Between the words of a phrase, dropped bytes separate, as they do in text.
  ASSERT_NE(en.find("j k"), nullptr);
  ASSERT_NE(en.find("rip off"), nullptr);
  EXPECT_TRUE(en.find("and")->roles & role_scope_break);
  EXPECT_FLOAT_EQ(en.find("would")->irrealis, 0.6f);
  EXPECT_FLOAT_EQ(en.find("🙃")->irony, -0.74f);
  EXPECT_TRUE(en.find("fixed")->roles & role_remedy);
  EXPECT_FLOAT_EQ(en.find("fixed")->remedy, 0.75f);
  // A trouble is still a plain valence word for the inflections: its plural is a trouble too.
  ASSERT_NE(en.find("outages"), nullptr);
  EXPECT_EQ(en.find("outages")->roles, role_valence | role_trouble);
  // The French elided negator is found as the tokenizer folds it in text.
  ASSERT_NE(set->fr().find("n'"), nullptr);
  EXPECT_FLOAT_EQ(set->fr().find("n'")->negator, -0.74f);
  lexicon_builder c;
  EXPECT_EQ(c.add_file("en", "f", "if\t1.5\tirrealis\n").message(),
            "f:1: irrealis weight must be in (0, 1]");
  EXPECT_EQ(c.add_file("en", "f", "x\t0.5\tirony\n").message(),
            "f:1: irony multiplier must be in [-2, 0)");
  EXPECT_EQ(c.add_file("en", "f", "fixed\t-0.5\tremedy\n").message(), "f:1: remedy share must be in (0, 1]");
  EXPECT_EQ(c.add_file("en", "f", "thanks\t0.5\ttaunt\n").message(), "f:1: taunt multiplier must be in [-2, 0)");
  EXPECT_EQ(c.add_file("en", "f", "🙃\t-0.74\tirony\n🙃\t-0.5\ttaunt\n").message(),
            "f: '🙃' has two of irony, taunt, closer");
  EXPECT_EQ(c.add_file("en", "f", "great\t-0.5\ttaunt\ngreat\t-0.5\tcloser\n").message(),
            "f: 'great' has two of irony, taunt, closer");
  EXPECT_EQ(c.add_file("en", "f", "great\t0.5\tcloser\n").message(), "f:1: closer multiplier must be in [-2, 0)");
}

TEST(lexicon, errors_name_file_line_and_reason) {
  {
    // A file cut short to its header, or empty: an error, not every word neutral.
    lexicon_builder c;
    for (std::string_view body : {"# Generated by lexicon_convert\n# licence\n", ""}) {
      auto st = c.add_file("en", "en.0-vader.lex", body);
      EXPECT_FALSE(st.ok());
      EXPECT_TRUE(st.message().starts_with("en.0-vader.lex: no entry")) << st.message();
    }
    // One's own file with nothing in it yet is not an error.
    EXPECT_TRUE(c.add_file("fr", "fr.7-ours.lex", "# our own words, none yet\n").ok());
  }
  lexicon_builder b;
  auto st = b.add_file("en", "en.9-x.lex", "good\t1.9\nbad\tminus two\n");
  EXPECT_EQ(st.code(), status_code::invalid_argument);
  EXPECT_EQ(st.message(), "en.9-x.lex:2: value 'minus two' is not a number");
  EXPECT_EQ(b.add_file("en", "f", "great\t9\n").message(), "f:1: valence out of [-4, 4]");
  EXPECT_EQ(b.add_file("en", "f", "x\t1\tshouting\n").message(),
            "f:1: unknown role 'shouting' (valence, booster, negator, contrast, scope_break, irrealis, irony, taunt, closer, remedy, trouble, determiner)");
  EXPECT_EQ(b.add_file("en", "f", "not\t0.5\tnegator\n").message(),
            "f:1: negator multiplier must be in [-2, 0)");
  EXPECT_EQ(b.add_file("en", "f", "lonely\n").message(), "f:1: expected TERM<TAB>VALUE[<TAB>ROLE]");
  EXPECT_EQ(b.add_file("en", "f", "a b c d e\t1\n").message(), "f:1: set phrase longer than 4 words");
  // One file rates a term once per role: "remboursé" and "rembourse" are one term folded.
  EXPECT_EQ(b.add_file("fr", "f", "remboursé\t1.0\npanne\t-2\nrembourse\t0.3\n").message(),
            "f:3: 'rembourse' (rembourse) is rated 0.3 as valence, and at line 1 otherwise");
  EXPECT_TRUE(b.add_file("fr", "g", "remboursé\t1.0\nrembourse\t1.0\nrembourse\t0.3\tremedy\n").ok());
  // A failed file leaves nothing behind.
  EXPECT_EQ(b.finish()->en().find("good"), nullptr);
}

TEST(lexicon, load_lexicons_reads_a_directory) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("vigie_lexicon_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "all.5-emoji.lex") << "😍\t2.8\n";
  std::ofstream(dir / "en.0-a.lex") << "good\t1.9\n";
  std::ofstream(dir / "fr.0-a.lex") << "bon\t2.1\n";
  std::ofstream(dir / "notes.txt") << "ignored\n";
  auto lex = load_lexicons(dir.string());
  ASSERT_TRUE(lex.ok()) << lex.status().to_string();
  EXPECT_NE((*lex)->fr().find("😍"), nullptr);
  EXPECT_NE((*lex)->en().find("good"), nullptr);

  std::ofstream(dir / "fr.9-bad.lex") << "ok\t1\n\nmauvais\t-2\tvalence\textra\n";
  auto bad = load_lexicons(dir.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("fr.9-bad.lex:3: too many fields"), std::string::npos)
      << bad.status().message();
  fs::remove_all(dir);

  EXPECT_EQ(load_lexicons((dir / "missing").string()).status().code(), status_code::not_found);
}

}  // namespace
}  // namespace vigie::pipeline
