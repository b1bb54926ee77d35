// mention: the unit of data that flows through Vigie.
//
// A mention is one post, comment, review or article excerpt that names something a tenant
// watches (DESIGN.md, "Mention"). The pipeline handles mentions as views: string_views into a
// buffer owned by whoever parsed them (a worker's parser, a stored record), so that the hot
// path copies and allocates nothing per mention.
//
//   vigie::pipeline::mention_view m;
//   m.id = "1742"; m.text = "Super service chez Borel !"; m.created_at_ms = 1767225600000;
//   m.source = "twitter";
//
// Thread safety: plain values; a view is valid as long as the buffer it points into.

#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vigie::pipeline {

struct term;  // terms.h

// Sentiment of a mention. score is in [-1, 1]; label follows the score with a neutral band.
enum class sentiment_label : std::uint8_t { neutral = 0, positive = 1, negative = 2 };

std::string_view to_string(sentiment_label label) noexcept;

struct sentiment {
  sentiment_label label = sentiment_label::neutral;
  float score = 0.0f;
  // False when the mention's language has no lexicon: neutral 0 is then no reading of the
  // text, and the mention says so ("supported": false) rather than pass for a neutral one.
  bool supported = true;
};

// A mention as received (input fields of the contract) plus the enrichment fields.
struct mention_view {
  // Input contract.
  std::string_view id;              // required; unique within source
  std::string_view text;            // required; UTF-8
  std::int64_t created_at_ms = 0;   // required; event time, epoch milliseconds (UTC)
  std::string_view source = "api";  // defaults to "api"
  std::string_view lang;            // ISO 639-1 if given; filled by enrichment otherwise
  std::string_view title;
  std::string_view url;
  std::string_view author_id;
  std::string_view author_name;
  std::int64_t author_followers = -1;  // -1: not given
  std::int64_t reach = -1;             // -1: not given; defaults to author_followers

  // Enrichment.
  bool lang_detected = false;  // true when lang was detected, not given
  sentiment sent;
  std::int64_t ingested_at_ms = 0;
  // Ids of the watches the mention matched, comma-separated ("borel,kelvio"); watch ids never
  // contain a comma. Empty when it matched none.
  std::string_view watches;
  // Its terms for the weak-signal detectors (terms.h); only for a mention that matched.
  std::span<const term> terms;
};

// Calls fn(id) for each watch id of a comma-separated list.
template <class Fn>
void for_each_watch(std::string_view watches, Fn&& fn) {
  while (!watches.empty()) {
    std::size_t comma = watches.find(',');
    fn(watches.substr(0, comma));
    if (comma == std::string_view::npos) break;
    watches.remove_prefix(comma + 1);
  }
}

// A mention's author as top authors count it: [id size: 2 bytes, little-endian][id][name],
// so that an account is one row whatever names it posts under, and two accounts of one name
// are two. Empty when the mention names no author. Ids past 65,535 bytes are cut there.
inline void append_author(const mention_view& m, std::string* out) {
  if (m.author_id.empty() && m.author_name.empty()) return;
  const std::size_t n = std::min<std::size_t>(m.author_id.size(), 0xFFFF);
  out->push_back(static_cast<char>(n & 0xFF));
  out->push_back(static_cast<char>(n >> 8));
  out->append(m.author_id.substr(0, n));
  out->append(m.author_name);
}

// The parts of what append_author() wrote; false when it is not that (too short).
inline bool split_author(std::string_view packed, std::string_view* id, std::string_view* name) noexcept {
  if (packed.size() < 2) return false;
  const std::size_t n = static_cast<unsigned char>(packed[0]) | static_cast<std::size_t>(static_cast<unsigned char>(packed[1])) << 8;
  if (packed.size() < 2 + n) return false;
  *id = packed.substr(2, n);
  *name = packed.substr(2 + n);
  return true;
}

// Who an author is, to count distinct authors (a term's, the crisis cap): the account id when
// the mention gives one, else the name. packed: what append_author() wrote.
inline std::string_view author_identity(std::string_view packed) noexcept {
  std::string_view id, name;
  if (!split_author(packed, &id, &name)) return {};
  return id.empty() ? name : id;
}

// The reach the contract promises: reach if given, else the author's followers, else 0.
inline std::int64_t effective_reach(const mention_view& m) noexcept {
  if (m.reach >= 0) return m.reach;
  if (m.author_followers >= 0) return m.author_followers;
  return 0;
}

inline std::string_view to_string(sentiment_label label) noexcept {
  switch (label) {
    case sentiment_label::positive: return "positive";
    case sentiment_label::negative: return "negative";
    case sentiment_label::neutral: return "neutral";
  }
  return "neutral";
}

}  // namespace vigie::pipeline
