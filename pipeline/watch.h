// watch: a tenant's saved brand query (DESIGN.md, "Watch"), as sent to PUT /v1/watches/{id},
// stored, and served.
//
//   auto w = vigie::pipeline::parse_watch_json(R"({"name":"Borel","query":"borel NOT recrutement"})",
//                                              "borel");
//   if (!w.ok()) return w.status();   // "field 'query': ... at column 7"
//   std::string json;
//   vigie::pipeline::append_watch_json(*w, &json);
//
// Thread safety: plain values.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

// Bounds of a watch definition; the query's own limits are in query.h.
inline constexpr std::size_t max_watch_name_bytes = 256;
inline constexpr std::size_t max_watch_filter_values = 32;
inline constexpr std::size_t max_watch_json_bytes = 64 * 1024;

struct watch {
  std::string id;
  std::string name;
  std::string query;
  std::vector<std::string> languages;  // empty: every language
  std::vector<std::string> sources;    // empty: every source
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// Parses a watch sent by a client (id comes from the path; a body "id" must equal it) or a
// stored one. The query's syntax is checked by the caller (query.h), which knows positions.
result<watch> parse_watch_json(std::string_view json, std::string_view id);

// The "query" string of a JSON object ({"query": "..."}), for POST /v1/watches:validate.
result<std::string> parse_query_field(std::string_view json);

// {"id","name","query","languages","sources","created_at","updated_at"}
void append_watch_json(const watch& w, std::string* out);

}  // namespace vigie::pipeline
