// mention_parser: turns mention JSON (one object, an NDJSON batch or a JSON array) into
// validated mention_views, with a line number and a reason for every rejected item.
//
// The parser owns the memory its views point into and reuses it from call to call: keep one
// parser per worker thread, and copy what you need before the next call.
//
//   vigie::pipeline::mention_parser parser;
//   parser.parse_batch(body, batch_format::ndjson, [&](std::size_t line, auto parsed) {
//     if (parsed.ok()) take(*parsed.value()); else report(line, parsed.status().message());
//   });
//
// Thread safety: one parser per thread.

#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "pipeline/mention.h"
#include "storage/status.h"

namespace vigie::pipeline {

enum class batch_format {
  ndjson,      // one JSON object per line; blank lines are skipped
  json_array,  // one JSON array of objects; "line" numbers are 1-based element positions
};

struct parser_options {
  // Longest accepted mention, in bytes: one NDJSON line, or the fields of one array element
  // (decoded). Longer items are rejected with their line number; the rest of the batch is
  // still taken.
  std::size_t max_mention_bytes = 1 << 20;
};

class mention_parser {
 public:
  explicit mention_parser(parser_options options = {});
  ~mention_parser();
  mention_parser(const mention_parser&) = delete;
  mention_parser& operator=(const mention_parser&) = delete;

  // Parses and validates one JSON object. On success *out holds views valid until the next
  // call on this parser. The error message names the field and the reason.
  status parse_one(std::string_view json, mention_view* out);

  // Calls fn(line, status, view) for every non-blank line (ndjson) or element (json_array),
  // in order. view is valid only during the call and only when status is ok. Returns an error
  // only when the batch as a whole cannot be read: a json_array body that is not an array, or
  // whose structure breaks (the message gives the byte). An element that is not valid JSON
  // or UTF-8 is that element's error, as a bad line is. A leading UTF-8 byte order mark is
  // skipped.
  using item_fn = std::function<void(std::size_t line, const status& s, const mention_view& m)>;
  status parse_batch(std::string_view body, batch_format format, const item_fn& fn);

 private:
  // The json_array path when the body does not parse whole.
  status parse_elements(std::string_view body, const item_fn& fn);

  struct impl;
  std::unique_ptr<impl> impl_;
};

// Parses an RFC 3339 timestamp ("2026-11-22T10:15:00Z", "...+01:00", fractional seconds)
// into epoch milliseconds.
result<std::int64_t> parse_rfc3339_ms(std::string_view s);

// A language as mentions store it: the two lower-case letters of an ISO 639-1 code, given
// alone or with a region ("FR", "fr-CA", "en_GB"; not "fr-" nor "french"). Writes them to
// out[0..1]; false when `code` is not such a code.
bool iso639_letters(std::string_view code, char out[2]) noexcept;

// The body without a leading UTF-8 byte order mark (some editors and exporters write one).
std::string_view without_bom(std::string_view body) noexcept;

}  // namespace vigie::pipeline
