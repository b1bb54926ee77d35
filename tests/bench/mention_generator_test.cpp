#include "tests/bench/mention_generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::bench {
namespace {

using sv = std::string_view;

std::vector<std::string> split_lines(const std::string& ndjson) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < ndjson.size()) {
    const std::size_t end = ndjson.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "last line not terminated";
    if (end == std::string::npos) break;
    lines.emplace_back(ndjson, start, end - start);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> generate(generator_options options) {
  std::string out;
  generate_mentions(options, &out);
  return split_lines(out);
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Strict RFC 3339 ("2026-01-01T10:00:00.123+01:00") to epoch ms; nullopt if malformed.
std::optional<std::int64_t> parse_rfc3339(sv s) {
  auto digits = [&](std::size_t pos, std::size_t n, int* out) {
    if (pos + n > s.size()) return false;
    *out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *out = *out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se, ms = 0;
  if (!digits(0, 4, &y) || s.size() < 20 || s[4] != '-' || !digits(5, 2, &mo) || s[7] != '-' ||
      !digits(8, 2, &d) || s[10] != 'T' || !digits(11, 2, &h) || s[13] != ':' ||
      !digits(14, 2, &mi) || s[16] != ':' || !digits(17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t pos = 19;
  if (s[pos] == '.') {
    if (!digits(pos + 1, 3, &ms)) return std::nullopt;
    pos += 4;
  }
  int offset_minutes = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(pos + 4, 2, &om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000 + se * 1000 + ms - offset_minutes * 60'000LL;
}

const std::map<sv, sv> k_prefix_of_source = {
    {"twitter", "tw"}, {"mastodon", "md"}, {"bluesky", "bs"}, {"news", "nw"},
    {"blog", "bl"},    {"forum", "fo"},    {"review", "rv"},  {"youtube", "yt"}};

struct checked_mention {
  std::string source, id, text, lang, title, url;
  std::int64_t created_ms = 0;
  bool has_author = false, has_reach = false;
  std::int64_t followers = -1;
};

// Checks one line against the DESIGN.md mention contract. Returns the reason it is invalid,
// or an empty string and fills *m.
std::string check_line(simdjson::dom::parser& parser, const std::string& line, checked_mention* m) {
  simdjson::dom::element doc;
  if (auto error = parser.parse(line).get(doc))
    return std::string("parse: ") + simdjson::error_message(error);
  simdjson::dom::object obj;
  if (doc.get(obj)) return "not an object";
  sv s;
  if (obj["id"].get(s)) return "id missing or not a string";
  m->id = s;
  if (obj["text"].get(s)) return "text missing or not a string";
  m->text = s;
  if (m->text.empty()) return "empty text";
  simdjson::dom::element created;
  if (obj["created_at"].get(created)) return "created_at missing";
  if (created.is_string()) {
    auto parsed = parse_rfc3339(created.get_string().value());
    if (!parsed) return "created_at not RFC 3339";
    m->created_ms = *parsed;
  } else if (created.is_int64()) {
    m->created_ms = created.get_int64().value();
  } else {
    return "created_at of wrong type";
  }
  if (obj["source"].get(s)) return "source missing or not a string";
  m->source = s;
  auto prefix = k_prefix_of_source.find(s);
  if (prefix == k_prefix_of_source.end()) return "unknown source";
  if (m->id.rfind(std::string(prefix->second) + "-", 0) != 0)
    return "id prefix does not match source";
  simdjson::dom::element e;
  if (!obj["lang"].get(e)) {
    if (e.get(s)) return "lang not a string";
    if (s != "fr" && s != "en") return "lang not fr/en";
    m->lang = s;
  }
  if (!obj["author"].get(e)) {
    simdjson::dom::object author;
    if (e.get(author)) return "author not an object";
    if (author["id"].get(s) || author["name"].get(s)) return "author id/name missing";
    if (author["followers"].get(m->followers) || m->followers < 0) return "bad followers";
    m->has_author = true;
  }
  if (!obj["reach"].get(e)) {
    std::int64_t reach;
    if (e.get(reach) || reach < 0) return "bad reach";
    m->has_reach = true;
  }
  if (!obj["title"].get(e)) {
    if (e.get(s)) return "title not a string";
    m->title = s;
  }
  if (!obj["url"].get(e)) {
    if (e.get(s)) return "url not a string";
    m->url = s;
    if (m->url.rfind("https://", 0) != 0) return "url not https";
  }
  return {};
}

TEST(MentionGenerator, EveryLineIsAValidMention) {
  generator_options options;
  options.seed = 7;
  options.count = 20000;
  const auto lines = generate(options);
  ASSERT_EQ(lines.size(), options.count);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    checked_mention m;
    const std::string reason = check_line(parser, lines[i], &m);
    ASSERT_EQ(reason, "") << "line " << i + 1 << ": " << lines[i];
    if (m.source == "news" || m.source == "blog") {
      EXPECT_FALSE(m.title.empty()) << lines[i];
      EXPECT_FALSE(m.url.empty()) << lines[i];
      EXPECT_GE(m.text.size(), 500u) << lines[i];
      EXPECT_LE(m.text.size(), 2600u) << lines[i];
    } else {
      EXPECT_LE(m.text.size(), 1000u) << lines[i];
    }
  }
}

TEST(MentionGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  generator_options options;
  options.count = 3000;
  options.duplicate_fraction = 0.1;
  options.invalid_fraction = 0.05;
  std::string a, b, c;
  generate_mentions(options, &a);
  {
    // The streaming API, one line at a time into a reused buffer, gives the same bytes.
    mention_generator gen(options);
    std::string line;
    for (std::size_t i = 0; i < options.count; ++i) {
      line.clear();
      gen.next(&line);
      b += line;
    }
    EXPECT_EQ(gen.lines(), options.count);
  }
  EXPECT_EQ(a, b);
  options.seed = 2;
  generate_mentions(options, &c);
  EXPECT_NE(a, c);
}

TEST(MentionGenerator, IdsAreUniquePerSourceWithoutDuplicates) {
  generator_options options;
  options.seed = 11;
  options.count = 50000;
  const auto lines = generate(options);
  simdjson::dom::parser parser;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& line : lines) {
    checked_mention m;
    ASSERT_EQ(check_line(parser, line, &m), "") << line;
    EXPECT_TRUE(seen.emplace(m.source, m.id).second) << "duplicate " << m.source << "/" << m.id;
  }
}

TEST(MentionGenerator, LanguageAndSourceMixIsRealistic) {
  generator_options options;
  options.seed = 3;
  options.count = 40000;
  const auto lines = generate(options);
  simdjson::dom::parser parser;
  std::map<std::string, double> sources;
  double with_lang = 0, fr = 0, with_author = 0, with_reach = 0, rfc3339 = 0;
  double hashtags = 0, camel_hashtags = 0, handles = 0, links = 0, emoji = 0, big_accounts = 0;
  for (const auto& line : lines) {
    checked_mention m;
    ASSERT_EQ(check_line(parser, line, &m), "") << line;
    sources[m.source] += 1;
    if (!m.lang.empty()) {
      with_lang += 1;
      fr += m.lang == "fr";
    }
    with_author += m.has_author;
    with_reach += m.has_reach;
    rfc3339 += line.find("\"created_at\":\"") != std::string::npos;
    hashtags += m.text.find('#') != std::string::npos;
    camel_hashtags += m.text.find("#Boycott") != std::string::npos;
    handles += m.text.find('@') != std::string::npos;
    links += m.text.find("https://") != std::string::npos;
    emoji += m.text.find('\xF0') != std::string::npos;  // 4-byte UTF-8: emoji plane
    big_accounts += m.followers >= 100000;
  }
  const double n = static_cast<double>(lines.size());
  EXPECT_NEAR(with_lang / n, 0.70, 0.02);
  EXPECT_NEAR(fr / with_lang, 0.50, 0.02);
  EXPECT_NEAR(rfc3339 / n, 0.55, 0.02);
  EXPECT_NEAR(with_reach / n, 0.30, 0.02);
  EXPECT_GT(with_author / n, 0.85);
  const std::map<std::string, double> expected = {
      {"twitter", 0.34}, {"mastodon", 0.07}, {"bluesky", 0.10}, {"news", 0.10},
      {"blog", 0.06},    {"forum", 0.12},    {"review", 0.13},  {"youtube", 0.08}};
  for (const auto& [source, share] : expected) {
    EXPECT_NEAR(sources[source] / n, share, 0.015) << source;
  }
  EXPECT_EQ(sources.size(), expected.size());
  EXPECT_GT(hashtags / n, 0.2);
  EXPECT_GT(camel_hashtags / n, 0.01);
  EXPECT_GT(handles / n, 0.05);
  EXPECT_GT(links / n, 0.05);
  EXPECT_GT(emoji / n, 0.2);
  // Heavy tail: a few big accounts, most small.
  EXPECT_GT(big_accounts, 10);
  EXPECT_LT(big_accounts / n, 0.05);
}

TEST(MentionGenerator, EventTimeAdvancesFromStartAtTheRequestedRate) {
  generator_options options;
  options.seed = 5;
  options.count = 20000;
  options.start_ms = 1'700'000'000'000;
  options.mean_interval_ms = 100;
  const auto lines = generate(options);
  simdjson::dom::parser parser;
  std::int64_t min_ms = INT64_MAX, max_ms = INT64_MIN;
  for (const auto& line : lines) {
    checked_mention m;
    ASSERT_EQ(check_line(parser, line, &m), "") << line;
    min_ms = std::min(min_ms, m.created_ms);
    max_ms = std::max(max_ms, m.created_ms);
  }
  constexpr std::int64_t k_max_lateness_ms = 3'600'000;
  EXPECT_GE(min_ms, options.start_ms - k_max_lateness_ms);
  EXPECT_LE(min_ms, options.start_ms + 10'000);
  const double span = static_cast<double>(max_ms - options.start_ms);
  EXPECT_NEAR(span / (options.mean_interval_ms * static_cast<double>(options.count)), 1.0, 0.05);
}

TEST(MentionGenerator, DuplicatesReEmitEarlierMentionsByteForByte) {
  generator_options options;
  options.seed = 9;
  options.count = 20000;
  options.duplicate_fraction = 0.2;
  const auto lines = generate(options);
  simdjson::dom::parser parser;
  std::map<std::pair<std::string, std::string>, std::string> first;
  double duplicates = 0;
  for (const auto& line : lines) {
    checked_mention m;
    ASSERT_EQ(check_line(parser, line, &m), "") << line;
    auto [it, inserted] = first.emplace(std::make_pair(m.source, m.id), line);
    if (!inserted) {
      duplicates += 1;
      EXPECT_EQ(it->second, line);
    }
  }
  EXPECT_NEAR(duplicates / static_cast<double>(lines.size()), 0.2, 0.02);
}

TEST(MentionGenerator, InvalidLinesAreRejectedButStillOneUtf8Line) {
  generator_options options;
  options.seed = 13;
  options.count = 20000;
  options.invalid_fraction = 0.1;
  const auto lines = generate(options);
  ASSERT_EQ(lines.size(), options.count);
  simdjson::dom::parser parser;
  double invalid = 0;
  std::set<std::string> reasons;
  for (const auto& line : lines) {
    ASSERT_TRUE(simdjson::validate_utf8(line.data(), line.size())) << line;
    checked_mention m;
    const std::string reason = check_line(parser, line, &m);
    if (!reason.empty()) {
      invalid += 1;
      reasons.insert(reason.substr(0, reason.find(':')));
    }
  }
  EXPECT_NEAR(invalid / static_cast<double>(lines.size()), 0.1, 0.015);
  // Several kinds of breakage, not one.
  EXPECT_GE(reasons.size(), 6u);
}

TEST(MentionGenerator, FirstIdShiftsEveryIdRange) {
  generator_options options;
  options.count = 50;
  options.first_id = 1'000'000'000;
  const auto lines = generate(options);
  simdjson::dom::parser parser;
  for (const auto& line : lines) {
    checked_mention m;
    ASSERT_EQ(check_line(parser, line, &m), "") << line;
    EXPECT_EQ(m.id.substr(2, 2), "-1") << m.id;
    EXPECT_EQ(m.id.size(), 13u) << m.id;
  }
}

TEST(MentionGenerator, CustomBrandsAreTalkedAbout) {
  generator_options options;
  options.count = 2000;
  options.brands = {"Zephyrine Assurances"};
  const auto lines = generate(options);
  std::size_t named = 0, tagged = 0;
  for (const auto& line : lines) {
    named += line.find("Zephyrine Assurances") != std::string::npos ||
             line.find("zephyrine assurances") != std::string::npos ||
             line.find("ZEPHYRINE ASSURANCES") != std::string::npos;
    tagged += line.find("ZephyrineAssurances") != std::string::npos;
  }
  EXPECT_GT(named, lines.size() * 9 / 10);
  EXPECT_GT(tagged, 50u);
  EXPECT_EQ(std::string(lines[0]).find("Borel"), std::string::npos);
}

}  // namespace
}  // namespace vigie::bench
