// stream_hub: hands durable events from the pipeline's writer to the live subscribers of
// their tenant: WebSocket sessions (GET /v1/stream) and webhook dispatchers.
//
//   auto hub = std::make_shared<vigie::server::stream_hub>();
//   pipeline::pipeline p(db, options, enrichers, observer, {.detectors = &d, .events = hub.get()});
//   hub->subscribe("acme", session);   // session->deliver(events) from now on
//
// publish() runs on the writer thread: it copies the tenant's subscriber list under the lock
// and calls deliver() outside it; a subscriber queues and returns (bounded), so one slow
// client never slows the writer or the others. Events are shared, never copied per client.
//
// Thread safety: every member from any thread.

#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/events.h"

namespace vigie::server {

using shared_event = std::shared_ptr<const pipeline::stream_event>;

class stream_subscriber {
 public:
  virtual ~stream_subscriber() = default;
  // Events of the subscriber's tenant, in seq order. Called from the writer thread: must not
  // block. Events may be missing from a delivery (the writer does not keep mention events
  // when nobody wanted them); a subscriber that sees a gap in seq reads it from the log.
  virtual void deliver(std::span<const shared_event> events) = 0;
  // Whether it wants mention events (alerts and signals are always delivered).
  virtual bool wants_mentions() const = 0;
  // The server is stopping: no more events will come. Must not block.
  virtual void going_away() {}
  // Every event of the tenant up to seq is in the log: those this subscriber takes were
  // delivered before the call. Only the subscribe_all() subscriber is told. Must not block.
  virtual void published_through(std::string_view /*tenant*/, std::uint64_t /*seq*/) {}
};

class stream_hub : public pipeline::event_sink {
 public:
  void subscribe(const std::string& tenant, const std::shared_ptr<stream_subscriber>& s);
  void unsubscribe(const std::string& tenant, const stream_subscriber* s);
  // Every tenant's alerts and signals (never mentions): for the webhook dispatcher. Set once,
  // before the pipeline starts; it must outlive the hub's use.
  void subscribe_all(stream_subscriber* s) { all_ = s; }
  // At shutdown, once the last events are published: tells every subscriber going_away().
  void close_all();
  // Subscribers still there (they leave with unsubscribe()).
  std::size_t size() const;

  bool wants_mentions(std::string_view tenant) const override;
  void publish(std::vector<pipeline::stream_event>& events) override;
  void logged_through(std::string_view tenant, std::uint64_t seq) override;

 private:
  mutable std::mutex mu_;
  struct entry {
    std::weak_ptr<stream_subscriber> subscriber;
    const stream_subscriber* address;  // to unsubscribe from a destructor, once expired
    bool mentions;
  };
  std::unordered_map<std::string, std::vector<entry>> by_tenant_;
  std::unordered_map<std::string, int> mention_listeners_;
  stream_subscriber* all_ = nullptr;
};

}  // namespace vigie::server
