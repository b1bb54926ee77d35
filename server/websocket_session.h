// websocket_session: one client of the live feed, GET /v1/stream (DESIGN.md): events of its
// tenant, filtered by watches and types, each {"seq", "type", "data"}, seq increasing.
//
//   auto s = std::make_shared<websocket_session>(std::move(socket), subscription, ctx);
//   s->run(std::move(upgrade_request));
//
// No gap, no duplicate: the session subscribes to the hub first, then reads the event log
// from since+1 (when given) up to its end, then sends live events, skipping those it has
// sent and reading from the log any it did not get live (a seq jump). Whatever it reads
// from the log is durable, and the hub only publishes durable events.
//
// Bounds: live events wait in a queue of at most max_queued_events; a client that reads too
// slowly for that is closed with code 4008 and a reason naming the last seq it was sent, to
// resume with since=. Keep-alive pings find dead peers; the idle timeout closes them.
//
// Thread safety: deliver() from any thread (the pipeline's writer); the rest runs on the
// session's strand.

#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/router.h"
#include "server/stream_hub.h"

namespace vigie::server {

// What a client asked for, checked by the router before the upgrade.
struct stream_subscription {
  std::string tenant;
  std::vector<std::string> watches;  // empty: every watch
  bool types[4] = {false, true, true, true};  // by pipeline::event_type value
  std::optional<std::uint64_t> since;
};

// Close code for a client that does not keep up (application range 4000-4999).
inline constexpr std::uint16_t close_slow_consumer = 4008;
// Close code for a since= replay that reached events the log no longer keeps (retention
// trimmed them while the client read older ones): a gap the client must know of.
inline constexpr std::uint16_t close_events_lost = 4010;

class websocket_session : public stream_subscriber,
                          public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(boost::asio::ip::tcp::socket&& socket, stream_subscription subscription,
                    storage::store& db, stream_hub& hub, const stream_options& options,
                    server_metrics& metrics);
  ~websocket_session() override;

  void run(http_request upgrade);

  void deliver(std::span<const shared_event> events) override;
  bool wants_mentions() const override { return sub_.types[1]; }
  // Closes the feed with 1001 (going away) and the seq to resume from with since=.
  void going_away() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void pump();
  // Moves live events from live_ to taken_, as many as fit; false when the client fell too
  // far behind (it is being closed).
  bool take_live();
  bool replay_chunk();
  bool replay_findings_chunk();
  // Sends an event read from a log, if the client wants it.
  void replay_one(std::uint64_t seq, std::string_view record);
  // After a chunk of a replay is read: closes the feed when the log could not be read, or when
  // retention dropped `what` the client had not read yet (lost); false then.
  bool chunk_read(const status& s, bool lost, std::string_view what);
  void handle(std::uint64_t seq, pipeline::event_type type, std::string_view watches,
              std::string_view data, bool data_is_key);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void close_with(std::uint16_t code, std::string reason);
  void finish();
  bool wanted(pipeline::event_type type, std::string_view watches) const;

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer read_buffer_;
  stream_subscription sub_;
  storage::store& db_;
  stream_hub& hub_;
  const stream_options& options_;
  server_metrics& metrics_;

  // Shared with deliver().
  std::mutex mu_;
  std::deque<shared_event> live_;
  bool overflow_ = false;
  bool pump_posted_ = false;

  // Strand only.
  std::deque<shared_event> taken_;  // live events taken from live_, not yet handled
  std::deque<std::pair<std::uint64_t, std::string>> frames_;  // (seq, JSON) to write
  std::uint64_t last_seq_ = 0;  // every event up to it has been handled (sent or filtered)
  std::optional<std::uint64_t> resume_from_;  // the since= a close reason names, set at the first close
  std::uint64_t subscribed_at_ = 0;  // the log's head when the session subscribed
  bool replaying_ = false;
  bool writing_ = false;
  bool accepted_ = false;
  bool closing_ = false;
  bool subscribed_ = false;
  std::optional<std::pair<std::uint16_t, std::string>> close_after_write_;
  // Armed when a close waits for a frame being written: a client that does not read never
  // lets the frame out, and may keep the connection alive with frames of its own.
  boost::asio::steady_timer close_deadline_;
  std::string scratch_;
};

}  // namespace vigie::server
