#include "storage/keys.h"

#include <gtest/gtest.h>

namespace vigie::storage {
namespace {

TEST(keys, mention_key_round_trips) {
  std::string k;
  append_mention_key({"acme", 1767225600123, "twitter", "tw-42"}, &k);
  auto parts = decode_mention_key(k);
  ASSERT_TRUE(parts.ok()) << parts.status().to_string();
  EXPECT_EQ(parts->tenant, "acme");
  EXPECT_EQ(parts->created_at_ms, 1767225600123);
  EXPECT_EQ(parts->source, "twitter");
  EXPECT_EQ(parts->id, "tw-42");
}

TEST(keys, sources_fold_to_lower_case) {
  char out[max_source_bytes];
  EXPECT_TRUE(fold_source("Google-News_2.FR", out));
  EXPECT_EQ(std::string_view(out, 16), "google-news_2.fr");
  EXPECT_FALSE(fold_source("news", out));
  EXPECT_EQ(std::string_view(out, 4), "news");
}

TEST(keys, time_order_is_byte_order_including_before_1970) {
  std::int64_t times[] = {-86400000, -1, 0, 1, 1767225600000, INT64_MAX};
  for (std::size_t i = 1; i < std::size(times); ++i) {
    std::string a, b;
    append_time(times[i - 1], &a);
    append_time(times[i], &b);
    EXPECT_LT(a, b) << times[i - 1] << " vs " << times[i];
    EXPECT_EQ(decode_time(b.data()), times[i]);
  }
}

TEST(keys, one_tenant_prefix_never_covers_another) {
  // "ab" and "abc" share leading characters; the length prefix keeps their ranges apart.
  std::string ab, abc;
  append_mention_key({"ab", 0, "s", "1"}, &ab);
  append_mention_key({"abc", 0, "s", "1"}, &abc);
  std::string ab_prefix;
  append_tenant_prefix("ab", &ab_prefix);
  EXPECT_TRUE(ab.starts_with(ab_prefix));
  EXPECT_FALSE(abc.starts_with(ab_prefix));
  std::string bound = tenant_upper_bound("ab");
  EXPECT_LT(ab, bound);
  EXPECT_GE(ab_prefix + std::string(300, '\xff'), ab_prefix);
  EXPECT_LT(ab_prefix + std::string(300, '\xff'), bound);
}

TEST(keys, tenant_names_are_validated) {
  EXPECT_TRUE(valid_tenant("acme-corp_1.fr"));
  EXPECT_FALSE(valid_tenant(""));
  EXPECT_FALSE(valid_tenant(std::string(65, 'a')));
  EXPECT_FALSE(valid_tenant("a/b"));
  EXPECT_FALSE(valid_tenant("a\xff"));
  // Path segments that URLs resolve away: refused for new names, readable when stored.
  for (std::string_view dots : {".", ".."}) {
    EXPECT_TRUE(dot_segment(dots));
    EXPECT_TRUE(valid_watch_id(dots));
  }
  EXPECT_FALSE(dot_segment("..."));
  EXPECT_FALSE(dot_segment(".a"));
}

TEST(keys, truncated_keys_are_corruption_not_crashes) {
  EXPECT_FALSE(decode_mention_key("").ok());
  EXPECT_FALSE(decode_mention_key("\x05" "ab").ok());
  std::string k;
  append_tenant_prefix("t", &k);
  append_time(5, &k);
  k.push_back('\x09');  // source length past the end
  k += "abc";
  EXPECT_EQ(decode_mention_key(k).status().code(), status_code::corruption);
}

}  // namespace
}  // namespace vigie::storage
