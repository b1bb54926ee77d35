#include "pipeline/mention_json.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace vigie::pipeline {

namespace {

// Length of the valid UTF-8 sequence starting at p (at most n bytes), or 0 if invalid.
std::size_t utf8_sequence(const unsigned char* p, std::size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t len;
  std::uint32_t cp;
  if ((c & 0xe0) == 0xc0) {
    len = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (len > n) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

void append_int(std::int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void append_field_name(std::string_view name, std::string* out) {
  out->push_back('"');
  out->append(name);
  out->append("\":");
}

void append_string_field(std::string_view name, std::string_view value, std::string* out) {
  out->push_back(',');
  append_field_name(name, out);
  append_json_string(value, out);
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}

}  // namespace

void append_json_string(std::string_view s, std::string* out) {
  static constexpr char hex[] = "0123456789abcdef";
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t len = utf8_sequence(p + i, n - i);
      if (len != 0) {
        i += len;
        continue;
      }
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(hex[c >> 4]);
          out->push_back(hex[c & 0xf]);
        } else {
          out->append("\xef\xbf\xbd");  // U+FFFD for a byte that is not valid UTF-8
        }
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

void append_rfc3339_ms(std::int64_t ms, std::string* out) {
  // RFC 3339 years have four digits: a time outside them (the exclusive bound
  // 10000-01-01T00:00:00Z of a range, say) is written as the nearest one that fits.
  constexpr std::int64_t first_ms = -62167219200000;  // 0000-01-01T00:00:00.000Z
  constexpr std::int64_t last_ms = 253402300799999;   // 9999-12-31T23:59:59.999Z
  ms = std::clamp(ms, first_ms, last_ms);
  std::int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  std::int64_t rem = ms - days * 86400000;
  int y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  // Written digit by digit: this runs for every mention and every series bucket served.
  char buf[] = "0000-00-00T00:00:00.000Z";
  auto put = [&](int pos, int width, long v) {
    for (int i = pos + width - 1; i >= pos; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, y);
  put(5, 2, mo);
  put(8, 2, d);
  put(11, 2, rem / 3600000);
  put(14, 2, rem / 60000 % 60);
  put(17, 2, rem / 1000 % 60);
  put(20, 3, rem % 1000);
  out->append(buf, 24);
}

void append_enriched_json(const mention_view& m, std::string* out) {
  out->append("{\"id\":");
  append_json_string(m.id, out);
  append_string_field("source", m.source, out);
  out->append(",\"created_at\":\"");
  append_rfc3339_ms(m.created_at_ms, out);
  out->push_back('"');
  append_string_field("text", m.text, out);
  if (!m.lang.empty()) append_string_field("lang", m.lang, out);
  if (!m.title.empty()) append_string_field("title", m.title, out);
  if (!m.url.empty()) append_string_field("url", m.url, out);
  if (!m.author_id.empty() || !m.author_name.empty() || m.author_followers >= 0) {
    out->append(",\"author\":{");
    bool first = true;
    auto sep = [&] {
      if (!first) out->push_back(',');
      first = false;
    };
    if (!m.author_id.empty()) {
      sep();
      append_field_name("id", out);
      append_json_string(m.author_id, out);
    }
    if (!m.author_name.empty()) {
      sep();
      append_field_name("name", out);
      append_json_string(m.author_name, out);
    }
    if (m.author_followers >= 0) {
      sep();
      append_field_name("followers", out);
      append_int(m.author_followers, out);
    }
    out->push_back('}');
  }
  out->append(",\"reach\":");
  append_int(effective_reach(m), out);
  out->append(",\"sentiment\":{\"label\":\"");
  out->append(to_string(m.sent.label));
  out->append("\",\"score\":");
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, m.sent.score, std::chars_format::fixed, 4);
  out->append(buf, r.ptr);
  if (!m.sent.supported) out->append(",\"supported\":false");  // no lexicon for the language
  out->append("},\"watches\":[");
  bool first = true;
  for_each_watch(m.watches, [&](std::string_view id) {
    if (!first) out->push_back(',');
    first = false;
    append_json_string(id, out);
  });
  out->append("],\"ingested_at\":\"");
  append_rfc3339_ms(m.ingested_at_ms, out);
  out->append("\"}");
}

}  // namespace vigie::pipeline
