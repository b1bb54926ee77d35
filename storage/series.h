// series: per-watch time buckets of volume, sentiment counts and reach.
//
// Every mention that matches a watch adds one series_delta to the bucket that holds its event
// time, at each interval (1m, 5m, 1h, 1d). Buckets are RocksDB merge operands: adding is
// associative, so a late mention lands in its bucket whenever it arrives, and the write is a
// blind merge in the same WriteBatch as the mention (no read-modify-write). A duplicate is
// never written, so it is never counted twice.
//
//   vigie::storage::series_counters c;
//   c.add({.volume = 1, .negative = 1, .sentiment_sum = -0.6, .reach = 1200});
//   double mean = c.mean_sentiment();   // -0.6
//
// Thread safety: plain values.

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::storage {

enum class series_interval : std::uint8_t { m1 = 0, m5 = 1, h1 = 2, d1 = 3 };

inline constexpr std::array<series_interval, 4> all_intervals = {
    series_interval::m1, series_interval::m5, series_interval::h1, series_interval::d1};

inline constexpr std::int64_t interval_ms(series_interval i) noexcept {
  switch (i) {
    case series_interval::m1: return 60'000;
    case series_interval::m5: return 300'000;
    case series_interval::h1: return 3'600'000;
    case series_interval::d1: return 86'400'000;
  }
  return 60'000;
}

// "1m", "5m", "1h", "1d"
std::string_view to_string(series_interval i) noexcept;
std::optional<series_interval> parse_interval(std::string_view s) noexcept;

// The start of the bucket holding t (UTC; days start at 00:00Z).
inline std::int64_t bucket_start(std::int64_t t, series_interval i) noexcept {
  std::int64_t w = interval_ms(i);
  std::int64_t q = t / w;
  if (t % w < 0) --q;
  return q * w;
}

// A run of whole buckets of one interval: [from_ms, to_ms).
struct series_run {
  series_interval interval;
  std::int64_t from_ms, to_ms;
};
// [from_ms, to_ms), both on minute bounds, as the fewest whole buckets, in order: minutes up
// to the first 5-minute bound, then 5 minutes up to the first hour, hours up to the first day,
// days, and back down to minutes at the end. Totals over a week ending now read ~80 buckets a
// watch instead of 10,080 minutes. The finest interval of the runs is the coarsest whose
// buckets tile the range. Empty when from_ms >= to_ms.
std::vector<series_run> tile_range(std::int64_t from_ms, std::int64_t to_ms);

struct series_counters {
  std::uint64_t volume = 0;
  std::uint64_t positive = 0;
  std::uint64_t negative = 0;
  std::uint64_t neutral = 0;
  double sentiment_sum = 0;  // sum of scores in [-1, 1]
  std::uint64_t reach = 0;   // sum of effective reach, saturating at UINT64_MAX

  void add(const series_counters& o) noexcept {
    volume += o.volume;
    positive += o.positive;
    negative += o.negative;
    neutral += o.neutral;
    sentiment_sum += o.sentiment_sum;
    // A reach is any non-negative int64 a source sends: a few absurd ones must not wrap the sum
    // around to a small number.
    reach = o.reach > UINT64_MAX - reach ? UINT64_MAX : reach + o.reach;
  }
  double mean_sentiment() const noexcept { return volume ? sentiment_sum / double(volume) : 0.0; }
};

// Fixed 48-byte little-endian encoding: five u64 and one f64.
inline constexpr std::size_t series_record_bytes = 48;
void encode_series(const series_counters& c, std::string* out);
// False when the record is not series_record_bytes long.
bool decode_series(std::string_view record, series_counters* out) noexcept;

}  // namespace vigie::storage
