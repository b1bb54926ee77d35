#include "pipeline/mention_json.h"

#include <gtest/gtest.h>

#include "pipeline/mention_parser.h"

namespace vigie::pipeline {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(s, &out);
  return out;
}

TEST(mention_json, escapes_what_json_requires) {
  EXPECT_EQ(quoted("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(quoted("Café 😍"), "\"Café 😍\"");
}

TEST(mention_json, invalid_utf8_becomes_replacement_characters) {
  EXPECT_EQ(quoted("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");
  EXPECT_EQ(quoted("\xc3"), "\"\xef\xbf\xbd\"");          // truncated sequence
  EXPECT_EQ(quoted("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
}

TEST(mention_json, times_are_rfc3339_utc_with_milliseconds) {
  std::string s;
  append_rfc3339_ms(1709208000500, &s);
  EXPECT_EQ(s, "2024-02-29T12:00:00.500Z");
  s.clear();
  append_rfc3339_ms(0, &s);
  EXPECT_EQ(s, "1970-01-01T00:00:00.000Z");
  // Past four-digit years, the nearest time that has them (it was "9999-01-01", before the
  // "from" of a range ending at 10000-01-01).
  s.clear();
  append_rfc3339_ms(253402300800000, &s);  // 10000-01-01T00:00:00Z
  EXPECT_EQ(s, "9999-12-31T23:59:59.999Z");
  s.clear();
  append_rfc3339_ms(-62167219200001, &s);
  EXPECT_EQ(s, "0000-01-01T00:00:00.000Z");
}

TEST(mention_json, enriched_mention_round_trips_through_the_parser) {
  mention_view m;
  m.id = "42";
  m.text = "Super \"SAV\"";
  m.created_at_ms = 1709208000500;
  m.source = "review";
  m.lang = "fr";
  m.author_name = "Zoé";
  m.author_followers = 10;
  m.sent = {sentiment_label::positive, 0.5f};
  m.ingested_at_ms = 1709208001000;
  m.watches = "borel,kelvio";
  std::string out;
  append_enriched_json(m, &out);
  EXPECT_NE(out.find(R"("sentiment":{"label":"positive","score":0.5000})"), std::string::npos);
  EXPECT_NE(out.find(R"("watches":["borel","kelvio"])"), std::string::npos);
  EXPECT_NE(out.find(R"("reach":10)"), std::string::npos);
  mention_parser p;
  mention_view back;
  ASSERT_TRUE(p.parse_one(out, &back).ok()) << out;
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.created_at_ms, m.created_at_ms);
  EXPECT_EQ(back.author_name, "Zoé");
  // A language without a lexicon: flagged, not passed off as a neutral reading.
  m.lang = "de";
  m.sent = {sentiment_label::neutral, 0.0f, false};
  out.clear();
  append_enriched_json(m, &out);
  EXPECT_NE(out.find(R"("sentiment":{"label":"neutral","score":0.0000,"supported":false})"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigie::pipeline
