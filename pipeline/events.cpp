#include "pipeline/events.h"

namespace vigie::pipeline {

std::string_view to_string(event_type type) noexcept {
  switch (type) {
    case event_type::mention: return "mention";
    case event_type::alert: return "alert";
    case event_type::signal: return "signal";
  }
  return "mention";
}

bool parse_event_type(std::string_view name, event_type* out) noexcept {
  for (event_type t : {event_type::mention, event_type::alert, event_type::signal}) {
    if (name == to_string(t)) {
      *out = t;
      return true;
    }
  }
  return false;
}

void encode_event_record(event_type type, std::string_view watches, std::string_view payload,
                         std::string* out) {
  // Watch lists are bounded by the number of watches a mention matches; 64 KiB is plenty,
  // and a longer list is cut at its last whole id rather than corrupting the record.
  constexpr std::size_t max_watches_bytes = 0xffff;
  if (watches.size() > max_watches_bytes) {
    watches = watches.substr(0, watches.rfind(',', max_watches_bytes));
  }
  out->push_back(static_cast<char>(type));
  out->push_back(static_cast<char>(watches.size() & 0xff));
  out->push_back(static_cast<char>(watches.size() >> 8));
  out->append(watches);
  out->append(payload);
}

result<event_record_view> decode_event_record(std::string_view record) {
  if (record.size() < 3) return corruption("event record too short");
  const auto type = static_cast<event_type>(static_cast<unsigned char>(record[0]));
  if (type != event_type::mention && type != event_type::alert && type != event_type::signal) {
    return corruption("event record of unknown type " + std::to_string(static_cast<int>(type)));
  }
  const std::size_t n = static_cast<unsigned char>(record[1]) |
                        (static_cast<std::size_t>(static_cast<unsigned char>(record[2])) << 8);
  if (3 + n > record.size()) return corruption("event record truncated");
  return event_record_view{type, record.substr(3, n), record.substr(3 + n)};
}

void append_event_json(std::uint64_t seq, event_type type, std::string_view data_json,
                       std::string* out) {
  out->append("{\"seq\":");
  out->append(std::to_string(seq));
  out->append(",\"type\":\"");
  out->append(to_string(type));
  out->append("\",\"data\":");
  out->append(data_json);
  out->push_back('}');
}

}  // namespace vigie::pipeline
