#include "pipeline/sentiment.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace vigie::pipeline {
namespace {

// A small hand-written lexicon: the rules are tested apart from the big source lexicons.
std::shared_ptr<const lexicon_set> test_lexicons() {
  lexicon_builder b;
  EXPECT_TRUE(b.add_file("en", "en.test",
                         "good\t1.9\nbad\t-2.5\ngreat\t3.1\nrefund\t-0.8\n"
                         "not\t-0.74\tnegator\nvery\t0.293\tbooster\nbut\t1.5\tcontrast\n"
                         "not bad\t1.5\n:)\t2.0\n<3\t1.9\nnever\t-0.74\tnegator\n"
                         "so\t0.293\tbooster\nand\t1\tscope_break\nwould\t0.6\tirrealis\n"
                         "🙃\t-1.0\n🙃\t-0.74\tirony\nrefund accepted\t1.5\n"
                         "problem\t-1.7\nproblem\t1\ttrouble\nfixed\t0.75\tremedy\nhaven't\t-0.74\tnegator\n"
                         "loving\t2.9\n")
                  .ok());
  EXPECT_TRUE(b.add_file("fr", "fr.test",
                         "bon\t2.0\nnul\t-2.3\nsuper\t2.3\nsuper\t0.35\tbooster\nbien\t1.5\n"
                         "ne\t-0.74\tnegator\nn'\t-0.74\tnegator\npas\t-0.74\tnegator\n"
                         "mais\t1.5\tcontrast\ntrop\t0.293\tbooster\npas mal\t1.5\n"
                         "arnaque\t-3.0\n😡\t-2.8\nque du bonheur\t3.0\nrien\t-0.74\tnegator\n"
                         "sert à rien\t-2.0\nproblème\t-1.5\nproblème\t1\ttrouble\nréglé\t1.5\n"
                         "réglé\t0.75\tremedy\nabusifs\t-2.0\n"
                         "toujours pas\t-1.0\nmerci\t1.5\nmerci\t-0.5\ttaunt\nperdu\t-1.5\n"
                         "top\t2.0\ntop\t-0.5\tcloser\n")
                  .ok());
  return b.finish();
}

TEST(sentiment, labels_follow_the_lexicon) {
  sentiment_analyzer a(test_lexicons());
  EXPECT_EQ(a.score("a good day", "en").label, sentiment_label::positive);
  EXPECT_EQ(a.score("a bad day", "en").label, sentiment_label::negative);
  EXPECT_EQ(a.score("a day", "en").label, sentiment_label::neutral);
  EXPECT_EQ(a.score("a day", "en").score, 0.0f);
  EXPECT_EQ(a.score("c'est une arnaque 😡", "fr").label, sentiment_label::negative);
  auto s = a.score("great great great great great great great great", "en");
  EXPECT_GT(s.score, 0.9f);
  EXPECT_LE(s.score, 1.0f);
}

TEST(sentiment, negation_flips_and_set_phrases_win) {
  sentiment_analyzer a(test_lexicons());
  EXPECT_LT(a.score("not good", "en").score, 0.0f);
  EXPECT_GT(a.score("not bad", "en").score, 0.0f);                 // set phrase
  EXPECT_LT(a.score("ce n'est pas bon", "fr").score, 0.0f);        // ne ... pas counts once
  EXPECT_LT(a.score("je ne suis pas bon", "fr").score, 0.0f);
  EXPECT_GT(a.score("c'est pas mal", "fr").score, 0.0f);
  // An elongated first word still starts its phrase: "paaas mal" is "pas mal", said louder.
  EXPECT_GE(a.score("c'est paaas mal", "fr").score, a.score("c'est pas mal", "fr").score);
  // Negation stops at punctuation.
  EXPECT_GT(a.score("not me. good", "en").score, 0.0f);
}

TEST(sentiment, boosters_caps_elongation_and_exclamations_amplify) {
  sentiment_analyzer a(test_lexicons());
  const float base = a.score("it is good", "en").score;
  EXPECT_GT(a.score("it is very good", "en").score, base);
  EXPECT_GT(a.score("it is GOOD", "en").score, base);
  EXPECT_GT(a.score("it is goooood", "en").score, base);
  EXPECT_GT(a.score("it is good!!!", "en").score, base);
  // "super" alone is a valence word, before a valence word a booster.
  EXPECT_GT(a.score("super", "fr").score, 0.0f);
  EXPECT_GT(a.score("super bien", "fr").score, a.score("bien", "fr").score);
  EXPECT_LT(a.score("trop nul", "fr").score, a.score("nul", "fr").score);
}

TEST(sentiment, a_long_text_dilutes_and_french_has_a_dead_zone) {
  sentiment_analyzer a(test_lexicons());
  const float short_text = a.score("it is good", "en").score;
  const float long_text =
      a.score("it is good and we went there on a sunday with the kids after the game", "en").score;
  EXPECT_GT(long_text, 0.0f);
  EXPECT_LT(long_text, short_text);
  sentiment_options no_length;
  no_length.length_exponent = 0.0f;
  sentiment_analyzer b(test_lexicons(), no_length);
  EXPECT_FLOAT_EQ(b.score("it is good and we went there on a sunday with the kids after the game", "en").score,
                  short_text);
  // French: a raw sum within fr_dead_zone is neutral.
  sentiment_options tiny_zone;
  tiny_zone.fr_dead_zone = 100.0f;
  sentiment_analyzer c(test_lexicons(), tiny_zone);
  EXPECT_EQ(c.score("c'est super", "fr").label, sentiment_label::neutral);
  EXPECT_EQ(c.score("it is good", "en").label, sentiment_label::positive);
}

TEST(sentiment, regular_inflections_find_their_lexicon_entry) {
  sentiment_analyzer a(test_lexicons());
  // The builder adds regular plurals, and in French feminines ("nulle"), of plain valence
  // words: they score as the listed form.
  EXPECT_EQ(a.score("two refunds", "en").score, a.score("two refund", "en").score);
  // "refund" starts a set phrase ("refund accepted") and still gets its plural; the plural
  // starts no phrase.
  EXPECT_LT(a.score("two refunds", "en").score, 0.0f);
  EXPECT_GT(a.score("refund accepted", "en").score, 0.0f);
  EXPECT_LT(a.score("refunds accepted", "en").score, 0.0f);
  EXPECT_LT(a.score("des arnaques", "fr").score, 0.0f);
  EXPECT_EQ(a.score("elle est nulle", "fr").score, a.score("elle est nul", "fr").score);
  EXPECT_EQ(a.score("des nulles", "fr").score, a.score("des nul", "fr").score);
  // Only plain valence words get forms: "never" negates, "nevers" is not a word of the
  // lexicon. A short word plus a letter is another word ("bads"), and English has no
  // feminine ("goode").
  EXPECT_LT(a.score("never good", "en").score, 0.0f);
  EXPECT_EQ(a.score("nevers good", "en").score, a.score("good", "en").score);
  EXPECT_EQ(a.score("bads", "en").score, 0.0f);
  EXPECT_EQ(a.score("goode", "en").score, 0.0f);
  // Social text drops the g of "-ing": "lovin" is "loving"; short words keep theirs.
  EXPECT_EQ(a.score("lovin it", "en").score, a.score("loving it", "en").score);
  EXPECT_GT(a.score("lovin it", "en").score, 0.0f);
}

TEST(sentiment, the_clause_after_a_contrast_weighs_more) {
  sentiment_analyzer a(test_lexicons());
  EXPECT_LT(a.score("good but bad", "en").score, 0.0f);
  EXPECT_GT(a.score("bad but good", "en").score, 0.0f);
  EXPECT_GT(a.score("c'est nul mais super bon", "fr").score, 0.0f);
}

TEST(sentiment, negation_is_asymmetric_and_negates_one_word) {
  sentiment_analyzer a(test_lexicons());
  // A negated negative word is mildly positive, less than a negated positive is negative.
  const float not_bad = a.score("not a bad day", "en").score;
  EXPECT_GT(not_bad, 0.0f);
  EXPECT_LT(not_bad, -a.score("not a good day", "en").score);
  sentiment_options symmetric;
  symmetric.negated_negative_weight = 1.0f;
  EXPECT_GT(sentiment_analyzer(test_lexicons(), symmetric).score("not a bad day", "en").score, not_bad);
  // "aren't good at bad jokes": the negator is spent on "good"; "bad" stays bad.
  EXPECT_LT(a.score("you aren't good at bad jokes", "en").score,
            a.score("you aren't good at jokes", "en").score);
  // "and" ends the negation's scope, as a comma does.
  EXPECT_LT(a.score("not big and bad", "en").score, 0.0f);
  // "never ... so": emphasis, not negation.
  EXPECT_GT(a.score("never been so good", "en").score, 0.0f);
  EXPECT_LT(a.score("never good", "en").score, 0.0f);
  // French: "ne ... que" restricts; a phrase that holds its negation is not negated again.
  EXPECT_GT(a.score("ce n'est que du bonheur", "fr").score, 0.0f);
  EXPECT_GT(a.score("ce n'est pas mal", "fr").score, 0.0f);
  EXPECT_LT(a.score("ce n'est pas bon", "fr").score, 0.0f);
  EXPECT_LT(a.score("il n'est bon", "fr").score, 0.0f);  // "n'" alone negates too
  // A negator inside the phrase holds the negation too: "ne ... rien" is one negation.
  EXPECT_LT(a.score("ça ne sert à rien", "fr").score, 0.0f);
  EXPECT_EQ(a.score("ça ne sert à rien", "fr").score, a.score("ça sert à rien", "fr").score);
}

TEST(sentiment, a_taunt_turns_around_when_the_rest_of_its_text_is_negative) {
  sentiment_analyzer a(test_lexicons());
  // "merci" (1.5, taunt -0.5) said of bad news mocks it: -1.5 - 0.75.
  explanation e;
  a.explain("colis perdu, merci", "fr", &e);
  ASSERT_EQ(e.items.size(), 3u);
  EXPECT_FLOAT_EQ(e.items[1].contribution, -0.75f);
  EXPECT_EQ(e.items[1].modifiers, "taunt: the rest of the text is negative");
  // The French dead zone is an item too: the items add up to raw_sum.
  EXPECT_EQ(e.items[2].token, "(whole text)");
  EXPECT_EQ(e.items[2].rule, "dead zone");
  EXPECT_FLOAT_EQ(e.items[2].contribution, 0.4f);
  EXPECT_FLOAT_EQ(e.raw_sum, -1.85f);
  // Alone, or where the rest of the text is not negative enough, it is sincere.
  EXPECT_GT(a.score("merci", "fr").score, 0.0f);
  EXPECT_GT(a.score("colis bon, merci", "fr").score, 0.0f);
  EXPECT_GT(a.score("colis perdu mais bon, merci", "fr").score, 0.0f);
  sentiment_options strict;
  strict.taunt_threshold = 2.0f;  // the rest must sum to -2 or less
  explanation sincere;
  sentiment_analyzer(test_lexicons(), strict).explain("colis perdu, merci", "fr", &sincere);
  EXPECT_FLOAT_EQ(sincere.raw_sum, 0.0f);
}

TEST(sentiment, a_closer_taunts_only_as_the_short_sentence_that_ends_the_text) {
  sentiment_analyzer a(test_lexicons());
  // "top" (2.0, closer -0.5) closing a text of bad news mocks it: -1.5 - 1.0.
  explanation e;
  a.explain("Colis perdu. Top.", "fr", &e);
  ASSERT_EQ(e.items.size(), 3u);  // and the dead zone
  EXPECT_FLOAT_EQ(e.items[1].contribution, -1.0f);
  EXPECT_EQ(e.items[1].modifiers, "taunt: the rest of the text is negative");
  a.explain("Colis perdu ! Vraiment top 😡", "fr", &e);  // faces after it still close the text
  ASSERT_EQ(e.items.size(), 5u);                           // and the '!', the dead zone
  EXPECT_EQ(e.items[1].token, "top");
  EXPECT_FLOAT_EQ(e.items[1].contribution, -1.0f);
  // Elsewhere in the text, in a longer closing sentence, or in a text of one sentence, sincere.
  a.explain("Top livreur, colis perdu.", "fr", &e);
  EXPECT_FLOAT_EQ(e.items[0].contribution, 2.0f);
  a.explain("Colis perdu. Le livreur était top quand même.", "fr", &e);
  EXPECT_FLOAT_EQ(e.items[1].contribution, 2.0f);
  a.explain("colis perdu top", "fr", &e);
  EXPECT_FLOAT_EQ(e.items[1].contribution, 2.0f);
  // A closing sentence that says what was good is a verdict, however short.
  a.explain("Colis perdu. Livreur top.", "fr", &e);
  EXPECT_FLOAT_EQ(e.items[1].contribution, 2.0f);
  EXPECT_GT(a.score("Colis livré. Top.", "fr").score, 0.0f);
}

TEST(sentiment, a_remedy_reports_a_trouble_solved_unless_it_is_negated) {
  sentiment_analyzer a(test_lexicons());
  // Before or after the trouble, within the scope of 3 words: positive, at 0.75 of its valence.
  const float problem = a.score("my problem", "en").score;
  EXPECT_LT(problem, 0.0f);
  EXPECT_GT(a.score("they fixed my problem", "en").score, 0.0f);
  explanation why;
  a.explain("they fixed my problem", "en", &why);
  ASSERT_EQ(why.items.size(), 1u);
  EXPECT_FLOAT_EQ(why.items[0].contribution, 1.7f * 0.75f);
  EXPECT_EQ(why.items[0].modifiers, "solved: 'fixed'");
  EXPECT_GT(a.score("the problem is fixed now", "en").score, 0.0f);
  // Too far, or across a clause: still a trouble.
  EXPECT_EQ(a.score("fixed it all day long problem", "en").score,
            a.score("mended it all day long problem", "en").score);
  EXPECT_LT(a.score("fixed, but problem", "en").score, 0.0f);
  // A negated remedy leaves the trouble as it is: the negator is the remedy's, so it does
  // not turn "problem" into a mild positive either.
  EXPECT_EQ(a.score("they haven't fixed my problem", "en").score, a.score("they my problem", "en").score);
  EXPECT_LT(a.score("problem not fixed", "en").score, 0.0f);
  // Only troubles are remedied: not positive words, not other negative ones ("réglé" also
  // means paid).
  EXPECT_EQ(a.score("fixed a good day", "en").score, a.score("a good day", "en").score);
  EXPECT_EQ(a.score("fixed a bad day", "en").score, a.score("mended a bad day", "en").score);
  EXPECT_LT(a.score("j'ai réglé des frais abusifs", "fr").score, 0.0f);
  // French: the remedy's own valence adds to the solved trouble; a phrase that holds its
  // negation negates the remedy.
  EXPECT_GT(a.score("problème réglé", "fr").score, a.score("réglé", "fr").score);
  EXPECT_LT(a.score("problème toujours pas réglé", "fr").score, 0.0f);
  EXPECT_LT(a.score("ils n'ont pas réglé mon problème", "fr").score, 0.0f);
}

TEST(sentiment, questions_names_hypotheticals_and_irony_are_not_plain_opinion) {
  sentiment_analyzer a(test_lexicons());
  const float plain = a.score("it is good.", "en").score;
  const float question = a.score("is it good?", "en").score;
  EXPECT_GT(question, 0.0f);
  EXPECT_LT(question, plain);
  const float hypothetical = a.score("it would be good", "en").score;
  EXPECT_GT(hypothetical, 0.0f);
  EXPECT_LT(hypothetical, a.score("it will be good", "en").score);
  // A capitalised word inside a sentence is a name or a title; alone, it is no opinion.
  EXPECT_EQ(a.score("we watched Good Will Hunting", "en").label, sentiment_label::neutral);
  EXPECT_EQ(a.score("we watched a good film", "en").label, sentiment_label::positive);
  EXPECT_EQ(a.score("Good film", "en").label, sentiment_label::positive);        // first word
  EXPECT_EQ(a.score("we watched a GOOD film", "en").label, sentiment_label::positive);  // shouting
  EXPECT_EQ(a.score("done :) Good film", "en").label, sentiment_label::positive);  // after a face
  EXPECT_EQ(a.score("new today - Good film", "en").label, sentiment_label::positive);  // after a dash
  EXPECT_EQ(a.score("new today, Good film", "en").label, sentiment_label::neutral);   // not a comma
  // A tweet's words after an @handle or a link start anew: "Happy birthday @sis Love you".
  EXPECT_EQ(a.score("new today @bob Good film", "en").label, sentiment_label::positive);
  EXPECT_EQ(a.score("new today http://example.com Good film", "en").label, sentiment_label::positive);
  sentiment_options no_names;
  no_names.name_weight = 1.0f;
  EXPECT_EQ(sentiment_analyzer(test_lexicons(), no_names).score("we watched Good Will Hunting", "en").label,
            sentiment_label::positive);
  // An irony marker turns the praise of its text around.
  EXPECT_LT(a.score("great service 🙃", "en").score, 0.0f);
  EXPECT_GT(a.score("great service", "en").score, 0.0f);
  explanation e;
  a.explain("is it good?", "en", &e);
  ASSERT_FALSE(e.items.empty());
  EXPECT_EQ(e.items[0].modifiers, "in a question");
  EXPECT_FLOAT_EQ(e.items[0].contribution, 1.9f * 0.5f);
}

TEST(sentiment, repeated_mouths_and_html_escapes_are_the_same_faces) {
  sentiment_analyzer a(test_lexicons());
  EXPECT_FLOAT_EQ(a.score("done :)))", "en").score, a.score("done :)", "en").score);
  EXPECT_GT(a.score("I &lt;3 it", "en").score, 0.0f);
  EXPECT_EQ(a.score("Tom &amp; Jerry &gt; all", "en").score, 0.0f);
}

TEST(sentiment, unsupported_language_is_neutral_not_an_error) {
  sentiment_analyzer a(test_lexicons());
  EXPECT_FALSE(a.supports("de"));
  EXPECT_FALSE(a.supports(""));
  EXPECT_TRUE(a.supports("en-GB"));
  auto s = a.score("sehr gut", "de");
  EXPECT_EQ(s.label, sentiment_label::neutral);
  EXPECT_EQ(s.score, 0.0f);
  EXPECT_FALSE(s.supported);
  EXPECT_TRUE(a.score("very good", "en").supported);
  EXPECT_TRUE(a.score("", "fr").supported);
  explanation e;
  a.explain("sehr gut", "de", &e);
  EXPECT_FALSE(e.supported);
}

TEST(sentiment, explain_lists_tokens_and_rules_as_json) {
  sentiment_analyzer a(test_lexicons());
  explanation e;
  auto s = a.explain("not very \"good\" :)", "en", &e);
  EXPECT_EQ(s.score, a.score("not very \"good\" :)", "en").score);
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(e.items[0].token, "good");
  EXPECT_EQ(e.items[0].rule, "lexicon");
  EXPECT_FLOAT_EQ(e.items[0].valence, 1.9f);
  EXPECT_LT(e.items[0].contribution, 0.0f);
  EXPECT_EQ(e.items[0].modifiers, "boosted by 'very'; negated by 'not'");
  EXPECT_EQ(e.items[1].rule, "emoticon");
  std::string json;
  append_json(e, json);
  EXPECT_EQ(json.rfind("{\"lang\":\"en\",\"supported\":true,", 0), 0u) << json;
  EXPECT_NE(json.find("\"token\":\"good\",\"rule\":\"lexicon\",\"valence\":1.9,"), std::string::npos) << json;
  EXPECT_EQ(json.back(), '}');
}

// The shipped lexicons (VIGIE_LEXICON_DIR is set by ctest): end-to-end cases users see.
TEST(sentiment, shipped_lexicons_score_e_reputation_mentions) {
  const char* dir = std::getenv("VIGIE_LEXICON_DIR");
  if (dir == nullptr) GTEST_SKIP() << "VIGIE_LEXICON_DIR not set";
  auto lex = load_lexicons(dir);
  ASSERT_TRUE(lex.ok()) << lex.status().to_string();
  sentiment_analyzer a(*lex);
  auto label = [&](std::string_view t, std::string_view l) { return a.score(t, l).label; };
  const auto pos = sentiment_label::positive, neg = sentiment_label::negative;
  EXPECT_EQ(label("Le SAV est injoignable depuis 3 jours, c'est une honte !", "fr"), neg);
  EXPECT_EQ(label("Franchement pas mal le nouveau forfait", "fr"), pos);
  EXPECT_EQ(label("Le service client, c'est pas terrible...", "fr"), neg);
  EXPECT_EQ(label("Livraison au top, merci @Borel 😍", "fr"), pos);
  EXPECT_EQ(label("#BoycottBorel arnaque totale", "fr"), neg);
  EXPECT_EQ(label("j'adore, c'est géniaaal", "fr"), pos);
  EXPECT_EQ(label("Je ne suis pas du tout satisfait", "fr"), neg);
  EXPECT_EQ(label("The app is not bad at all", "en"), pos);
  EXPECT_EQ(label("Still waiting for my refund, total scam", "en"), neg);
  EXPECT_EQ(label("Another outage?? Support unreachable 😡", "en"), neg);
  EXPECT_EQ(label("Great phone but the battery is awful", "en"), neg);
  EXPECT_EQ(label("It could have been better", "en"), neg);
  // Spoken French negation after the verb, idioms, faces that start with a letter.
  EXPECT_EQ(label("j'aime pas du tout leur nouvelle appli", "fr"), neg);
  EXPECT_EQ(label("je recommande pas", "fr"), neg);
  EXPECT_EQ(label("l'appli est vraiment bien foutue", "fr"), pos);
  EXPECT_EQ(label("rien à redire, livraison rapide", "fr"), pos);
  EXPECT_EQ(label("Lost my phone again D: D:", "en"), neg);
  EXPECT_EQ(label("omg D:", "en"), neg);                // the face alone decides
  EXPECT_EQ(label("I lost my fave pen :l", "en"), neg);  // not the word "l" (+2)
  EXPECT_EQ(label("finally \\o/", "en"), pos);
  // Solved troubles, and verdicts of reviews and customer service.
  EXPECT_EQ(label("They fixed my problem in five minutes", "en"), pos);
  EXPECT_EQ(label("The outage is fixed now", "en"), pos);
  EXPECT_EQ(label("They still haven't fixed my problem", "en"), neg);
  EXPECT_EQ(label("Panne réparée dans la journée", "fr"), pos);
  EXPECT_EQ(label("Ils n'ont toujours pas réglé mon problème", "fr"), neg);
  EXPECT_EQ(label("Can't cancel my subscription", "en"), neg);
  EXPECT_EQ(label("Never arrived. Won't be back.", "en"), neg);
  EXPECT_EQ(label("On ne reviendra pas", "fr"), neg);
  EXPECT_EQ(label("C'est de la camelote", "fr"), neg);
  // Service incidents and churn.
  EXPECT_EQ(label("Sans internet depuis trois jours", "fr"), neg);
  EXPECT_EQ(label("La 5G ne capte nulle part", "fr"), neg);
  EXPECT_EQ(label("Je vais changer d'opérateur", "fr"), neg);
  EXPECT_EQ(label("The bank froze my card without warning", "en"), neg);
  EXPECT_EQ(label("App unusable since the update", "en"), neg);
  EXPECT_EQ(label("The driver didn't even show up", "en"), neg);
  // Negated words and scorn inside set phrases.
  EXPECT_EQ(label("Couldn't be happier", "en"), pos);
  EXPECT_EQ(label("Nothing but problems since day one", "en"), neg);
  EXPECT_EQ(label("Prices are a joke", "en"), neg);
  EXPECT_EQ(label("Abonnement résilié, bon débarras", "fr"), neg);
  EXPECT_EQ(label("C'est du vol pur et simple", "fr"), neg);
  EXPECT_EQ(label("mid at best", "en"), neg);  // not "best"
  EXPECT_EQ(label("Hell yeah", "en"), pos);     // not "hell"
  EXPECT_EQ(label("Not my cup of tea", "en"), neg);
  EXPECT_EQ(label("j'ai le seum", "fr"), neg);
  // "loin d'être", "far from": negations of several words.
  EXPECT_EQ(label("Le service client est loin d'être à la hauteur", "fr"), neg);
  EXPECT_EQ(label("Far from perfect", "en"), neg);
  // News events and feelings said with a noun, which pattern's adjectives lack; and the
  // homographs that accent folding would make of them ("primé", the insurance "prime").
  EXPECT_EQ(label("Le film remporte la Palme d'or", "fr"), pos);
  EXPECT_EQ(label("Accident mortel sur le chantier, l'entreprise mise en examen", "fr"), neg);
  EXPECT_EQ(label("La peur de perdre mes données", "fr"), neg);
  EXPECT_EQ(label("Ils augmentent ma prime sans explication", "fr"), neg);
  EXPECT_EQ(a.score("Le club affrontera Lille en Ligue des champions", "fr").label, sentiment_label::neutral);
  EXPECT_EQ(label("Pas très honnête", "fr"), neg);
  // Praise said of bad news mocks it; said of good news, it is sincere.
  EXPECT_EQ(label("La Poste a perdu mon colis, génial", "fr"), neg);
  EXPECT_EQ(label("Train annulé, merci la SNCF", "fr"), neg);
  EXPECT_EQ(label("Livraison rapide, merci !", "fr"), pos);
  EXPECT_EQ(label("Oh great, another update that deleted my settings", "en"), neg);
  EXPECT_EQ(label("They replaced it, no questions asked", "en"), pos);  // not a negated "questions"
  EXPECT_EQ(label("Quality has gone downhill", "en"), neg);
  EXPECT_EQ(label("Shares plummeted after the recall", "en"), neg);
  // A remedy role stops the automatic inflections: the forms keep their listed valence.
  EXPECT_EQ(label("réparée", "fr"), pos);
  EXPECT_EQ(label("réglées", "fr"), pos);
  // Everyday words VADER's lexicon lacks.
  EXPECT_EQ(label("The food was incredible", "en"), pos);
  EXPECT_EQ(label("Staff unhelpful, room filthy", "en"), neg);
  EXPECT_EQ(label("Personnel aux petits soins", "fr"), pos);
  EXPECT_EQ(label("Le service peut mieux faire", "fr"), neg);
  EXPECT_EQ(label("I don't like the new update", "en"), neg);
  EXPECT_EQ(a.score("Looks like rain tomorrow", "en").label, sentiment_label::neutral);
  // Irony, restriction, negation inside a set phrase, emoticons in French, escaped hearts.
  EXPECT_EQ(label("Merci pour les 3 heures d'attente au téléphone, vraiment top 🙃", "fr"), neg);
  EXPECT_EQ(label("Ce n'est que du bonheur", "fr"), pos);
  EXPECT_EQ(label("Ce n'est pas mal du tout", "fr"), pos);
  EXPECT_EQ(label("La box ne marche jamais, aucune solution", "fr"), neg);
  EXPECT_EQ(label("livré en retard :(", "fr"), neg);
  EXPECT_EQ(label("I &lt;3 this phone", "en"), pos);
  EXPECT_EQ(label("Never been so happy with a purchase", "en"), pos);
  EXPECT_EQ(label("The support isn't helpful and rude", "en"), neg);
  EXPECT_EQ(a.score("Watching Happy Feet tonight", "en").label, sentiment_label::neutral);
  EXPECT_EQ(label("Test drove the new EV, I'm sold", "en"), pos);  // "I" names no one
  // Prepositions that pattern's adjective lexicon scored ("sur" folds like "sûr").
  EXPECT_EQ(a.score("Le colis est sur la table depuis lundi", "fr").score, 0.0f);
  // Reviews: expectations are not waiting, a negated phrase that starts with "pas" keeps its
  // sign under "ne", "sans surprise" is no negated surprise.
  EXPECT_EQ(label("Produit conforme à mes attentes", "fr"), pos);
  EXPECT_EQ(label("Ne correspond pas à mes attentes", "fr"), neg);
  EXPECT_EQ(label("Un film qui ne tient pas ses promesses", "fr"), neg);
  EXPECT_EQ(label("Mauvaise surprise à l'ouverture du colis", "fr"), neg);
  EXPECT_EQ(label("Je suis resté sur ma faim", "fr"), neg);
  EXPECT_EQ(label("Film longuet, acteurs peu convaincants", "fr"), neg);
  EXPECT_NE(label("Conforme, sans surprise", "fr"), neg);
  // A "ne" before a phrase with its own negator is the same negation; praise said by
  // negating a complaint is praise.
  EXPECT_EQ(label("Franchement, ça ne vaut pas le coup", "fr"), neg);
  EXPECT_EQ(label("Mon colis n'est toujours pas arrivé", "fr"), neg);
  EXPECT_EQ(label("Je n'ai toujours rien reçu", "fr"), neg);
  EXPECT_EQ(label("Ils ne répondent plus depuis des semaines", "fr"), neg);
  EXPECT_EQ(label("Rien ne va dans cette boutique", "fr"), neg);
  EXPECT_GT(a.score("Je ne suis pas déçu", "fr").score, 0.3f);
  EXPECT_EQ(label("Jamais eu de souci avec eux", "fr"), pos);
  EXPECT_EQ(label("Je reviendrai sans hésiter", "fr"), pos);
  EXPECT_GT(a.score("I wasn't disappointed", "en").score, 0.3f);
  EXPECT_EQ(label("Never had a problem with them", "en"), pos);
  EXPECT_EQ(label("Can't recommend enough", "en"), pos);
  EXPECT_EQ(label("Customer service never answers", "en"), neg);
  EXPECT_EQ(label("Thanks for nothing", "en"), neg);
  // Review verdicts, slang, relief, and "super" said of bad news.
  EXPECT_EQ(label("No cap best tacos in the city", "en"), pos);  // no negated "best"
  EXPECT_EQ(label("The food was inedible", "en"), neg);
  EXPECT_EQ(label("L take.", "en"), neg);  // the "L" of a loss, not VADER's +2
  EXPECT_EQ(label("Accueil exécrable", "fr"), neg);
  EXPECT_EQ(label("Pas si mal, je m'attendais à pire", "fr"), pos);
  EXPECT_EQ(label("Encore un contrôle de physique demain", "fr"), sentiment_label::neutral);
  EXPECT_EQ(label("La hotline me raccroche au nez pour la 2e fois, super", "fr"), neg);
  EXPECT_EQ(label("Super, merci !", "fr"), pos);
  EXPECT_EQ(label("Finally got an offer", "en"), pos);
  EXPECT_EQ(label("Cant recommend them enough", "en"), pos);  // not a negated "recommend"
  EXPECT_EQ(label("Je suis aux anges", "fr"), pos);
  EXPECT_EQ(label("Je suis trop excitée pour demain", "fr"), pos);
  // Spoken negation without "ne", unless the words are also a comparative.
  EXPECT_EQ(label("Le réseau marche jamais", "fr"), neg);
  EXPECT_NE(label("Depuis la mise à jour l'appli marche plus vite", "fr"), neg);
  // From a blind probe of brand mentions. "toujours pas" negates the word after it too;
  // "plus" after a rated word is spoken "ne ... plus" unless it compares.
  EXPECT_EQ(label("toujours pas satisfait", "fr"), neg);
  EXPECT_EQ(label("c'est toujours pas bien", "fr"), neg);
  EXPECT_EQ(label("j'aime plus", "fr"), neg);
  EXPECT_EQ(label("je recommande plus ce site", "fr"), neg);
  EXPECT_EQ(label("ça marche plus depuis hier", "fr"), neg);
  EXPECT_EQ(label("j'aime plus que tout cette marque", "fr"), pos);
  EXPECT_EQ(label("c'est bien plus rapide qu'avant", "fr"), pos);
  // Laughter at bad news mocks it; at good news it cheers.
  EXPECT_EQ(label("encore en panne 😂😂😂", "fr"), neg);
  EXPECT_EQ(label("Bravo à l'équipe 👏👏", "fr"), pos);
  EXPECT_EQ(label("😂😂 trop drôle la pub Borel", "fr"), pos);
  // "mais bon" is a filler before a break or a pronoun, a contrast and a rating before a noun.
  EXPECT_EQ(label("livraison nulle mais bon produit", "fr"), pos);
  EXPECT_EQ(label("bon produit mais bon la livraison est nulle", "fr"), neg);
  // Words that were mis-rated or missing.
  EXPECT_EQ(label("sans le moindre problème", "fr"), pos);
  EXPECT_EQ(label("Au final je suis satisfait", "fr"), pos);
  EXPECT_EQ(label("J'ai reçu un bon d'achat de 10€", "fr"), sentiment_label::neutral);
  EXPECT_EQ(label("Rien ne marche sur ce site", "fr"), neg);
  EXPECT_EQ(label("Ça aurait pu être mieux, la taille est trop petite", "fr"), neg);
  EXPECT_EQ(label("c'est de ouf", "fr"), pos);
  EXPECT_EQ(label("c pa top", "fr"), neg);
  EXPECT_EQ(label("thank you so much for the quick reply", "en"), pos);
  EXPECT_EQ(label("Honestly terrible", "en"), neg);
  // Articles and possessives do not count towards a negator's reach of three words.
  EXPECT_EQ(label("Never had a single problem with this company.", "en"), pos);
  EXPECT_EQ(label("jamais eu le moindre problème avec eux", "fr"), pos);
  EXPECT_EQ(label("not in my wildest dreams good", "en"), pos);  // four words back, "my" aside: out of reach
  // Invisible characters inside a word do not split it.
  EXPECT_EQ(label("quelle ar\u200Dnaque", "fr"), neg);
  EXPECT_EQ(label("gé\u00ADnial", "fr"), pos);
  EXPECT_EQ(label("nu\u200Bl", "fr"), neg);
}

// Bad input never crashes and never yields a score outside [-1, 1] or NaN.
TEST(sentiment, survives_hostile_input) {
  sentiment_analyzer a(test_lexicons());
  std::string megabyte;
  while (megabyte.size() < (1u << 20)) megabyte += "good bad not very great :) 😡 ";
  const std::string cases[] = {
      "",
      "😡😡😡🤬",
      "http://a.example/x https://b.example/y?z=1 www.c.example",
      megabyte,
      std::string("good \xff\xfe\xc3 bad \xe2\x82 \xf0\x9f\x98"),
      std::string("\0good\0", 6),
      "good mais pas mal, très bon but not bad",
      "مرحبا هذا رائع good שלום",                       // right-to-left scripts, mixed
      "\u200f\u200egood\u200f",                     // directional marks
      "👨\u200d👩\u200d👧\u200d👦 good \u200d\u200d\u200d",  // zero-width joiners, alone too
      std::string(5000, '!') + std::string(5000, '?'),
      std::string(100000, 'a'),
      ":) :( :-) D: o_O ^^ <3 xD",
      "#######@@@@@ #_ @ # ",
      "&lt;&lt;3&amp;&#39;& &lt; &lt;3",             // HTML escapes, cut short at the end
      "n' j' qu' l'",                               // lone elisions
      "Good? Bad? ? Great Good Good 🙃 :DDDD :((((",
  };
  for (const auto& text : cases) {
    for (const char* lang : {"en", "fr", "de", ""}) {
      auto s = a.score(text, lang);
      EXPECT_TRUE(s.score >= -1.0f && s.score <= 1.0f) << lang << " " << text.substr(0, 40);
      explanation why;
      a.explain(text.substr(0, 4096), lang, &why);
      std::string json;
      append_json(why, json);
      EXPECT_FALSE(json.empty());
    }
  }
  EXPECT_EQ(a.score("", "en").label, sentiment_label::neutral);
  EXPECT_EQ(a.score("http://a.example/great", "en").score, 0.0f);
  EXPECT_EQ(a.score(megabyte, "en").label, a.score(megabyte, "en").label);  // deterministic
}

}  // namespace
}  // namespace vigie::pipeline
