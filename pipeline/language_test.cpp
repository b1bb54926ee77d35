#include "pipeline/language.h"

#include <gtest/gtest.h>

namespace vigie::pipeline {
namespace {

TEST(language, detects_french_and_english_mentions) {
  EXPECT_EQ(detect_language("Le service client est injoignable depuis trois jours, c'est une honte"), "fr");
  EXPECT_EQ(detect_language("The customer service has been unreachable for three days, shameful"), "en");
  EXPECT_EQ(detect_language("Der Kundendienst ist seit drei Tagen nicht erreichbar"), "de");
}

TEST(language, unknown_is_empty_never_an_error) {
  EXPECT_EQ(detect_language(""), "");
  EXPECT_EQ(detect_language("lol"), "");
  EXPECT_EQ(detect_language("12345 67890 !!!"), "");
  EXPECT_EQ(detect_language("\xFF\xFE\xFD invalid bytes \xC3"), detect_language("\xFF\xFE\xFD invalid bytes \xC3"));
}

}  // namespace
}  // namespace vigie::pipeline
