#include "pipeline/mention_parser.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "storage/keys.h"

namespace vigie::pipeline {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

status wrong_type(std::string_view field, std::string_view expected, element e) {
  std::string msg = "field '";
  msg += field;
  msg += "' must be ";
  msg += expected;
  msg += ", not ";
  msg += type_name(e.type());
  return invalid_argument(std::move(msg));
}

// A field given twice is read as its first value by some JSON parsers and its last by others:
// refused, so that what is stored is what any reader of the line would take it to say. Only
// the fields of the format are checked (others are ignored anyway).
constexpr std::string_view mention_fields[] = {"id", "text", "created_at", "source", "lang",
                                                "title", "url", "author", "reach"};
constexpr std::string_view author_fields[] = {"id", "name", "followers"};

template <std::size_t N>
status fields_given_once(simdjson::dom::object obj, const std::string_view (&names)[N], std::string_view prefix) {
  static_assert(N <= 32);
  std::uint32_t seen = 0;
  for (const auto field : obj) {
    for (std::size_t i = 0; i < N; ++i) {
      if (field.key != names[i]) continue;
      if (seen & (1u << i)) {
        return invalid_argument("field '" + std::string(prefix) + std::string(names[i]) + "' is given twice");
      }
      seen |= 1u << i;
      break;
    }
  }
  return status::ok_status();
}

// Reads an optional string field: absent or null leave *out unchanged.
status optional_string(simdjson::dom::object obj, std::string_view field, std::string_view* out) {
  element e;
  if (obj[field].get(e) != simdjson::SUCCESS || e.is_null()) return status::ok_status();
  if (!e.is_string()) return wrong_type(field, "a string", e);
  *out = e.get_string().value_unsafe();
  return status::ok_status();
}

// Reads an optional non-negative integer field: absent or null leave *out unchanged.
status optional_count(simdjson::dom::object obj, std::string_view field, std::int64_t* out) {
  element e;
  if (obj[field].get(e) != simdjson::SUCCESS || e.is_null()) return status::ok_status();
  std::int64_t v = 0;
  if (e.is_int64()) {
    v = e.get_int64().value_unsafe();
  } else if (e.is_uint64()) {
    v = INT64_MAX;  // beyond int64: clamp, an audience cannot be larger anyway
  } else {
    return wrong_type(field, "a non-negative integer", e);
  }
  if (v < 0) return invalid_argument("field '" + std::string(field) + "' must not be negative");
  *out = v;
  return status::ok_status();
}

// C0 controls, DEL, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F).
bool has_control_char(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return true;
  }
  return false;
}

// The bytes of a mention's own fields, decoded: what max_mention_bytes bounds in an element of
// a JSON array, where the element's raw extent is not at hand.
std::size_t field_bytes(const mention_view& m) {
  return m.id.size() + m.text.size() + m.source.size() + m.lang.size() + m.title.size() + m.url.size() +
         m.author_id.size() + m.author_name.size();
}


// The value of the 4 hex digits at p, or -1.
int hex4(const char* p) noexcept {
  int v = 0;
  for (int k = 0; k < 4; ++k) {
    const char c = p[k];
    const int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// What replace_lone_surrogates() did: how many escapes it rewrote, or where it stopped.
struct surrogate_repair {
  std::size_t replaced = 0;
  // A lone surrogate in an identifier (id, source, author.id): its byte offset and the
  // field's name. Replacing it there would make different ids one ("x\ud83d" and
  // "x\ud83e" both "x\ufffd"), and the second mention a duplicate of the first.
  std::size_t identifier_at = SIZE_MAX;
  const char* field = nullptr;
};

// Rewrites each \u escape of a lone UTF-16 surrogate in json[0, n) (a high one not followed
// by a low one, or a low one alone) as \ufffd, the replacement character, in place (both are
// six bytes). JSON allows such escapes (RFC 8259 section 8.2) and a post cut short in the
// middle of an emoji ends with one; simdjson refuses them. Identifiers are not rewritten:
// the first lone surrogate in one stops the walk (see surrogate_repair). The walk follows
// the document's structure only as far as it needs to: the depth, and the member name that
// holds each string at depths 1 and 2 (compared as written: an id key spelt with escapes is
// not recognised, and its value is rewritten like any text).
surrogate_repair replace_lone_surrogates(char* json, std::size_t n) noexcept {
  surrogate_repair r;
  int depth = 0;
  bool in_string = false, is_key = false, expect_key = false;
  std::size_t string_begin = 0;
  std::string_view key_at[3];  // the member being read at depths 1 and 2
  bool object_at[3] = {};      // whether the container at depths 1 and 2 is an object
  auto identifier = [&]() -> const char* {
    if (is_key) return nullptr;
    if (depth == 1 && key_at[1] == "id") return "id";
    if (depth == 1 && key_at[1] == "source") return "source";
    if (depth == 2 && key_at[1] == "author" && key_at[2] == "id") return "author.id";
    return nullptr;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = json[i];
    if (!in_string) {
      if (c == '"') {
        in_string = true;
        string_begin = i + 1;
        is_key = expect_key;
        expect_key = false;
      } else if (c == '{' || c == '[') {
        ++depth;
        expect_key = c == '{';
        if (depth >= 1 && depth <= 2) {
          key_at[depth] = {};
          object_at[depth] = c == '{';
        }
      } else if (c == '}' || c == ']') {
        --depth;
      } else if (c == ',') {
        expect_key = depth >= 1 && depth <= 2 && object_at[depth];
      }
      continue;
    }
    if (c == '"') {
      in_string = false;
      if (is_key && depth >= 1 && depth <= 2) key_at[depth] = std::string_view(json + string_begin, i - string_begin);
      continue;
    }
    if (c != '\\' || i + 1 >= n) continue;
    if (json[i + 1] != 'u' || i + 6 > n) {
      ++i;  // a one-character escape: the character after the backslash is not one itself
      continue;
    }
    const int unit = hex4(json + i + 2);
    if (unit < 0) {  // a bad escape (the document is refused): the 'u' is no delimiter
      ++i;
      continue;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 12 <= n && json[i + 6] == '\\' && json[i + 7] == 'u') {
      const int low = hex4(json + i + 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {  // a pair: one code point
        i += 11;
        continue;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      if (const char* field = identifier()) {
        r.identifier_at = i;
        r.field = field;
        return r;
      }
      std::memcpy(json + i + 2, "fffd", 4);
      ++r.replaced;
    }
    i += 5;
  }
  return r;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Accepted event times: years 1970 to 9999. Earlier or later dates are almost always a unit
// mistake (seconds for milliseconds) and would land in buckets no one looks at.
constexpr std::int64_t min_event_ms = 0;
constexpr std::int64_t max_event_ms = 253402300799999;  // 9999-12-31T23:59:59.999Z

}  // namespace

bool iso639_letters(std::string_view code, char out[2]) noexcept {
  // Two letters, or two letters, a separator and 1 to 13 more.
  if (code.size() != 2 && (code.size() < 4 || code.size() > 16 || (code[2] != '-' && code[2] != '_'))) return false;
  for (std::size_t i = 0; i < 2; ++i) {
    const char c = static_cast<char>(code[i] | 0x20);
    if (c < 'a' || c > 'z') return false;
    out[i] = c;
  }
  return true;
}

std::string_view without_bom(std::string_view body) noexcept {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  return body;
}

result<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto bad = [&](std::size_t pos, std::string_view what) -> vigie::status {
    return invalid_argument("invalid RFC 3339 time '" + std::string(s.substr(0, 64)) +
                            "' at character " + std::to_string(pos + 1) + ": " +
                            std::string(what));
  };
  auto digits = [&](std::size_t pos, std::size_t n, int* out) -> bool {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = s[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, &year)) return bad(0, "expected a 4-digit year");
  if (s.size() < 5 || s[4] != '-') return bad(4, "expected '-'");
  if (!digits(5, 2, &month) || month < 1 || month > 12) return bad(5, "expected a month 01-12");
  if (s.size() < 8 || s[7] != '-') return bad(7, "expected '-'");
  static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = month_days[month - 1] + (month == 2 && leap(year) ? 1 : 0);
  if (!digits(8, 2, &day) || day < 1 || day > max_day) return bad(8, "day out of range");
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return bad(10, "expected 'T'");
  if (!digits(11, 2, &hour) || hour > 23) return bad(11, "expected an hour 00-23");
  if (s.size() < 14 || s[13] != ':') return bad(13, "expected ':'");
  if (!digits(14, 2, &minute) || minute > 59) return bad(14, "expected minutes 00-59");
  if (s.size() < 17 || s[16] != ':') return bad(16, "expected ':'");
  // 60 is a leap second; it is folded into the next second.
  if (!digits(17, 2, &second) || second > 60) return bad(17, "expected seconds 00-60");
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 3) millis = millis * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return bad(pos, "expected digits after '.'");
    for (std::size_t n = pos - start; n < 3; ++n) millis *= 10;
  }
  if (pos >= s.size()) return bad(pos, "expected 'Z' or a UTC offset");
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh, om;
    if (!digits(pos + 1, 2, &oh) || oh > 23) return bad(pos + 1, "expected offset hours");
    if (pos + 3 >= s.size() || s[pos + 3] != ':') return bad(pos + 3, "expected ':' in offset");
    if (!digits(pos + 4, 2, &om) || om > 59) return bad(pos + 4, "expected offset minutes");
    offset_minutes = sign * (oh * 60 + om);
    pos += 6;
  } else {
    return bad(pos, "expected 'Z' or a UTC offset");
  }
  if (pos != s.size()) return bad(pos, "unexpected characters after the time");
  std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  // A leap second is the last of a UTC day (RFC 3339 section 5.7): 23:59:60Z, or the same
  // instant in a local time and its offset.
  if (second == 60 && ((secs - 60) % 86400 + 86400) % 86400 != 86340)
    return bad(17, "seconds 60 (a leap second) only at 23:59:60 UTC");
  return secs * 1000 + millis;
}

struct mention_parser::impl {
  explicit impl(parser_options o) : options(o) {}

  parser_options options;
  simdjson::dom::parser parser;
  std::string padded;  // the item being parsed, with simdjson's padding after it
  char lang[2];        // lowercased language code
  char source[storage::max_source_bytes];  // lowercased source name, when it had capitals

  status validate(element doc, mention_view* out);
  status parse_padded(std::string_view json, mention_view* out);
};

status mention_parser::impl::validate(element doc, mention_view* out) {
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return invalid_argument("a mention must be a JSON object, not " +
                            std::string(type_name(doc.type())));
  }
  *out = mention_view{};
  if (auto s = fields_given_once(obj, mention_fields, ""); !s.ok()) return s;
  element e;

  // id
  if (obj["id"].get(e) != simdjson::SUCCESS || e.is_null()) {
    return invalid_argument("missing required field 'id'");
  }
  if (!e.is_string()) return wrong_type("id", "a string", e);
  out->id = e.get_string().value_unsafe();
  if (out->id.empty()) return invalid_argument("field 'id' must not be empty");
  if (out->id.size() > storage::max_id_bytes) {
    return invalid_argument("field 'id' is longer than " + std::to_string(storage::max_id_bytes) +
                            " bytes");
  }
  if (has_control_char(out->id)) return invalid_argument("field 'id' contains control characters");

  // text
  if (obj["text"].get(e) != simdjson::SUCCESS || e.is_null()) {
    return invalid_argument("missing required field 'text'");
  }
  if (!e.is_string()) return wrong_type("text", "a string", e);
  out->text = e.get_string().value_unsafe();

  // created_at
  if (obj["created_at"].get(e) != simdjson::SUCCESS || e.is_null()) {
    return invalid_argument("missing required field 'created_at'");
  }
  if (e.is_string()) {
    auto t = parse_rfc3339_ms(e.get_string().value_unsafe());
    if (!t.ok()) return invalid_argument("field 'created_at': " + t.status().message());
    out->created_at_ms = *t;
  } else if (e.is_int64()) {
    out->created_at_ms = e.get_int64().value_unsafe();
  } else if (e.is_uint64()) {
    out->created_at_ms = INT64_MAX;  // rejected by the range check below
  } else {
    return wrong_type("created_at", "an RFC 3339 string or integer epoch milliseconds", e);
  }
  if (out->created_at_ms < min_event_ms || out->created_at_ms > max_event_ms) {
    return invalid_argument(e.is_string() ? "field 'created_at' is outside 1970-01-01..9999-12-31"
                                          : "field 'created_at' is outside 1970-01-01..9999-12-31 "
                                            "(epoch milliseconds expected)");
  }

  // source
  if (auto s = optional_string(obj, "source", &out->source); !s.ok()) return s;
  if (!storage::valid_source(out->source) || storage::dot_segment(out->source)) {
    return invalid_argument("field 'source' must be 1 to 64 characters of [A-Za-z0-9_.-], not '.' or '..'");
  }
  // Sources ignore case, as watches and filters do (source:news): "News" and "news" are one
  // source, so that a mention sent under both is one mention (the key holds the source).
  if (storage::fold_source(out->source, source)) out->source = std::string_view(source, out->source.size());

  // lang: ISO 639-1, optionally with a region ("fr-CA"), kept as the two-letter code.
  std::string_view lang;
  if (auto s = optional_string(obj, "lang", &lang); !s.ok()) return s;
  if (!lang.empty()) {
    if (!iso639_letters(lang, this->lang)) {
      return invalid_argument("field 'lang' must be an ISO 639-1 code such as \"fr\" or \"en\"");
    }
    out->lang = std::string_view(this->lang, 2);
  }

  if (auto s = optional_string(obj, "title", &out->title); !s.ok()) return s;
  if (auto s = optional_string(obj, "url", &out->url); !s.ok()) return s;

  // author
  if (obj["author"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    simdjson::dom::object author;
    if (e.get_object().get(author) != simdjson::SUCCESS) return wrong_type("author", "an object", e);
    if (auto s = fields_given_once(author, author_fields, "author."); !s.ok()) return s;
    element id;
    if (author["id"].get(id) == simdjson::SUCCESS && !id.is_null()) {
      if (!id.is_string()) return wrong_type("author.id", "a string", id);
      out->author_id = id.get_string().value_unsafe();
    }
    if (auto s = optional_string(author, "name", &out->author_name); !s.ok()) {
      return invalid_argument("field 'author.name' must be a string");
    }
    if (auto s = optional_count(author, "followers", &out->author_followers); !s.ok()) {
      return invalid_argument("field 'author.followers' must be a non-negative integer");
    }
  }
  if (auto s = optional_count(obj, "reach", &out->reach); !s.ok()) return s;
  return status::ok_status();
}

status mention_parser::impl::parse_padded(std::string_view json, mention_view* out) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a buffer we own and
  // reuse, so steady-state parsing allocates nothing.
  if (padded.capacity() < json.size() + simdjson::SIMDJSON_PADDING) {
    padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  }
  padded.assign(json);
  element doc;
  auto err = parser.parse(padded.data(), padded.size(), false).get(doc);
  if (err == simdjson::STRING_ERROR) {
    const surrogate_repair repair = replace_lone_surrogates(padded.data(), padded.size());
    if (repair.field != nullptr) {
      return invalid_argument("field '" + std::string(repair.field) + "' holds a lone UTF-16 surrogate escape (" +
                              std::string(json.substr(repair.identifier_at, 6)) + ") at byte " +
                              std::to_string(repair.identifier_at + 1) + ": an identifier must be whole characters");
    }
    if (repair.replaced != 0) {
      err = parser.parse(padded.data(), padded.size(), false).get(doc);
      // A key written with escapes ("i\u0064") hides an identifier from the scan: what the
      // repair put in one is refused all the same.
      if (err == simdjson::SUCCESS) {
        status s = validate(doc, out);
        constexpr std::string_view replacement = "\xEF\xBF\xBD";
        if (s.ok() && (out->id.find(replacement) != std::string_view::npos ||
                       out->author_id.find(replacement) != std::string_view::npos)) {
          const char* field = out->id.find(replacement) != std::string_view::npos ? "id" : "author.id";
          return invalid_argument("field '" + std::string(field) +
                                  "' holds a lone UTF-16 surrogate escape: an identifier must be whole characters");
        }
        return s;
      }
    }
  }
  if (err != simdjson::SUCCESS) {
    if (err == simdjson::UTF8_ERROR) return invalid_argument("invalid UTF-8");
    if (err == simdjson::STRING_ERROR) {
      return invalid_argument("invalid JSON: a string holds an unknown escape (\\x), a bad \\u escape or a raw "
                              "control character (tab, new line: escape them)");
    }
    if (err == simdjson::EMPTY) return invalid_argument("empty document");
    if (err == simdjson::NUMBER_ERROR) {
      return invalid_argument("invalid JSON: a number is malformed or out of range (integers up to 18446744073709551615)");
    }
    return invalid_argument(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  return validate(doc, out);
}

mention_parser::mention_parser(parser_options options)
    : impl_(std::make_unique<impl>(options)) {}
mention_parser::~mention_parser() = default;

status mention_parser::parse_one(std::string_view json, mention_view* out) {
  if (json.size() > impl_->options.max_mention_bytes) {
    return invalid_argument("mention is " + std::to_string(json.size()) +
                            " bytes, over the limit of " +
                            std::to_string(impl_->options.max_mention_bytes));
  }
  return impl_->parse_padded(json, out);
}

status mention_parser::parse_elements(std::string_view body, const item_fn& fn) {
  // Finds the elements' bounds from the array's structure alone (strings, escapes, nesting),
  // then parses each as a mention on its own. Errors that are not one element's are the
  // batch's, with the byte where the structure breaks.
  auto broken = [](std::size_t at, std::string_view what) {
    return invalid_argument("body is not valid JSON: " + std::string(what) + " at byte " + std::to_string(at + 1));
  };
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t i = 0;
  while (i < body.size() && space(body[i])) ++i;
  if (i == body.size() || body[i] != '[') return broken(i, "expected '['");
  ++i;
  // Bounds first: the batch is refused whole when the array is not closed, before any item
  // is handed over.
  struct bounds {
    std::size_t begin, end;
  };
  std::vector<bounds> elements;
  std::size_t start = i, depth = 0;
  bool closed = false;
  for (; i < body.size() && !closed; ++i) {
    const char c = body[i];
    if (c == '"') {
      for (++i; i < body.size() && body[i] != '"'; ++i) i += body[i] == '\\';
      if (i >= body.size()) return broken(body.size(), "unterminated string");
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      elements.push_back({start, i});
      start = i + 1;
      closed = c == ']';
    } else if (depth == 0 && c == '}') {
      return broken(i, "unexpected '}'");
    }
  }
  if (!closed) return broken(body.size(), "the array is not closed");
  for (; i < body.size(); ++i) {
    if (!space(body[i])) return broken(i, "unexpected data after the array");
  }
  // "[]" and "[ ]": one empty stretch, no element.
  auto trimmed = [&](bounds b) {
    while (b.begin < b.end && space(body[b.begin])) ++b.begin;
    while (b.end > b.begin && space(body[b.end - 1])) --b.end;
    return body.substr(b.begin, b.end - b.begin);
  };
  if (elements.size() == 1 && trimmed(elements[0]).empty()) return status::ok_status();
  // A comma too many ("[m,]", "[m,,m]", "[,m]") breaks the structure too.
  for (const bounds& b : elements) {
    if (trimmed(b).empty()) return broken(b.end, "an empty element (a comma too many)");
  }
  mention_view m;
  for (std::size_t k = 0; k < elements.size(); ++k) fn(k + 1, parse_one(trimmed(elements[k]), &m), m);
  return status::ok_status();
}

status mention_parser::parse_batch(std::string_view body, batch_format format, const item_fn& fn) {
  body = without_bom(body);
  mention_view m;
  if (format == batch_format::ndjson) {
    std::size_t line = 0;
    std::size_t pos = 0;
    while (pos < body.size()) {
      ++line;
      std::size_t end = body.find('\n', pos);
      if (end == std::string_view::npos) end = body.size();
      std::string_view item = body.substr(pos, end - pos);
      pos = end + 1;
      if (!item.empty() && item.back() == '\r') item.remove_suffix(1);
      if (item.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
      status s = parse_one(item, &m);
      fn(line, s, m);
    }
    return status::ok_status();
  }

  // A JSON array: parse it whole, then validate each element on its own.
  impl& st = *impl_;
  if (st.padded.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    st.padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  st.padded.assign(body);
  element doc;
  auto err = st.parser.parse(st.padded.data(), st.padded.size(), false).get(doc);
  if (err != simdjson::SUCCESS) {
    // Maybe one bad element (invalid UTF-8, a lone surrogate escape): read the elements one
    // by one, so that it does not cost the others.
    return parse_elements(body, fn);
  }
  simdjson::dom::array items;
  if (doc.get_array().get(items) != simdjson::SUCCESS) {
    return invalid_argument("body must be a JSON array of mentions, not " +
                            std::string(type_name(doc.type())));
  }
  std::size_t index = 0;
  for (element item : items) {
    ++index;
    status s = st.validate(item, &m);
    if (s.ok() && field_bytes(m) > st.options.max_mention_bytes) {
      s = invalid_argument("mention holds " + std::to_string(field_bytes(m)) + " bytes, over the limit of " +
                           std::to_string(st.options.max_mention_bytes));
    }
    fn(index, s, m);
  }
  return status::ok_status();
}

}  // namespace vigie::pipeline
