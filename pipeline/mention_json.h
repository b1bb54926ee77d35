// mention_json: writes an enriched mention as one line of JSON (DESIGN.md, "Enriched
// mention"): the input fields plus lang, sentiment, watches and ingested_at.
//
//   std::string line;
//   vigie::pipeline::append_enriched_json(m, &line);  // {"id":"1",...,"sentiment":{...}}
//
// Thread safety: free functions, no shared state.

#pragma once

#include <span>
#include <string>
#include <string_view>

#include "pipeline/mention.h"

namespace vigie::pipeline {

// Appends m as a JSON object (no trailing newline) to *out. created_at and ingested_at are
// written as RFC 3339 UTC strings with milliseconds.
void append_enriched_json(const mention_view& m, std::string* out);

// Appends s as a JSON string literal, quotes included, escaping what JSON requires.
// Invalid UTF-8 is replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string_view s, std::string* out);

// Appends an epoch-milliseconds time as "YYYY-MM-DDTHH:MM:SS.mmmZ" (no quotes).
void append_rfc3339_ms(std::int64_t ms, std::string* out);

}  // namespace vigie::pipeline
