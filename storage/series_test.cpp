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

TEST(series, a_range_is_tiled_by_the_fewest_whole_buckets) {
  constexpr std::int64_t minute = 60'000, hour = 60 * minute, day = 24 * hour;
  const std::int64_t d = 20'000 * day;  // a midnight
  // A week ending at 14:37 on the seventh day, from 14:37 on the first: up to the hour in
  // minutes and fives, whole days, back down.
  const auto runs = tile_range(d + 14 * hour + 37 * minute, d + 7 * day + 14 * hour + 37 * minute);
  auto is = [](const series_run& r, series_interval i, std::int64_t from, std::int64_t to) {
    return r.interval == i && r.from_ms == from && r.to_ms == to;
  };
  ASSERT_EQ(runs.size(), 7u);
  EXPECT_TRUE(is(runs[0], series_interval::m1, d + 14 * hour + 37 * minute, d + 14 * hour + 40 * minute));
  EXPECT_TRUE(is(runs[1], series_interval::m5, d + 14 * hour + 40 * minute, d + 15 * hour));
  EXPECT_TRUE(is(runs[2], series_interval::h1, d + 15 * hour, d + day));
  EXPECT_TRUE(is(runs[3], series_interval::d1, d + day, d + 7 * day));
  EXPECT_TRUE(is(runs[4], series_interval::h1, d + 7 * day, d + 7 * day + 14 * hour));
  EXPECT_TRUE(is(runs[5], series_interval::m5, d + 7 * day + 14 * hour, d + 7 * day + 14 * hour + 35 * minute));
  EXPECT_TRUE(is(runs[6], series_interval::m1, d + 7 * day + 14 * hour + 35 * minute, d + 7 * day + 14 * hour + 37 * minute));
  std::int64_t buckets = 0;
  for (const series_run& r : runs) buckets += (r.to_ms - r.from_ms) / interval_ms(r.interval);
  EXPECT_EQ(buckets, 3 + 4 + 9 + 6 + 14 + 7 + 2);

  // Every range on minute bounds is covered once, contiguously, by whole buckets, with the
  // finest interval the coarsest that tiles it (what the answer names).
  for (std::int64_t from : {d, d + 5 * minute, d + 23 * hour + 59 * minute, d - 3 * minute, -7 * minute}) {
    for (std::int64_t length : {minute, 4 * minute, 5 * minute, hour, hour + minute, day - minute, day, 3 * day + 11 * minute}) {
      const auto tiled = tile_range(from, from + length);
      ASSERT_FALSE(tiled.empty());
      std::int64_t at = from;
      series_interval finest = series_interval::d1;
      for (const series_run& r : tiled) {
        EXPECT_EQ(r.from_ms, at);
        EXPECT_GT(r.to_ms, r.from_ms);
        EXPECT_EQ(bucket_start(r.from_ms, r.interval), r.from_ms);
        EXPECT_EQ((r.to_ms - r.from_ms) % interval_ms(r.interval), 0);
        finest = std::min(finest, r.interval);
        at = r.to_ms;
      }
      EXPECT_EQ(at, from + length);
      series_interval expected = series_interval::m1;
      for (auto i : {series_interval::d1, series_interval::h1, series_interval::m5}) {
        if (bucket_start(from, i) == from && bucket_start(from + length, i) == from + length) {
          expected = i;
          break;
        }
      }
      EXPECT_EQ(finest, expected) << from << " " << length;
    }
  }
  EXPECT_TRUE(tile_range(d, d).empty());
  EXPECT_TRUE(tile_range(d + minute, d).empty());
}

}  // namespace
}  // namespace vigie::storage
