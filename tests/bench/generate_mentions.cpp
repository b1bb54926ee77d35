// generate_mentions: writes synthetic NDJSON mentions to stdout (see mention_generator.h).
//
//   generate_mentions --count 1000000 --seed 7 > mentions.ndjson
//   generate_mentions --count 5000 --duplicates 0.05 --invalid 0.01 | vigie replay - --url ...
//
// Exit status: 0 on success, 2 on bad usage, 1 if stdout fails.

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "tests/bench/mention_generator.h"

namespace {

// Output is flushed in chunks of about this size: big enough that write(2) is not the cost.
constexpr std::size_t k_flush_bytes = 1 << 20;

constexpr const char* k_usage =
    "usage: generate_mentions --count N [--seed S] [--start-ms T] [--interval-ms I]\n"
    "                         [--duplicates F] [--invalid F] [--first-id N] [--brands A,B,...]\n"
    "  --count N        lines to write (required)\n"
    "  --seed S         seed; same options => same output (default 1)\n"
    "  --start-ms T     event time of the first mention, epoch ms (default 2026-01-01T00:00Z)\n"
    "  --interval-ms I  mean gap between mentions in event time, ms (default 50)\n"
    "  --duplicates F   fraction of lines re-emitting an earlier mention (default 0)\n"
    "  --invalid F      fraction of invalid lines (default 0)\n"
    "  --first-id N     first id number in each source; use disjoint ranges for files sent\n"
    "                   to the same tenant (default 0)\n"
    "  --brands LIST    comma-separated brand names (default: Borel, Kelvio, ...)\n";

bool parse_u64(std::string_view s, std::uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}
bool parse_i64(std::string_view s, std::int64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}
bool parse_double(const char* s, double* out) {
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(s, &end);
  return errno == 0 && end != s && *end == '\0';
}

int usage_error(const char* message, const char* arg) {
  std::fprintf(stderr, "generate_mentions: %s%s%s\n%s", message, arg ? ": " : "", arg ? arg : "",
               k_usage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  vigie::bench::generator_options options;
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(k_usage, stdout);
      return 0;
    }
    if (i + 1 >= argc) return usage_error("missing value for", argv[i]);
    const char* value = argv[++i];
    bool ok = true;
    if (flag == "--count") {
      std::uint64_t n = 0;
      ok = parse_u64(value, &n);
      options.count = static_cast<std::size_t>(n);
      have_count = ok;
    } else if (flag == "--seed") {
      ok = parse_u64(value, &options.seed);
    } else if (flag == "--start-ms") {
      ok = parse_i64(value, &options.start_ms);
    } else if (flag == "--interval-ms") {
      ok = parse_double(value, &options.mean_interval_ms) && options.mean_interval_ms >= 0;
    } else if (flag == "--duplicates") {
      ok = parse_double(value, &options.duplicate_fraction) && options.duplicate_fraction >= 0 &&
           options.duplicate_fraction < 1;
    } else if (flag == "--invalid") {
      ok = parse_double(value, &options.invalid_fraction) && options.invalid_fraction >= 0 &&
           options.invalid_fraction <= 1;
    } else if (flag == "--first-id") {
      ok = parse_u64(value, &options.first_id);
    } else if (flag == "--brands") {
      options.brands.clear();
      std::string_view list = value;
      while (!list.empty()) {
        const auto comma = list.find(',');
        const auto name = list.substr(0, comma);
        if (!name.empty()) options.brands.emplace_back(name);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
      ok = !options.brands.empty();
    } else {
      return usage_error("unknown option", argv[i - 1]);
    }
    if (!ok) return usage_error("bad value for", argv[i - 1]);
  }
  if (!have_count) return usage_error("--count is required", nullptr);

  vigie::bench::mention_generator gen(options);
  std::string buffer;
  buffer.reserve(k_flush_bytes + 64 * 1024);
  for (std::size_t i = 0; i < options.count; ++i) {
    gen.next(&buffer);
    if (buffer.size() >= k_flush_bytes || i + 1 == options.count) {
      if (std::fwrite(buffer.data(), 1, buffer.size(), stdout) != buffer.size()) {
        std::fprintf(stderr, "generate_mentions: write failed: %s\n", std::strerror(errno));
        return 1;
      }
      buffer.clear();
    }
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "generate_mentions: write failed: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
