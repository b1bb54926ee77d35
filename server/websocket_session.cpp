#include "server/websocket_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>

#include <simdjson.h>

#include "pipeline/detector_stage.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "storage/keys.h"

namespace vigie::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using pipeline::event_type;

namespace {

// Frames queued for the socket at once. Events beyond wait in the live queue (bounded by
// max_queued_events), where a slow client is detected.
constexpr std::size_t max_frames_in_flight = 64;
// Log chunks (stream.replay_chunk_events each) one pump() reads before it yields the thread.
constexpr int max_chunks_per_pump = 4;
// Live events looked at per pump() call, for the same reason.
constexpr std::size_t max_live_per_pump = 4096;

}  // namespace

websocket_session::websocket_session(net::ip::tcp::socket&& socket, stream_subscription subscription,
                                     storage::store& db, stream_hub& hub,
                                     const stream_options& options, server_metrics& metrics)
    : ws_(std::move(socket)),
      sub_(std::move(subscription)),
      db_(db),
      hub_(hub),
      options_(options),
      metrics_(metrics),
      close_deadline_(ws_.get_executor()) {
  metrics_.stream_opened();
}

websocket_session::~websocket_session() {
  if (subscribed_) hub_.unsubscribe(sub_.tenant, this);
  metrics_.stream_closed();
}

void websocket_session::run(http_request upgrade) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), req = std::move(upgrade)]() mutable {
    beast::get_lowest_layer(self->ws_).expires_never();  // the websocket's own timeouts rule
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::seconds(30);
    t.idle_timeout = self->options_.idle_timeout;
    t.keep_alive_pings = true;  // a ping at half the idle timeout; no pong by its end: closed
    self->ws_.set_option(t);
    self->ws_.read_message_max(self->options_.max_message_bytes);
    self->ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "vigie");
    }));
    // Subscribe before the handshake completes so that nothing published from now on is
    // missed; events wait in the bounded live queue meanwhile. The head is read after: every
    // event past it is published after the subscription, so reaches this session if it is
    // published at all.
    self->hub_.subscribe(self->sub_.tenant, self);
    self->subscribed_ = true;
    auto head = self->db_.last_event_seq(self->sub_.tenant);
    self->subscribed_at_ = head.ok() ? *head : 0;
    if (self->sub_.since) {
      self->last_seq_ = *self->sub_.since;
      self->replaying_ = true;
    } else {
      self->last_seq_ = head.ok() ? *head : 0;
    }
    self->ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, self));
  });
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return finish();
  accepted_ = true;
  do_read();
  pump();
}

void websocket_session::do_read() {
  ws_.async_read(read_buffer_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // closed by the peer, timed out (no pong), or a message over the limit: the session ends.
    return finish();
  }
  read_buffer_.consume(read_buffer_.size());  // the feed takes no commands; ignore the text
  do_read();
}

void websocket_session::deliver(std::span<const shared_event> events) {
  bool post = false;
  {
    std::lock_guard lock(mu_);
    if (overflow_) return;
    // Slow is behind: more than max_queued_events still waiting when new ones come. A client
    // that keeps up takes a burst of any size (one group commit's events; they are shared,
    // a pointer each here), and is closed at the next delivery if it does not drain it.
    if (live_.size() > options_.max_queued_events) {
      overflow_ = true;
      live_.clear();
    } else {
      for (const auto& e : events) live_.push_back(e);
    }
    if (!pump_posted_) {
      pump_posted_ = true;
      post = true;
    }
  }
  if (post) {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      {
        std::lock_guard lock(self->mu_);
        self->pump_posted_ = false;
      }
      self->pump();
    });
  }
}

void websocket_session::going_away() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (!self->accepted_) return;
    self->close_with(static_cast<std::uint16_t>(websocket::close_code::going_away), {});
  });
}

bool websocket_session::wanted(event_type type, std::string_view watches) const {
  if (!sub_.types[static_cast<int>(type)]) return false;
  if (sub_.watches.empty()) return true;
  bool any = false;
  pipeline::for_each_watch(watches, [&](std::string_view w) {
    if (!any && std::find(sub_.watches.begin(), sub_.watches.end(), w) != sub_.watches.end()) any = true;
  });
  return any;
}

namespace {

// The alerts or signals key of the record an alert or signal event announces; false when the
// event's JSON does not say (then it is sent as it is).
bool announced_record(event_type type, std::string_view json, storage::record_table* table, std::string* key) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) return false;
  if (type == event_type::alert) {
    std::string_view id;
    if (doc["id"].get(id) != simdjson::SUCCESS) return false;
    *table = storage::record_table::alerts;
    return pipeline::alert_key_from_id(id, key);
  }
  std::string_view watch, term, level, detected_at;
  if (doc["watch"].get(watch) != simdjson::SUCCESS || doc["term"].get(term) != simdjson::SUCCESS ||
      doc["level"].get(level) != simdjson::SUCCESS || doc["detected_at"].get(detected_at) != simdjson::SUCCESS) {
    return false;
  }
  auto at = pipeline::parse_rfc3339_ms(detected_at);
  if (!at.ok()) return false;
  int rank = -1;
  for (auto l : {pipeline::signal_level::weak, pipeline::signal_level::emerging, pipeline::signal_level::trend}) {
    if (pipeline::to_string(l) == level) rank = static_cast<int>(l);
  }
  if (rank < 0) return false;
  *table = storage::record_table::signals;
  key->clear();
  pipeline::append_signal_prefix(watch, key);
  storage::append_time(*at, key);
  key->push_back(static_cast<char>(rank));
  key->append(term);
  return true;
}

}  // namespace

void websocket_session::handle(std::uint64_t seq, event_type type, std::string_view watches,
                               std::string_view data, bool data_is_key) {
  last_seq_ = seq;
  if (!wanted(type, watches)) return;
  std::string frame;
  if (type == event_type::mention) {
    // Mentions travel as records: rendered here, on the session's thread, only if wanted.
    std::string record;
    if (data_is_key) {
      auto stored = db_.get_mention(sub_.tenant, data);
      if (!stored.ok()) return;  // dropped by retention since: nothing to send
      record = std::move(*stored);
      data = record;
    }
    pipeline::mention_view m;
    if (!pipeline::decode_mention(data, &m).ok()) return;
    scratch_.clear();
    pipeline::append_enriched_json(m, &scratch_);
    pipeline::append_event_json(seq, type, scratch_, &frame);
  } else {
    // Replayed from the log: an alert or signal of a watch deleted since (its records went
    // with it) is not sent, as a mention dropped by retention is not: it could not be opened
    // or acknowledged, and a watch created again with the same id starts afresh.
    storage::record_table table;
    std::string key;
    if (data_is_key && announced_record(type, data, &table, &key) &&
        db_.get_record(table, sub_.tenant, key).status().code() == status_code::not_found) {
      return;
    }
    pipeline::append_event_json(seq, type, data, &frame);
  }
  frames_.emplace_back(seq, std::move(frame));
}

void websocket_session::replay_one(std::uint64_t seq, std::string_view record) {
  auto e = pipeline::decode_event_record(record);
  if (e.ok()) {
    handle(seq, e->type, e->watches, e->payload, /*data_is_key=*/true);
  } else {
    last_seq_ = seq;  // unreadable: skip it rather than stall the feed
  }
}

bool websocket_session::chunk_read(const status& s, bool lost, std::string_view what) {
  if (!s.ok()) {
    close_with(websocket::close_code::internal_error, "the event log cannot be read; retry with since");
    return false;
  }
  if (lost) {
    close_with(close_events_lost, std::string(what) + " after since=" + std::to_string(last_seq_) +
                                      " are no longer kept; reconnect without since");
    return false;
  }
  return true;
}

// Reads the next events from the log; false once the log has nothing more.
bool websocket_session::replay_chunk() {
  if (!wants_mentions()) {
    // Alerts and signals only: from the findings log, which goes back further than the event
    // log and holds nothing this feed skips.
    auto coverage = db_.findings_after(sub_.tenant, last_seq_);
    if (!chunk_read(coverage.status(), false, {})) return false;
    // before_log: since is older than the upgrade of a database from before the findings log;
    // its event log has them. Otherwise the read tells whether retention dropped some.
    if (*coverage != storage::store::finding_coverage::before_log) return replay_findings_chunk();
  }
  std::size_t n = 0;
  const std::uint64_t expected = last_seq_ + 1;
  bool lost = false;
  status s = db_.read_events(sub_.tenant, expected, [&](std::uint64_t seq, std::string_view rec) {
    if (n == 0 && seq > expected) {
      // The log starts after what this client has: retention trimmed events it had not read
      // yet (a gap from a failed write is not a loss, and is passed over).
      auto first = db_.first_event_seq(sub_.tenant);
      if (first.ok() && *first == seq) {
        lost = true;
        return false;
      }
    }
    replay_one(seq, rec);
    return ++n < options_.replay_chunk_events;
  });
  return chunk_read(s, lost, "events") && n == options_.replay_chunk_events;
}

bool websocket_session::replay_findings_chunk() {
  std::size_t n = 0;
  bool lost = false;
  status s = db_.read_findings(sub_.tenant, last_seq_ + 1,
                               [&](std::uint64_t seq, const storage::finding_link& link, std::string_view rec) {
                                 // The finding before the first one read is gone: retention.
                                 if (n == 0 && link.previous_seq > last_seq_) {
                                   lost = true;
                                   return false;
                                 }
                                 replay_one(seq, rec);
                                 return ++n < options_.replay_chunk_events;
                               });
  if (!chunk_read(s, lost, "alerts and signals")) return false;
  if (n == options_.replay_chunk_events) return true;
  // Every finding up to the head read at subscription was in the log when it was read: what
  // comes between them is mentions, which this feed does not take. Later events are live.
  last_seq_ = std::max(last_seq_, subscribed_at_);
  return false;
}

bool websocket_session::take_live() {
  std::lock_guard lock(mu_);
  if (overflow_) {
    overflow_ = false;
    metrics_.stream_slow_consumer();
    // The reason, which names where to resume, is written at the close itself: a frame
    // being written now is still received.
    close_with(close_slow_consumer, {});
    return false;
  }
  // Take only what this side can hold; the rest stays in live_, where deliver() counts it
  // against max_queued_events, so a client that stops reading is detected and closed.
  while (!live_.empty() && taken_.size() < max_frames_in_flight) {
    taken_.push_back(std::move(live_.front()));
    live_.pop_front();
  }
  return true;
}

void websocket_session::pump() {
  if (!accepted_ || closing_) return;
  if (!take_live()) return;
  // Log chunks read, and live events looked at, in this call: events this client filters
  // out make no frames, so without a bound one call could read a whole log (400,000 events)
  // or a burst of another watch's while the thread serves no one.
  int chunks = 0;
  std::size_t looked_at = 0;
  while (frames_.size() < max_frames_in_flight && !closing_) {
    if (replaying_) {
      if (++chunks > max_chunks_per_pump) {
        // Go on later, after what else waits for this thread.
        net::post(ws_.get_executor(), [self = shared_from_this()] { self->pump(); });
        break;
      }
      replaying_ = replay_chunk();
      continue;
    }
    if (taken_.empty()) {
      // Filtered out, they made no frames: more may wait in live_ (a burst of another
      // watch's mentions); go on with them, in turns.
      if (looked_at >= max_live_per_pump) {
        net::post(ws_.get_executor(), [self = shared_from_this()] { self->pump(); });
        break;
      }
      if (!take_live()) return;
      if (taken_.empty()) break;
    }
    ++looked_at;
    shared_event e = std::move(taken_.front());
    taken_.pop_front();
    if (e->seq <= last_seq_) continue;  // already read from the log
    if (e->seq > last_seq_ + 1) {
      if (!wants_mentions() && last_seq_ >= subscribed_at_) {
        // Past its subscription, what a feed without mentions did not get live is mention
        // events nobody wanted (alerts and signals are always published) or a failed write:
        // nothing to read back, and the log may no longer hold it.
        last_seq_ = e->seq - 1;
      } else {
        // Events this session did not get live (not published, or published before it
        // subscribed): read them from the log, then this one again.
        taken_.push_front(std::move(e));
        replaying_ = true;
        continue;
      }
    }
    handle(e->seq, e->type, e->watches, e->data, /*data_is_key=*/false);
  }
  if (!writing_ && !frames_.empty()) do_write();
}

void websocket_session::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(frames_.front().second),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return finish();
  frames_.pop_front();
  metrics_.stream_event_sent();
  if (close_after_write_) {
    close_deadline_.cancel();
    auto [code, reason] = std::move(*close_after_write_);
    close_after_write_.reset();
    closing_ = false;
    return close_with(code, std::move(reason));
  }
  if (!frames_.empty()) return do_write();
  pump();
}

void websocket_session::close_with(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  if (!resume_from_) {
    // Where the client resumes: before the first frame it will not get, or else past every
    // event this session has looked at (sent, or not for this client). Not the last frame
    // sent: a feed of a quiet watch beside busy ones would be sent back to an event the log
    // may no longer keep.
    const std::size_t kept = writing_ ? 1 : 0;
    resume_from_ = frames_.size() > kept ? frames_[kept].first - 1 : last_seq_;
  }
  taken_.clear();
  // The frame being written must outlive its write; the others are dropped.
  while (frames_.size() > (writing_ ? 1u : 0u)) frames_.pop_back();
  if (writing_) {
    // One write at a time: close once the frame being written is out. A client that does
    // not read never lets it out: after the idle timeout the connection is dropped (its
    // keep-alive ping would time out too, unless the client sends frames of its own).
    close_after_write_.emplace(code, std::move(reason));
    close_deadline_.expires_after(options_.idle_timeout);
    close_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->close_after_write_) self->finish();
    });
    return;
  }
  if (code == close_slow_consumer && reason.empty()) {
    reason = "slow consumer: resume with since=" + std::to_string(*resume_from_);
  } else if (code == static_cast<std::uint16_t>(websocket::close_code::going_away) && reason.empty()) {
    reason = "server stopping: resume with since=" + std::to_string(*resume_from_);
  }
  if (reason.size() > 123) reason.resize(123);  // the protocol's limit
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void websocket_session::finish() {
  close_deadline_.cancel();
  if (subscribed_) {
    hub_.unsubscribe(sub_.tenant, this);
    subscribed_ = false;
  }
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
}

}  // namespace vigie::server
