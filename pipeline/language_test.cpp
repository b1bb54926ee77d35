#include "pipeline/language.h"

#include <gtest/gtest.h>

namespace vigie::pipeline {
namespace {

TEST(language, detects_french_and_english_mentions) {
  EXPECT_EQ(detect_language("Le service client est injoignable depuis trois jours, c'est une honte"), "fr");
  EXPECT_EQ(detect_language("The customer service has been unreachable for three days, shameful"), "en");
  EXPECT_EQ(detect_language("Der Kundendienst ist seit drei Tagen nicht erreichbar"), "de");
}

TEST(language, short_french_posts_are_told_by_their_function_words) {
  // CLD2 alone calls these English; the function words settle them.
  EXPECT_EQ(detect_language("le SAV de Borel : carrément impeccable, je m'attendais à pire #conso"), "fr");
  EXPECT_EQ(detect_language("Kelvio ou VELORIA pour ma facture ? J'hésite #Kelvio"), "fr");
  EXPECT_EQ(detect_language("fiber from Banque Aurore is super slow #BanqueAuroreDown"), "en");
}

TEST(language, other_languages_still_go_to_cld2) {
  // Spanish shares "de", "la", "que" with French: its own words send it to CLD2.
  EXPECT_EQ(detect_language("El servicio de la empresa es muy malo y caro, no lo recomiendo"), "es");
  EXPECT_EQ(detect_language("Der Kundendienst ist nicht erreichbar und sehr schlecht"), "de");
  EXPECT_EQ(detect_language("Il servizio clienti non risponde da tre giorni, che vergogna"), "it");
}

TEST(language, tells_whether_it_is_sure) {
  bool sure = false;
  EXPECT_EQ(detect_language("Le service client est injoignable depuis trois jours, c'est une honte", &sure), "fr");
  EXPECT_TRUE(sure);
  EXPECT_EQ(detect_language("The customer service has been unreachable for three days, shameful", &sure), "en");
  EXPECT_TRUE(sure);
  // Two French words: CLD2 guesses English, and says it is not sure.
  EXPECT_EQ(detect_language("Trop bien !", &sure), "en");
  EXPECT_FALSE(sure);
  EXPECT_EQ(detect_language("lol", &sure), "");
  EXPECT_FALSE(sure);
}

TEST(language, a_short_post_in_another_script_is_no_unsure_english) {
  // CLD2 calls each an unsure "en": French and English are written in Latin letters.
  bool sure = true;
  EXPECT_EQ(detect_language("Привет мир", &sure), "");
  EXPECT_FALSE(sure);
  EXPECT_EQ(detect_language("שלום עולם נהדר"), "");
  EXPECT_EQ(detect_language("Привет мир 😀 ok"), "");
  // Latin letters with accents, emoji and marks are still Latin.
  EXPECT_EQ(detect_language("Trop bien 😍👍"), "en");
  EXPECT_EQ(detect_language("Tro\u0301p bie\u0301n !"), detect_language("Trop bien !"));
  // Nor is a post of emoji, links, handles and tags only: it has no words.
  for (const char* text : {"😍😍", "😡😡😡 👍👍👍", "https://example.com", "www.borel.fr", "@borel #promo #soldes",
                           "😍 https://example.com/a"}) {
    EXPECT_EQ(detect_language(text), "") << text;
  }
  EXPECT_NE(detect_language("Trop bien https://example.com/a"), "");  // words beside the link: an answer
  // Longer posts are told by CLD2 for sure.
  EXPECT_EQ(detect_language("Привет мир, это очень хороший продукт и я его люблю"), "ru");
}

TEST(language, codes_are_iso_639_1) {
  // CLD2 answers "iw" (withdrawn) for Hebrew and "zh-Hant" for traditional Chinese.
  EXPECT_EQ(detect_language("שלום עולם, זה מוצר נהדר מאוד ואני אוהב אותו, תודה רבה לכולם על העזרה"), "he");
  EXPECT_EQ(detect_language("這是一個非常好的產品，我很喜歡它，謝謝大家的支持"), "zh");
}

TEST(language, function_words_lean_one_way_or_none) {
  EXPECT_EQ(function_word_lean("Nuvela fibre au top"), 1);
  EXPECT_EQ(function_word_lean("Love it"), -1);
  EXPECT_EQ(function_word_lean("Le SAV et the support"), 1);
  EXPECT_EQ(function_word_lean("Top"), 0);
  EXPECT_EQ(function_word_lean("El servicio es top"), 0);  // a Spanish word: no lean
}

TEST(language, unknown_is_empty_never_an_error) {
  EXPECT_EQ(detect_language(""), "");
  EXPECT_EQ(detect_language("lol"), "");
  EXPECT_EQ(detect_language("12345 67890 !!!"), "");
  EXPECT_EQ(detect_language("\xFF\xFE\xFD invalid bytes \xC3"), detect_language("\xFF\xFE\xFD invalid bytes \xC3"));
  // An overlong form made CLD2 read out of bounds (found by tests/fuzz/text_fuzz.cpp).
  EXPECT_EQ(detect_language("surrogate \xC0\xAF overlong text"), "");
  EXPECT_EQ(detect_language("la panne \xC0\xAF est dans le quartier et le SAV ne répond pas"), "fr");
}

}  // namespace
}  // namespace vigie::pipeline
