#include "server/webhook_dispatcher.h"

#include <boost/asio/post.hpp>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>

#include "pipeline/events.h"
#include "pipeline/json_keys.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "server/log.h"
#include "storage/keys.h"

namespace vigie::server {

namespace net = boost::asio;
using pipeline::append_json_string;
using pipeline::event_type;

namespace {

constexpr std::string_view hook_prefix = "webhook/";
constexpr std::string_view cursor_prefix = "webhook_cursor/";
// Alerts waiting in memory per webhook; past it the webhook reads them back from the log.
constexpr std::size_t max_queued_alerts = 1000;
// Events of the log read in one step of a catch-up, so that one webhook far behind does not
// hold the dispatcher's thread for long.
constexpr std::size_t catch_up_step_events = 100000;
// How often at most an idle webhook's advancing cursor is stored.
constexpr std::chrono::seconds cursor_store_interval{5};
// A webhook filters on at most this many watches.
constexpr std::size_t max_webhook_watches = 100;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string hook_key(std::string_view id) { return std::string(hook_prefix) + std::string(id); }
std::string cursor_key(std::string_view id) { return std::string(cursor_prefix) + std::string(id); }

bool concerns(const webhook& w, std::string_view watches) {
  if (w.watches.empty()) return true;
  bool any = false;
  pipeline::for_each_watch(watches, [&](std::string_view id) {
    if (std::find(w.watches.begin(), w.watches.end(), id) != w.watches.end()) any = true;
  });
  return any;
}

}  // namespace

std::string webhook_json(const webhook& w, bool with_secret) {
  std::string out = "{\"id\":";
  append_json_string(w.id, &out);
  out.append(",\"url\":");
  append_json_string(w.url, &out);
  out.append(",\"format\":\"");
  out.append(w.format == webhook_format::slack ? "slack" : "json");
  out.append("\",\"watches\":[");
  for (std::size_t i = 0; i < w.watches.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(w.watches[i], &out);
  }
  out.append("],\"created_at\":\"");
  pipeline::append_rfc3339_ms(w.created_at_ms, &out);
  out.push_back('"');
  const bool is_signed = w.secret && !w.secret->empty();
  if (with_secret && is_signed) {
    out.append(",\"secret\":");
    append_json_string(*w.secret, &out);
  }
  if (!with_secret) out.append(is_signed ? ",\"signed\":true" : ",\"signed\":false");
  out.push_back('}');
  return out;
}

result<webhook> parse_webhook_json(std::string_view json, std::string_view id) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(json.data(), json.size()).get(doc) || doc.get_object().get(obj)) {
    return invalid_argument("body must be a JSON object {\"url\", \"format\"?, \"watches\"?, \"secret\"?}");
  }
  if (auto s = pipeline::keys_given_once(obj); !s.ok()) return s;
  webhook w;
  w.id = std::string(id);
  for (auto field : obj) {
    std::string_view name = field.key;
    if (name == "id") {
      std::string_view v;
      if (field.value.get_string().get(v) || v != id) {
        return invalid_argument("field 'id' must equal the id in the path");
      }
    } else if (name == "url") {
      std::string_view v;
      if (field.value.get_string().get(v)) return invalid_argument("field 'url' must be a string");
      w.url = std::string(v);
    } else if (name == "format") {
      std::string_view v;
      if (field.value.get_string().get(v) || (v != "json" && v != "slack")) {
        return invalid_argument("field 'format' must be \"json\" or \"slack\"");
      }
      w.format = v == "slack" ? webhook_format::slack : webhook_format::json;
    } else if (name == "watches") {
      simdjson::dom::array list;
      if (field.value.get_array().get(list)) {
        return invalid_argument("field 'watches' must be an array of watch ids");
      }
      for (auto item : list) {
        std::string_view v;
        if (item.get_string().get(v) || !storage::valid_watch_id(v)) {
          return invalid_argument("field 'watches' must hold watch ids ([A-Za-z0-9_.-], 1 to 128)");
        }
        if (w.watches.size() == max_webhook_watches) {
          return invalid_argument("field 'watches' holds more than " +
                                  std::to_string(max_webhook_watches) + " ids");
        }
        w.watches.emplace_back(v);
      }
    } else if (name == "created_at") {
      // Kept by the server; a client echoing a GET back is not an error.
      std::string_view v;
      if (field.value.get_string().get(v)) return invalid_argument("field 'created_at' must be a string");
      if (auto t = pipeline::parse_rfc3339_ms(v); t.ok()) w.created_at_ms = *t;
    } else if (name == "secret") {
      std::string_view v;
      if (field.value.is_null()) {
        w.secret = std::string();
      } else if (field.value.get_string().get(v)) {
        return invalid_argument("field 'secret' must be a string, or null for unsigned deliveries");
      } else if (auto key = webhook_signing_key(v); !key.ok()) {
        return key.status();
      } else {
        w.secret = std::string(v);
      }
    } else if (name == "signed") {
      // What a GET says; the secret decides.
      bool v = false;
      if (field.value.get_bool().get(v)) return invalid_argument("field 'signed' must be true or false");
      w.says_signed = v;
    } else {
      return invalid_argument("unknown field '" + std::string(name) +
                              "' (expected url, format, watches, secret; id, created_at and signed as a GET gives them)");
    }
  }
  if (w.url.empty()) return invalid_argument("field 'url' is required");
  if (auto u = parse_webhook_url(w.url); !u.ok()) return u.status();
  return w;
}

struct webhook_dispatcher::hook_state {
  webhook def;
  std::uint64_t cursor = 0;  // every alert up to it is done with
  std::uint64_t stored_cursor = 0;
  std::chrono::steady_clock::time_point stored_at;
  std::deque<shared_event> queue;
  bool needs_catch_up = true;
  bool in_flight = false;
  // Set when the webhook is replaced (another URL or format) or deleted while a delivery is
  // in flight: the client stops retrying it, and a replaced webhook sends it again, as it is.
  std::shared_ptr<std::atomic<bool>> withdrawn;
  void withdraw() {
    if (in_flight && withdrawn) withdrawn->store(true);
  }
};

webhook_dispatcher::webhook_dispatcher(storage::store& db, const webhook_options& options,
                                       server_metrics& metrics)
    : db_(db), options_(options), metrics_(metrics) {}

webhook_dispatcher::~webhook_dispatcher() { stop(); }

status webhook_dispatcher::start() {
  auto m = webhook_metrics::create(metrics_.mutable_registry());
  if (!m.ok()) return m.status();
  client_metrics_ = *m;
  webhook_client_options o;
  o.request_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.request_timeout);
  o.connect_timeout = std::min(o.connect_timeout, o.request_timeout);
  o.max_attempts = options_.max_attempts;
  o.backoff_initial = options_.backoff_initial;
  o.backoff_max = options_.backoff_max;
  o.allow_internal_addresses = options_.allow_internal_addresses;
  client_ = std::make_unique<webhook_client>(io_, o, &client_metrics_);

  std::vector<std::pair<std::string, webhook>> loaded;
  status s = db_.scan_all_records(
      storage::record_table::state, hook_prefix,
      [&](std::string_view tenant, std::string_view key, std::string_view value) {
        std::string id(key.substr(hook_prefix.size()));
        auto w = parse_webhook_json(value, id);
        if (!w.ok()) {
          log_warn("ignoring an unreadable webhook", {{"tenant", std::string(tenant)}, {"id", id}});
          return true;
        }
        loaded.emplace_back(std::string(tenant), std::move(*w));
        return true;
      });
  if (!s.ok()) return s;
  for (auto& [tenant, w] : loaded) {
    auto h = std::make_shared<hook_state>();
    auto cursor = db_.get_record(storage::record_table::state, tenant, cursor_key(w.id));
    if (cursor.ok() && cursor->size() == 8) {
      std::memcpy(&h->cursor, cursor->data(), 8);
      h->stored_cursor = h->cursor;
    } else {
      auto head = db_.last_event_seq(tenant);
      h->cursor = head.ok() ? *head : 0;
    }
    h->def = std::move(w);
    hooks_[{tenant, h->def.id}] = std::move(h);
  }
  work_.emplace(net::make_work_guard(io_));
  thread_ = std::thread([this] { io_.run(); });
  // Alerts stored while no dispatcher ran are read back from the log.
  net::post(io_, [this] {
    for (const auto& [k, h] : hooks_) pump(k);
  });
  return status::ok_status();
}

void webhook_dispatcher::stop() {
  if (!thread_.joinable()) return;
  // Deliveries cut short here are not done with: their cursors stay, and they go again at
  // the next start (same Idempotency-Key).
  net::post(io_, [this] {
    stopping_ = true;
    for (auto& [k, h] : hooks_) store_cursor(k, *h);  // the advances published_through() made
  });
  if (client_) client_->stop();
  work_.reset();
  thread_.join();
  client_.reset();
}

status webhook_dispatcher::put(const std::string& tenant, webhook w) {
  std::lock_guard lock(change_mu_);
  // A URL naming an internal address outright is refused now rather than failed at each alert;
  // a host name is checked when a delivery resolves it.
  if (auto u = parse_webhook_url(w.url); u.ok() && !options_.allow_internal_addresses && is_internal_host(u->host)) {
    return invalid_argument("field 'url': host " + u->host +
                            " is an internal address (loopback, private, link-local...); webhooks "
                            "reach such addresses only with webhooks.allow_internal_addresses: true");
  }
  auto existing = db_.get_record(storage::record_table::state, tenant, hook_key(w.id));
  if (existing.ok()) {
    // A changed URL or filter keeps the webhook's place in the log and its creation time.
    if (auto old = parse_webhook_json(*existing, w.id); old.ok()) {
      w.created_at_ms = old->created_at_ms;
      if (!w.secret) w.secret = old->secret;  // not given: kept (a GET echoed back has none)
    }
  }
  if (w.secret && w.secret->empty()) w.secret.reset();  // null: unsigned, stored as no secret
  if (w.says_signed && !w.secret) {
    return invalid_argument("field 'signed' is true but the webhook has no secret: give 'secret'");
  }
  if (w.created_at_ms == 0) w.created_at_ms = now_ms();
  // A new webhook gets the alerts from now on, not the history; a stored one (running, or not
  // loaded at start) keeps its place. The running one's own cursor wins, in the post below.
  auto head = db_.last_event_seq(tenant);
  if (!head.ok()) return head.status();
  std::uint64_t cursor = *head;
  if (existing.ok()) {
    auto stored = db_.get_record(storage::record_table::state, tenant, cursor_key(w.id));
    if (stored.ok() && stored->size() == 8) std::memcpy(&cursor, stored->data(), 8);
  }
  if (status s = db_.put_record(storage::record_table::state, tenant, hook_key(w.id), webhook_json(w, /*with_secret=*/true));
      !s.ok()) {
    return s;
  }
  net::post(io_, [this, tenant, w = std::move(w), cursor]() mutable {
    key k{tenant, w.id};
    auto& h = hooks_[k];
    if (!h) {
      h = std::make_shared<hook_state>();
      h->cursor = cursor;
      // An alert committed since the head was read reached no webhook of this id: the log
      // has it.
      h->needs_catch_up = true;
      // Stored here, on this thread: after any store of a deleted webhook of the same id.
      store_cursor(k, *h, /*force=*/true);
    } else if (h->def.url != w.url || h->def.format != w.format || h->def.secret != w.secret) {
      h->withdraw();  // the alert being retried goes to the new URL, in its turn
    }
    h->def = std::move(w);
    pump(k);
  });
  return status::ok_status();
}

status webhook_dispatcher::remove(const std::string& tenant, const std::string& id) {
  std::lock_guard lock(change_mu_);
  auto existing = db_.get_record(storage::record_table::state, tenant, hook_key(id));
  if (!existing.ok()) return existing.status();
  if (status s = db_.delete_record(storage::record_table::state, tenant, hook_key(id)); !s.ok()) return s;
  (void)db_.delete_record(storage::record_table::state, tenant, cursor_key(id));
  net::post(io_, [this, k = key{tenant, id}] {
    auto it = hooks_.find(k);
    if (it == hooks_.end()) return;
    it->second->withdraw();  // deleted: no more attempts
    hooks_.erase(it);
  });
  return status::ok_status();
}

result<webhook> webhook_dispatcher::get(const std::string& tenant, const std::string& id) const {
  auto stored = db_.get_record(storage::record_table::state, tenant, hook_key(id));
  if (!stored.ok()) {
    if (stored.status().code() == status_code::not_found) return not_found("no webhook '" + id + "'");
    return stored.status();
  }
  return parse_webhook_json(*stored, id);
}

std::vector<webhook> webhook_dispatcher::list(const std::string& tenant) const {
  std::vector<webhook> out;
  (void)db_.scan_records(storage::record_table::state, tenant, {.prefix = hook_prefix, .reverse = false, .after_key = {}},
                         [&](std::string_view key, std::string_view value) {
                           auto w = parse_webhook_json(value, key.substr(hook_prefix.size()));
                           if (w.ok()) out.push_back(std::move(*w));
                           return true;
                         });
  return out;
}

void webhook_dispatcher::deliver(std::span<const shared_event> events) {
  std::vector<shared_event> alerts;
  for (const auto& e : events) {
    if (e->type == event_type::alert) alerts.push_back(e);
  }
  if (alerts.empty()) return;
  net::post(io_, [this, alerts = std::move(alerts)] {
    for (const auto& e : alerts) {
      auto it = hooks_.lower_bound(key{e->tenant, std::string()});
      for (; it != hooks_.end() && it->first.first == e->tenant; ++it) {
        hook_state& h = *it->second;
        if (e->seq <= h.cursor || !concerns(h.def, e->watches)) continue;
        if (h.needs_catch_up) continue;  // the log has it; the catch-up will find it
        if (!h.queue.empty() && e->seq <= h.queue.back()->seq) continue;
        if (h.queue.size() >= max_queued_alerts) {
          h.queue.clear();
          h.needs_catch_up = true;
          continue;
        }
        h.queue.push_back(e);
      }
    }
    for (const auto& e : alerts) {
      auto it = hooks_.lower_bound(key{e->tenant, std::string()});
      for (; it != hooks_.end() && it->first.first == e->tenant; ++it) pump(it->first);
    }
  });
}

void webhook_dispatcher::published_through(std::string_view tenant, std::uint64_t seq) {
  net::post(io_, [this, tenant = std::string(tenant), seq] {
    auto it = hooks_.lower_bound(key{tenant, std::string()});
    for (; it != hooks_.end() && it->first.first == tenant; ++it) {
      hook_state& h = *it->second;
      // Idle and caught up: every alert up to seq reached it, and none is waiting.
      if (h.needs_catch_up || h.in_flight || !h.queue.empty() || seq <= h.cursor) continue;
      h.cursor = seq;
      // Stored every few seconds at most (and at stop): after a crash the log is read again
      // from a few seconds back, which delivers nothing twice.
      if (std::chrono::steady_clock::now() - h.stored_at >= cursor_store_interval) store_cursor(it->first, h);
    }
  });
}

void webhook_dispatcher::store_cursor(const key& k, hook_state& h, bool force) {
  h.stored_at = std::chrono::steady_clock::now();
  if (h.cursor == h.stored_cursor && !force) return;
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &h.cursor, 8);
  if (status s = db_.put_record(storage::record_table::state, k.first, cursor_key(k.second), bytes); !s.ok()) {
    log_warn("cannot store a webhook cursor", {{"error", s.message()}});
    return;
  }
  h.stored_cursor = h.cursor;
}

void webhook_dispatcher::catch_up(const key& k, hook_state& h) {
  std::size_t read = 0;
  const std::uint64_t after = h.queue.empty() ? h.cursor : h.queue.back()->seq;
  std::uint64_t trimmed_to = 0;  // the last of the events retention took before this webhook got them
  std::uint64_t last_read = 0;
  auto take = [&](std::uint64_t seq, std::string_view rec) {
    ++read;
    last_read = seq;
    auto e = pipeline::decode_event_record(rec);
    if (e.ok() && e->type == event_type::alert && concerns(h.def, e->watches)) {
      h.queue.push_back(std::make_shared<const pipeline::stream_event>(pipeline::stream_event{
          k.first, seq, e->type, std::string(e->watches), std::string(e->payload)}));
    }
    return h.queue.size() < max_queued_alerts && read < catch_up_step_events;
  };
  // Alerts are in the findings log, which goes back further than the event log; in a database
  // made before it, the event log has those before its first.
  auto coverage = db_.findings_after(k.first, after);
  status s = coverage.status();
  if (coverage.ok() && *coverage != storage::store::finding_coverage::before_log) {
    s = db_.read_findings(k.first, after + 1, [&](std::uint64_t seq, const storage::finding_link& link, std::string_view rec) {
      // Retention (pipeline.finding_retention) took the findings between the cursor and this one.
      if (read == 0 && link.previous_seq > after) trimmed_to = link.previous_seq;
      return take(seq, rec);
    });
  } else if (coverage.ok()) {
    s = db_.read_events(k.first, after + 1, [&](std::uint64_t seq, std::string_view rec) {
      if (read == 0 && seq > after + 1) {
        // The log starts after the cursor: retention (pipeline.event_retention) trimmed events
        // this webhook was behind on. A gap from a failed write is no loss, and is passed over.
        auto first = db_.first_event_seq(k.first);
        if (first.ok() && *first == seq) trimmed_to = seq - 1;
      }
      return take(seq, rec);
    });
  }
  if (!s.ok()) {
    log_warn("webhook catch-up cannot read the event log", {{"error", s.message()}});
    return;
  }
  if (trimmed_to != 0) {
    log_warn("webhook fell behind the event log's retention: the alert changes among the lost events are not delivered",
             {{"tenant", k.first}, {"webhook", k.second}, log_field::number("first_lost_seq", static_cast<long long>(after + 1)),
              log_field::number("last_lost_seq", static_cast<long long>(trimmed_to))});
    if (client_metrics_.lost) client_metrics_.lost->inc(trimmed_to - after);
  }
  // Nothing for this webhook in what was read: its cursor moves past it, so that the next
  // step reads on (a full step of other events read again and again would never end).
  if (h.queue.empty() && last_read > h.cursor) h.cursor = last_read;
  // Done when the log had nothing more to give within the bounds.
  if (h.queue.size() < max_queued_alerts && read < catch_up_step_events) h.needs_catch_up = false;
}

void webhook_dispatcher::pump(const key& k) {
  if (stopping_) return;
  auto it = hooks_.find(k);
  if (it == hooks_.end()) return;
  auto h = it->second;
  if (h->in_flight) return;
  if (h->queue.empty() && h->needs_catch_up) {
    catch_up(k, *h);
    if (h->queue.empty() && h->needs_catch_up) {
      net::post(io_, [this, k] { pump(k); });  // more of the log to read: later, in turn
      return;
    }
  }
  while (!h->queue.empty() && h->queue.front()->seq <= h->cursor) h->queue.pop_front();
  if (h->queue.empty()) return;
  shared_event e = h->queue.front();
  webhook_delivery d;
  d.url = h->def.url;
  d.format = h->def.format;
  // Unique across tenants too: a receiver may serve several (an agency's).
  d.idempotency_key = k.first + ":" + h->def.id + ":" + std::to_string(e->seq);
  if (h->def.secret && !h->def.secret->empty()) {
    if (auto key = webhook_signing_key(*h->def.secret); key.ok()) d.signing_key = std::move(*key);
  }
  pipeline::append_event_json(e->seq, e->type, e->data, &d.event_json);
  h->withdrawn = std::make_shared<std::atomic<bool>>(false);
  d.withdrawn = h->withdrawn;
  h->in_flight = true;
  const std::uint64_t seq = e->seq;
  bool queued = client_->deliver(std::move(d), [this, k, seq, h](delivery_outcome outcome, int) {
    h->in_flight = false;
    if (stopping_) return;
    // Only for the webhook it was sent for: not one deleted since, nor a new one of its id.
    auto it = hooks_.find(k);
    if (it == hooks_.end() || it->second != h) return;
    if (outcome == delivery_outcome::withdrawn) return pump(k);  // again, to the new URL
    on_done(k, seq, outcome);
  });
  if (!queued) h->in_flight = false;
}

void webhook_dispatcher::on_done(const key& k, std::uint64_t seq, delivery_outcome outcome) {
  auto it = hooks_.find(k);
  if (it == hooks_.end()) return;  // removed meanwhile
  hook_state& h = *it->second;
  if (outcome == delivery_outcome::failed) {
    log_warn("webhook alert given up after retries",
             {{"tenant", k.first}, {"webhook", k.second}, log_field::number("seq", static_cast<long long>(seq))});
  }
  h.cursor = std::max(h.cursor, seq);
  if (!h.queue.empty() && h.queue.front()->seq == seq) h.queue.pop_front();
  store_cursor(k, h);
  pump(k);
}

}  // namespace vigie::server
