// json_keys: one rule for the JSON object bodies of the API (watches, webhooks,
// acknowledgements): a key given twice is an error. JSON leaves duplicate names undefined and
// parsers differ on which one wins ('{"query":"a","query":"b"}' is "a" for some, "b" for
// others), so the server names the key rather than guess. Mentions apply the same rule to
// their known fields (mention_parser.h).

#pragma once

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

// invalid_argument naming the first key (in sorted order) that obj holds twice.
inline status keys_given_once(simdjson::dom::object obj) {
  std::vector<std::string_view> keys;
  keys.reserve(obj.size());
  for (const auto field : obj) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  if (const auto twice = std::adjacent_find(keys.begin(), keys.end()); twice != keys.end()) {
    return invalid_argument("field '" + std::string(*twice) + "' is given twice");
  }
  return status::ok_status();
}

}  // namespace vigie::pipeline
