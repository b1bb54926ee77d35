#include "storage/series.h"

#include <gtest/gtest.h>

namespace vigie::storage {
namespace {

TEST(series, buckets_start_at_utc_boundaries) {
  const std::int64_t t = 1767228123456;  // 2026-01-01T00:42:03.456Z
  EXPECT_EQ(bucket_start(t, series_interval::m1), 1767228120000);
  EXPECT_EQ(bucket_start(t, series_interval::m5), 1767228000000);
  EXPECT_EQ(bucket_start(t, series_interval::h1), 1767225600000);
  EXPECT_EQ(bucket_start(t, series_interval::d1), 1767225600000);
  EXPECT_EQ(bucket_start(-1, series_interval::m1), -60000);
}

TEST(series, intervals_parse_and_print) {
  for (auto i : all_intervals) EXPECT_EQ(parse_interval(to_string(i)), i);
  EXPECT_EQ(parse_interval("2h"), std::nullopt);
}

TEST(series, counters_round_trip_and_add) {
  series_counters a{.volume = 3, .positive = 1, .negative = 1, .neutral = 1, .sentiment_sum = -0.25, .reach = 1ull << 40};
  std::string rec;
  encode_series(a, &rec);
  ASSERT_EQ(rec.size(), series_record_bytes);
  series_counters b;
  ASSERT_TRUE(decode_series(rec, &b));
  b.add(a);
  EXPECT_EQ(b.volume, 6u);
  EXPECT_EQ(b.reach, 2ull << 40);
  EXPECT_DOUBLE_EQ(b.sentiment_sum, -0.5);
  EXPECT_DOUBLE_EQ(b.mean_sentiment(), -0.5 / 6);
  EXPECT_FALSE(decode_series("short", &b));
  // A few absurd reaches (any int64 a source sends) saturate the sum instead of wrapping it.
  series_counters huge{.volume = 1, .reach = std::uint64_t{INT64_MAX}};
  series_counters sum;
  for (int i = 0; i < 3; ++i) sum.add(huge);
  EXPECT_EQ(sum.reach, UINT64_MAX);
  EXPECT_EQ(sum.volume, 3u);
}

}  // namespace
}  // namespace vigie::storage
