#include "pipeline/watch.h"

#include <simdjson.h>

#include "pipeline/json_keys.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "storage/keys.h"

namespace vigie::pipeline {

namespace {

using simdjson::dom::element;

status string_list(simdjson::dom::object obj, std::string_view field, bool lowercase,
                   std::vector<std::string>* out) {
  element e;
  if (obj[field].get(e) != simdjson::SUCCESS || e.is_null()) return status::ok_status();
  simdjson::dom::array items;
  if (e.get_array().get(items) != simdjson::SUCCESS) {
    return invalid_argument("field '" + std::string(field) + "' must be an array of strings");
  }
  for (element item : items) {
    std::string_view v;
    if (item.get_string().get(v) != simdjson::SUCCESS || v.empty()) {
      return invalid_argument("field '" + std::string(field) + "' must hold non-empty strings");
    }
    if (out->size() == max_watch_filter_values) {
      return invalid_argument("field '" + std::string(field) + "' has more than " +
                              std::to_string(max_watch_filter_values) + " values");
    }
    std::string s(v);
    if (lowercase) {
      for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    out->push_back(std::move(s));
  }
  return status::ok_status();
}

}  // namespace

result<watch> parse_watch_json(std::string_view json, std::string_view id) {
  if (!storage::valid_watch_id(id)) {
    return invalid_argument("watch id must be 1 to " + std::to_string(storage::max_watch_id_bytes) +
                            " characters of [A-Za-z0-9_.-]");
  }
  if (json.size() > max_watch_json_bytes) {
    return invalid_argument("watch definition is larger than " +
                            std::to_string(max_watch_json_bytes) + " bytes");
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return invalid_argument(std::string("body is not valid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return invalid_argument("a watch must be a JSON object");
  }
  if (auto s = keys_given_once(obj); !s.ok()) return s;
  watch w;
  w.id = std::string(id);
  element e;
  if (obj["id"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    std::string_view body_id;
    if (e.get_string().get(body_id) != simdjson::SUCCESS || body_id != id) {
      return invalid_argument("field 'id' must equal the id in the path ('" + std::string(id) + "')");
    }
  }
  if (obj["query"].get(e) != simdjson::SUCCESS || e.is_null()) {
    return invalid_argument("missing required field 'query'");
  }
  std::string_view query;
  if (e.get_string().get(query) != simdjson::SUCCESS) {
    return invalid_argument("field 'query' must be a string");
  }
  w.query = std::string(query);
  if (obj["name"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) {
      return invalid_argument("field 'name' must be a string");
    }
    if (name.size() > max_watch_name_bytes) {
      return invalid_argument("field 'name' is longer than " + std::to_string(max_watch_name_bytes) +
                              " bytes");
    }
    w.name = std::string(name);
  }
  if (w.name.empty()) w.name = w.id;
  if (auto s = string_list(obj, "languages", true, &w.languages); !s.ok()) return s;
  for (const auto& l : w.languages) {
    if (l.size() != 2 || l[0] < 'a' || l[0] > 'z' || l[1] < 'a' || l[1] > 'z') {
      return invalid_argument("field 'languages' must hold ISO 639-1 codes such as \"fr\"");
    }
  }
  if (auto s = string_list(obj, "sources", false, &w.sources); !s.ok()) return s;
  for (const auto& src : w.sources) {
    if (!storage::valid_source(src)) {
      return invalid_argument("field 'sources' must hold names of [A-Za-z0-9_.-], 1 to 64 characters");
    }
  }
  for (auto [field, target] : {std::pair{"created_at", &w.created_at_ms}, std::pair{"updated_at", &w.updated_at_ms}}) {
    if (obj[field].get(e) == simdjson::SUCCESS && e.is_string()) {
      auto t = parse_rfc3339_ms(e.get_string().value_unsafe());
      if (t.ok()) *target = *t;
    }
  }
  return w;
}

result<std::string> parse_query_field(std::string_view json) {
  if (json.size() > max_watch_json_bytes) {
    return invalid_argument("body is larger than " + std::to_string(max_watch_json_bytes) + " bytes");
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return invalid_argument(std::string("body is not valid JSON: ") + simdjson::error_message(err));
  }
  std::string_view query;
  if (doc["query"].get_string().get(query) != simdjson::SUCCESS) {
    return invalid_argument("body must be a JSON object with a string field 'query'");
  }
  return std::string(query);
}

void append_watch_json(const watch& w, std::string* out) {
  out->append("{\"id\":");
  append_json_string(w.id, out);
  out->append(",\"name\":");
  append_json_string(w.name, out);
  out->append(",\"query\":");
  append_json_string(w.query, out);
  for (auto [field, values] : {std::pair{"languages", &w.languages}, std::pair{"sources", &w.sources}}) {
    out->append(",\"");
    out->append(field);
    out->append("\":[");
    for (std::size_t i = 0; i < values->size(); ++i) {
      if (i) out->push_back(',');
      append_json_string((*values)[i], out);
    }
    out->push_back(']');
  }
  out->append(",\"created_at\":\"");
  append_rfc3339_ms(w.created_at_ms, out);
  out->append("\",\"updated_at\":\"");
  append_rfc3339_ms(w.updated_at_ms, out);
  out->append("\"}");
}

}  // namespace vigie::pipeline
