#include "storage/series.h"

#include <algorithm>
#include <cstring>

namespace vigie::storage {

namespace {

void put_u64(std::uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
std::uint64_t get_u64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

std::string_view to_string(series_interval i) noexcept {
  switch (i) {
    case series_interval::m1: return "1m";
    case series_interval::m5: return "5m";
    case series_interval::h1: return "1h";
    case series_interval::d1: return "1d";
  }
  return "1m";
}

std::optional<series_interval> parse_interval(std::string_view s) noexcept {
  for (auto i : all_intervals) {
    if (to_string(i) == s) return i;
  }
  return std::nullopt;
}

void encode_series(const series_counters& c, std::string* out) {
  char buf[series_record_bytes];
  put_u64(c.volume, buf);
  put_u64(c.positive, buf + 8);
  put_u64(c.negative, buf + 16);
  put_u64(c.neutral, buf + 24);
  std::uint64_t bits;
  std::memcpy(&bits, &c.sentiment_sum, 8);
  put_u64(bits, buf + 32);
  put_u64(c.reach, buf + 40);
  out->append(buf, series_record_bytes);
}

std::vector<series_run> tile_range(std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<series_run> runs;
  std::int64_t at = from_ms;
  while (at < to_ms) {
    // The coarsest interval with a whole bucket starting here (minutes always: on their bound).
    std::size_t k = 0;
    for (std::size_t i = all_intervals.size(); i-- > 1;) {
      const std::int64_t step = interval_ms(all_intervals[i]);
      if (bucket_start(at, all_intervals[i]) == at && to_ms - at >= step) {
        k = i;
        break;
      }
    }
    const std::int64_t step = interval_ms(all_intervals[k]);
    std::int64_t end = at + (to_ms - at) / step * step;
    // Up to the next coarser bound only, where that interval takes over.
    if (k + 1 < all_intervals.size()) end = std::min(end, bucket_start(at, all_intervals[k + 1]) + interval_ms(all_intervals[k + 1]));
    if (end <= at) end = to_ms;  // less than a minute left: bounds off the minute, a caller's slip
    runs.push_back({all_intervals[k], at, end});
    at = end;
  }
  return runs;
}

bool decode_series(std::string_view record, series_counters* out) noexcept {
  if (record.size() != series_record_bytes) return false;
  const char* p = record.data();
  out->volume = get_u64(p);
  out->positive = get_u64(p + 8);
  out->negative = get_u64(p + 16);
  out->neutral = get_u64(p + 24);
  std::uint64_t bits = get_u64(p + 32);
  std::memcpy(&out->sentiment_sum, &bits, 8);
  out->reach = get_u64(p + 40);
  return true;
}

}  // namespace vigie::storage
