#include "pipeline/mention_codec.h"

#include <gtest/gtest.h>

namespace vigie::pipeline {
namespace {

TEST(mention_codec, round_trips_every_field) {
  mention_view m;
  m.id = "tw-1";
  m.text = "Borel 👎 #arnaque";
  m.created_at_ms = 1767225600123;
  m.source = "twitter";
  m.lang = "fr";
  m.lang_detected = true;
  m.title = "T";
  m.url = "https://x";
  m.author_id = "a";
  m.author_name = "b";
  m.author_followers = 0;
  m.reach = 123456789012;
  m.sent = {sentiment_label::negative, -0.75f};
  m.ingested_at_ms = 1767225601000;
  m.watches = "borel,kelvio";
  std::string rec;
  encode_mention(m, &rec);
  mention_view back;
  ASSERT_TRUE(decode_mention(rec, &back).ok());
  EXPECT_EQ(back.id, m.id);
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.created_at_ms, m.created_at_ms);
  EXPECT_EQ(back.source, m.source);
  EXPECT_EQ(back.lang, m.lang);
  EXPECT_TRUE(back.lang_detected);
  EXPECT_EQ(back.title, m.title);
  EXPECT_EQ(back.url, m.url);
  EXPECT_EQ(back.author_id, m.author_id);
  EXPECT_EQ(back.author_name, m.author_name);
  EXPECT_EQ(back.author_followers, 0);
  EXPECT_EQ(back.reach, m.reach);
  EXPECT_EQ(back.sent.label, sentiment_label::negative);
  EXPECT_FLOAT_EQ(back.sent.score, -0.75f);
  EXPECT_EQ(back.ingested_at_ms, m.ingested_at_ms);
  EXPECT_EQ(back.watches, "borel,kelvio");
  EXPECT_TRUE(back.sent.supported);
  // A language without a lexicon is remembered as such.
  m.sent = {sentiment_label::neutral, 0.0f, false};
  rec.clear();
  encode_mention(m, &rec);
  ASSERT_TRUE(decode_mention(rec, &back).ok());
  EXPECT_FALSE(back.sent.supported);
  EXPECT_TRUE(back.lang_detected);
  // The extremes the parser accepts: not given (-1) and INT64_MAX (found by the fuzzer: the
  // encoder's reach + 1 overflowed).
  m.reach = INT64_MAX;
  m.author_followers = -1;
  rec.clear();
  encode_mention(m, &rec);
  ASSERT_TRUE(decode_mention(rec, &back).ok());
  EXPECT_EQ(back.reach, INT64_MAX);
  EXPECT_EQ(back.author_followers, -1);
}

TEST(mention_codec, version_1_records_are_still_read) {
  mention_view m;
  m.id = "old";
  m.text = "written before watches existed";
  std::string rec;
  encode_mention(m, &rec);
  rec[0] = 1;
  rec.pop_back();  // version 1 ends after author_name: drop the empty watches string
  mention_view back;
  ASSERT_TRUE(decode_mention(rec, &back).ok());
  EXPECT_EQ(back.text, m.text);
  EXPECT_EQ(back.watches, "");
}

TEST(mention_codec, every_truncation_is_corruption_not_a_crash) {
  mention_view m;
  m.id = "x";
  m.text = "hello";
  std::string rec;
  encode_mention(m, &rec);
  for (std::size_t n = 0; n < rec.size(); ++n) {
    mention_view back;
    EXPECT_EQ(decode_mention(std::string_view(rec).substr(0, n), &back).code(),
              status_code::corruption)
        << n;
  }
  rec[0] = 9;
  mention_view back;
  EXPECT_NE(decode_mention(rec, &back).message().find("version 9"), std::string::npos);
}

}  // namespace
}  // namespace vigie::pipeline
