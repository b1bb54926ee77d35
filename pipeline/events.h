// events: what the live stream carries (DESIGN.md, GET /v1/stream): every event has a tenant,
// a number (seq) that grows by one per event of the tenant, a type and the watches it concerns.
//
// Events are numbered by the pipeline's single writer thread, written to the event log in the
// same WriteBatch as what they announce, and only then handed to an event_sink (the server's
// hub), in number order. So whatever a live subscriber has seen is already in the log, and a
// subscriber that comes back with since=N reads N+1, N+2, ... from the log without a gap.
//
//   std::string record;
//   vigie::pipeline::encode_event_record(event_type::alert, "borel", alert_json, &record);
//   auto e = vigie::pipeline::decode_event_record(record);  // views into record
//
// Which events exist:
//   mention  a stored mention that matched at least one watch; the log keeps the mention's key,
//            the event's data is the enriched mention (mention_json.h)
//   alert    a crisis alert opened, escalated or resolved; data is the alert (crisis_stage.h)
//   signal   a weak signal found or upgraded; data is the signal
//
// Thread safety: plain values and functions.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

enum class event_type : std::uint8_t { mention = 1, alert = 2, signal = 3 };

std::string_view to_string(event_type type) noexcept;
// "mention", "alert", "signal"; false for anything else.
bool parse_event_type(std::string_view name, event_type* out) noexcept;

// An event as the log stores it: [type:1][watches_len:2 LE][watches][payload]. watches is the
// comma-separated list of watch ids; payload is the mention key suffix (mention) or the JSON
// data (alert, signal).
void encode_event_record(event_type type, std::string_view watches, std::string_view payload,
                         std::string* out);

struct event_record_view {
  event_type type;
  std::string_view watches;
  std::string_view payload;
};
result<event_record_view> decode_event_record(std::string_view record);

// An event on its way to live subscribers. For a mention, data is the mention record
// (mention_codec.h), rendered to JSON by whoever sends it; otherwise data is the JSON.
struct stream_event {
  std::string tenant;
  std::uint64_t seq = 0;
  event_type type = event_type::mention;
  std::string watches;
  std::string data;
};

// Appends the frame a subscriber receives: {"seq":N,"type":"...","data":<data_json>}.
void append_event_json(std::uint64_t seq, event_type type, std::string_view data_json,
                       std::string* out);

// Where the pipeline's writer hands events once they are durable. Called from the writer
// thread, in seq order per tenant; must not block (queue and return).
class event_sink {
 public:
  virtual ~event_sink() = default;
  // Whether anyone listens to the tenant's mention events now: the writer keeps mention
  // records for the sink only then. Alerts and signals are always published.
  virtual bool wants_mentions(std::string_view tenant) const = 0;
  virtual void publish(std::vector<stream_event>& events) = 0;
  // After each write, for each tenant whose log it extended (after publish()): every event up
  // to seq is in the log, published if anyone wanted it.
  virtual void logged_through(std::string_view /*tenant*/, std::uint64_t /*seq*/) {}
};

}  // namespace vigie::pipeline
