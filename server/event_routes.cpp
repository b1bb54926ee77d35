// What the detectors found and how it reaches people: GET /v1/alerts, GET /v1/alerts/{id},
// POST /v1/alerts/{id}/ack, GET /v1/watches/{id}/signals, and the checks of GET /v1/stream
// before its WebSocket upgrade.

#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "pipeline/detector_stage.h"
#include "pipeline/events.h"
#include "pipeline/json_keys.h"
#include "pipeline/mention_json.h"
#include "server/internal/responses.h"
#include "server/router.h"
#include "server/websocket_session.h"
#include "storage/keys.h"

namespace vigie::server {

namespace http = boost::beast::http;
using internal::bad_request;
using internal::error_response;
using internal::json_response;
using internal::status_response;
using pipeline::append_json_string;

namespace {

constexpr std::size_t default_alert_page = 50;
constexpr std::size_t max_alert_page = 500;
// A filtered alert or signal listing reads at most this many records per page.
constexpr std::size_t max_records_scanned = 20000;
// Acknowledgement fields are short texts.
constexpr std::size_t max_ack_field_bytes = 2000;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

result<std::uint64_t> parse_count(std::string_view name, std::string_view v, std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < min || n > max) {
    return invalid_argument("query parameter '" + std::string(name) + "' must be an integer from " +
                            std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

// Splits "a,b" into its items; empty items are an error.
bool split_list(std::string_view v, std::vector<std::string>* out) {
  while (true) {
    std::size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    if (item.empty()) return false;
    out->emplace_back(item);
    if (comma == std::string_view::npos) return true;
    v.remove_prefix(comma + 1);
  }
}

// The alert as stored, with its acknowledgement (if any) merged in.
std::string with_ack(std::string alert, const result<std::string>& ack) {
  return ack.ok() ? pipeline::alert_with_ack(std::move(alert), *ack) : alert;
}

std::string ack_key(std::string_view alert_id) { return pipeline::alert_ack_key(alert_id); }

// A field of a stored alert, for filtering (the record is our own JSON).
std::string_view field_of(std::string_view json, std::string_view name) {
  std::string needle = "\"" + std::string(name) + "\":\"";
  auto at = json.find(needle);
  if (at == std::string_view::npos) return {};
  at += needle.size();
  auto end = json.find('"', at);
  return end == std::string_view::npos ? std::string_view() : json.substr(at, end - at);
}

// Ends a page of records opened as {"...":[ with its cursor: the last key read when more
// follow, else null.
void close_page(bool more, std::string_view last_key, std::string* body) {
  body->append("],\"next_cursor\":");
  if (more && !last_key.empty()) {
    append_json_string(encode_cursor(last_key), body);
  } else {
    body->append("null");
  }
  body->push_back('}');
}

}  // namespace

http_response router::list_alerts(const http_request& req, std::string_view tenant) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  std::string watch, state, cursor;
  int kind_byte = -1;  // the alerts key holds the kind (pipeline::alert_kind) after the time
  std::int64_t since = INT64_MIN;
  std::size_t limit = default_alert_page;
  for (const auto& [key, value] : params) {
    if (key == "watch") {
      if (!storage::valid_watch_id(value)) return bad_request(req, "invalid watch id '" + value + "'");
      watch = value;
    } else if (key == "state") {
      if (value != "open" && value != "resolved") {
        return bad_request(req, "state must be open or resolved, not '" + value + "'");
      }
      state = value;
    } else if (key == "kind") {
      for (auto k : {pipeline::alert_kind::volume_spike, pipeline::alert_kind::negative_spike,
                     pipeline::alert_kind::sentiment_shift}) {
        if (value == pipeline::to_string(k)) kind_byte = static_cast<int>(k);
      }
      if (kind_byte < 0) {
        return bad_request(req, "kind must be volume_spike, negative_spike or sentiment_shift, not '" +
                                    value + "'");
      }
    } else if (key == "since") {
      auto t = internal::parse_time_param(key, value);
      if (!t.ok()) return status_response(req, t.status());
      since = *t;
    } else if (key == "limit") {
      auto n = parse_count(key, value, 1, max_alert_page);
      if (!n.ok()) return status_response(req, n.status());
      limit = *n;
    } else if (key == "cursor") {
      if (!decode_cursor(value, &cursor) || cursor.size() < 9) {
        return bad_request(req, "malformed cursor");
      }
    } else {
      return bad_request(req, "unknown query parameter '" + key + "'");
    }
  }
  if (!watch.empty() && !ctx_.watches.contains(std::string(tenant), watch)) {
    return internal::not_found_response(req, "no watch '" + watch + "'");
  }

  std::string body = "{\"alerts\":[";
  std::size_t n = 0, scanned = 0;
  std::string last_key;
  bool more = false;
  status s = ctx_.db.scan_records(
      storage::record_table::alerts, tenant, {.prefix = {}, .reverse = true, .after_key = cursor},
      [&](std::string_view key, std::string_view value) {
        if (key.size() < 9) return true;
        // Keys are [detected_at:8][kind:1][watch], newest first: past since, nothing more.
        if (storage::decode_time(key.data()) < since) return false;
        if (++scanned > max_records_scanned) {
          more = true;
          return false;
        }
        // Filtered out: the next page starts after it. A full page ends at the next alert
        // that would be on it, so that `more` means one is there.
        const bool wanted = (watch.empty() || key.substr(9) == watch) &&
                            (kind_byte < 0 || static_cast<unsigned char>(key[8]) == kind_byte) &&
                            (state.empty() || field_of(value, "state") == state);
        if (wanted && n == limit) {
          more = true;
          return false;
        }
        last_key.assign(key);
        if (!wanted) return true;
        std::string alert(value);
        auto id = field_of(value, "id");
        alert = with_ack(std::move(alert),
                         ctx_.db.get_record(storage::record_table::state, tenant, ack_key(id)));
        if (n++) body.push_back(',');
        body.append(alert);
        return true;
      });
  if (!s.ok()) return status_response(req, s);
  close_page(more, last_key, &body);
  return json_response(req, 200, std::move(body));
}

http_response router::get_alert(const http_request& req, std::string_view tenant, std::string_view id) {
  std::string key;
  if (!pipeline::alert_key_from_id(id, &key)) {
    return bad_request(req, "malformed alert id '" + std::string(id) +
                                "' (expected <detected_at ms>-<kind>-<watch>)");
  }
  auto alert = ctx_.db.get_record(storage::record_table::alerts, tenant, key);
  if (!alert.ok()) {
    if (alert.status().code() == status_code::not_found) {
      return internal::not_found_response(req, "no alert '" + std::string(id) + "'");
    }
    return status_response(req, alert.status());
  }
  auto ack = ctx_.db.get_record(storage::record_table::state, tenant, ack_key(id));
  return json_response(req, 200, with_ack(std::move(*alert), ack));
}

namespace {

// A code point as U+ writes it: "202E".
std::string hex4(unsigned code) {
  std::string out;
  for (int shift = 12; shift >= 0; shift -= 4) out += "0123456789ABCDEF"[(code >> shift) & 15];
  return out;
}

// The acknowledgement a POST /v1/alerts/{id}/ack body asks for, as stored:
// {"by", "note"?, "assignee"?, "at"}; invalid_argument says what is wrong with the body.
result<std::string> acknowledgement_json(std::string_view body) {
  // {"by": "who acknowledges", "note": "...", "assignee": "who handles it"}
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(body.data(), body.size()).get(doc) || doc.get_object().get(obj)) {
    return invalid_argument("body must be a JSON object {\"by\", \"note\"?, \"assignee\"?}");
  }
  if (auto s = pipeline::keys_given_once(obj); !s.ok()) return s;
  std::string by, note, assignee;
  for (auto field : obj) {
    std::string_view name = field.key;
    std::string* target = name == "by" ? &by : name == "note" ? &note : name == "assignee" ? &assignee : nullptr;
    if (!target) return invalid_argument("unknown field '" + std::string(name) + "' (expected by, note, assignee)");
    std::string_view v;
    if (field.value.get_string().get(v)) {
      return invalid_argument("field '" + std::string(name) + "' must be a string");
    }
    if (v.size() > max_ack_field_bytes) {
      return invalid_argument("field '" + std::string(name) + "' is longer than " +
                              std::to_string(max_ack_field_bytes) + " bytes");
    }
    // Names are one line of text; a note may have lines and tabs. No NUL, escape, DEL or C1
    // control (U+0080-U+009F, UTF-8 C2 80-9F) goes into what dashboards and webhooks show,
    // nor, in a name, a line or paragraph separator (U+2028, U+2029, UTF-8 E2 80 A8-A9) or a
    // bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069, UTF-8
    // E2 80 AA-AE and E2 81 A6-A9): "alice" shown as someone else.
    const bool is_note = target == &note;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto u = static_cast<unsigned char>(v[i]);
      const auto next = i + 1 < v.size() ? static_cast<unsigned char>(v[i + 1]) : 0u;
      const auto third = i + 2 < v.size() ? static_cast<unsigned char>(v[i + 2]) : 0u;
      const bool c1 = u == 0xC2 && (next & 0xE0) == 0x80;
      const bool c0 = (u < 0x20 || u == 0x7F) && !(is_note && (u == '\n' || u == '\t' || u == '\r'));
      if (c0 || c1) {
        return invalid_argument("field '" + std::string(name) + "' holds a control character (U+" +
                                hex4(c1 ? next : u) + ") at byte " + std::to_string(i + 1));
      }
      const bool separator = !is_note && u == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9);
      const bool bidi = !is_note && u == 0xE2 && ((next == 0x80 && third >= 0xAA && third <= 0xAE) ||
                                                  (next == 0x81 && third >= 0xA6 && third <= 0xA9));
      if (separator || bidi) {
        const unsigned code = 0x2000u | (next & 0x3Fu) << 6 | (third & 0x3Fu);
        return invalid_argument("field '" + std::string(name) + "' holds a " +
                                (bidi ? "bidirectional control" : "line separator") + " (U+" + hex4(code) +
                                ") at byte " + std::to_string(i + 1));
      }
    }
    target->assign(v);
  }
  if (by.empty()) return invalid_argument("field 'by' is required: who acknowledges the alert");
  std::string ack = "{\"by\":";
  append_json_string(by, &ack);
  if (!note.empty()) {
    ack.append(",\"note\":");
    append_json_string(note, &ack);
  }
  if (!assignee.empty()) {
    ack.append(",\"assignee\":");
    append_json_string(assignee, &ack);
  }
  ack.append(",\"at\":\"");
  pipeline::append_rfc3339_ms(now_ms(), &ack);
  ack.push_back('"');
  ack.push_back('}');
  return ack;
}

}  // namespace

void router::ack_alert(const http_request& req, std::string_view tenant, std::string_view id, reply_fn reply) {
  std::string key;
  if (!pipeline::alert_key_from_id(id, &key)) {
    return reply(bad_request(req, "malformed alert id '" + std::string(id) + "'"));
  }
  auto ack = acknowledgement_json(req.body());
  if (!ack.ok()) return reply(bad_request(req, ack.status().message()));
  // Written by the pipeline's writer with an alert event, so that the live feed and the
  // webhooks carry it; answered once it is durable.
  ctx_.ingest.acknowledge_alert(std::string(tenant), std::string(id), std::move(*ack),
                                [reply = std::move(reply), version = req.version(), keep_alive = req.keep_alive()](
                                    result<std::string> alert) {
                                  if (!alert.ok()) return reply(internal::status_response(alert.status(), version, keep_alive));
                                  reply(json_response(200, std::move(*alert), version, keep_alive));
                                });
}

http_response router::list_signals(const http_request& req, std::string_view tenant,
                                   const std::string& watch) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  std::int64_t from = INT64_MIN, to = INT64_MAX;
  int level = -1;
  std::size_t limit = default_alert_page;
  std::string cursor;
  for (const auto& [key, value] : params) {
    if (key == "from" || key == "to") {
      auto t = internal::parse_time_param(key, value);
      if (!t.ok()) return status_response(req, t.status());
      (key == "from" ? from : to) = *t;
    } else if (key == "level") {
      if (value == "weak") level = 0;
      else if (value == "emerging") level = 1;
      else if (value == "trend") level = 2;
      else return bad_request(req, "level must be weak, emerging or trend, not '" + value + "'");
    } else if (key == "limit") {
      auto n = parse_count(key, value, 1, max_alert_page);
      if (!n.ok()) return status_response(req, n.status());
      limit = *n;
    } else if (key == "cursor") {
      if (!decode_cursor(value, &cursor)) return bad_request(req, "malformed cursor");
    } else {
      return bad_request(req, "unknown query parameter '" + key + "'");
    }
  }
  if (from >= to) return bad_request(req, "'from' must be before 'to'");
  if (!ctx_.watches.contains(std::string(tenant), watch)) {
    return internal::not_found_response(req, "no watch '" + watch + "'");
  }
  std::string prefix;
  pipeline::append_signal_prefix(watch, &prefix);
  // A cursor is the key of the last signal of a page of this watch's.
  if (!cursor.empty() && (!cursor.starts_with(prefix) || cursor.size() < prefix.size() + 9)) {
    return bad_request(req, "query parameter 'cursor' is not a cursor of this watch's signals");
  }
  std::string body = "{\"signals\":[";
  std::size_t n = 0, scanned = 0;
  std::string last_key;
  bool more = false;
  status s = ctx_.db.scan_records(
      storage::record_table::signals, tenant, {.prefix = prefix, .reverse = true, .after_key = cursor},
      [&](std::string_view key, std::string_view value) {
        if (key.size() < prefix.size() + 9) return true;
        const std::int64_t detected = storage::decode_time(key.data() + prefix.size());
        if (detected < from) return false;  // newest first: nothing older qualifies
        if (detected >= to) return true;
        if (++scanned > max_records_scanned) {
          more = true;
          return false;
        }
        const bool wanted = level < 0 || static_cast<unsigned char>(key[prefix.size() + 8]) == level;
        if (wanted && n == limit) {  // as in list_alerts: `more` means a signal is there
          more = true;
          return false;
        }
        last_key.assign(key);
        if (!wanted) return true;
        if (n++) body.push_back(',');
        body.append(value);
        return true;
      });
  if (!s.ok()) return status_response(req, s);
  close_page(more, last_key, &body);
  return json_response(req, 200, std::move(body));
}

namespace {

// A WebSocket key is 16 random bytes in base64: 22 characters of the alphabet, then "==".
bool valid_websocket_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  auto base64 = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  };
  return std::all_of(key.begin(), key.end() - 2, base64);
}

}  // namespace

std::optional<http_response> router::accept_stream(http_request& req,
                                                   boost::asio::ip::tcp::socket& socket) {
  const auto start = std::chrono::steady_clock::now();
  auto answer = [&](http_response res) {
    ctx_.metrics.request("GET", "/v1/stream", res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    res.keep_alive(false);
    return res;
  };
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path != "/v1/stream") {
    return answer(error(404, "not_found", "no WebSocket route at " + std::string(path), req.version(), false));
  }
  if (req.method() != http::verb::get) {
    return answer(error(405, "method_not_allowed", "GET only", req.version(), false));
  }
  // What the WebSocket accept would refuse with a bare text answer (RFC 6455 section 4.2.1):
  // refused here instead, with a reason, and counted as the refusal it is.
  if (req[http::field::sec_websocket_version] != "13") {
    http_response res = error(426, "upgrade_required", "this server speaks WebSocket version 13 only",
                              req.version(), false);
    res.set(http::field::sec_websocket_version, "13");
    return answer(std::move(res));
  }
  if (!valid_websocket_key(req[http::field::sec_websocket_key])) {
    return answer(bad_request(req, "Sec-WebSocket-Key must be 16 bytes in base64 (24 characters)"));
  }
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return answer(bad_request(req, s.message()));

  // Browsers cannot set headers on a WebSocket: the key may come as access_token instead.
  if (req.count(http::field::authorization) > 1) {
    return answer(bad_request(req, "a request carries one Authorization header, not several"));
  }
  auto header = req[http::field::authorization];
  std::string authorization(header.data(), header.size());
  for (const auto& [key, value] : params) {
    if (key != "access_token") continue;
    if (value.empty()) return answer(bad_request(req, "query parameter 'access_token' is empty"));
    // Two keys could name two tenants: neither is taken over the other.
    if (!authorization.empty()) {
      return answer(bad_request(req, "the key comes once: an Authorization header or access_token, not both"));
    }
    authorization = "Bearer " + value;
  }
  auto tenant = ctx_.auth.tenant_for(authorization);
  if (!tenant) {
    http_response res = error(401, "unauthorized",
                              authorization.empty() ? "missing Authorization: Bearer <key> (or access_token=)"
                                                    : "invalid API key",
                              req.version(), false);
    res.set(http::field::www_authenticate, "Bearer");
    return answer(std::move(res));
  }

  stream_subscription sub;
  sub.tenant = std::string(*tenant);
  for (const auto& [key, value] : params) {
    if (key == "access_token") continue;
    if (key == "watches") {
      if (!split_list(value, &sub.watches)) return answer(bad_request(req, "watches must be a comma-separated list of watch ids"));
      for (const auto& w : sub.watches) {
        if (!storage::valid_watch_id(w) || !ctx_.watches.contains(sub.tenant, w)) {
          return answer(internal::not_found_response(req, "no watch '" + w + "'"));
        }
      }
    } else if (key == "types") {
      std::vector<std::string> types;
      if (!split_list(value, &types)) return answer(bad_request(req, "types must be a comma-separated list"));
      for (bool& t : sub.types) t = false;
      for (const auto& t : types) {
        pipeline::event_type type;
        if (!pipeline::parse_event_type(t, &type)) {
          return answer(bad_request(req, "unknown event type '" + t + "' (expected mention, alert, signal)"));
        }
        sub.types[static_cast<int>(type)] = true;
      }
    } else if (key == "since") {
      auto n = parse_count(key, value, 0, UINT64_MAX - 1);
      if (!n.ok()) return answer(status_response(req, n.status()));
      sub.since = *n;
    } else {
      return answer(bad_request(req, "unknown query parameter '" + key + "'"));
    }
  }
  if (sub.since) {
    auto first = ctx_.db.first_event_seq(sub.tenant);
    auto last = ctx_.db.last_event_seq(sub.tenant);
    if (!first.ok()) return answer(status_response(req, first.status()));
    if (!last.ok()) return answer(status_response(req, last.status()));
    if (*sub.since > *last) {
      return answer(bad_request(req, "since=" + std::to_string(*sub.since) + " is beyond the last event (" +
                                         std::to_string(*last) + ")"));
    }
    // A feed without mentions resumes from the findings log, which goes back further.
    auto coverage = storage::store::finding_coverage::before_log;
    if (!sub.types[static_cast<int>(pipeline::event_type::mention)]) {
      auto c = ctx_.db.findings_after(sub.tenant, *sub.since);
      if (!c.ok()) return answer(status_response(req, c.status()));
      coverage = *c;
    }
    if (coverage == storage::store::finding_coverage::trimmed ||
        (coverage == storage::store::finding_coverage::before_log && *first > 0 && *sub.since + 1 < *first)) {
      const bool findings = coverage == storage::store::finding_coverage::trimmed;
      return answer(error_response(req, 410, "gone",
                                   std::string(findings ? "alerts and signals after since=" + std::to_string(*sub.since)
                                                        : "events before " + std::to_string(*first)) +
                                       " are no longer kept; reconnect without since (and reload state "
                                       "from the REST routes)"));
    }
  }
  ctx_.metrics.request("GET", "/v1/stream", 101,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::make_shared<websocket_session>(std::move(socket), std::move(sub), ctx_.db, ctx_.hub,
                                      ctx_.cfg.stream, ctx_.metrics)
      ->run(std::move(req));
  return std::nullopt;
}

}  // namespace vigie::server
