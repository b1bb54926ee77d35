// server_metrics: the metrics Vigie exports on /metrics, registered once at start-up.
//
// RED per route (requests by method, route and status; latency by route), open connections,
// ingest lines by outcome, group-commit latency and size, queue depths, and RocksDB figures
// (pending compaction bytes, running compactions, memtable and table sizes, write stalls),
// plus the standard process_* metrics.
//
//   auto m = vigie::server::server_metrics::create();
//   m->bind(pipeline, store);              // queue depths and RocksDB figures at scrape time
//   m->request("POST", "/v1/mentions", 200, 0.004);
//
// Thread safety: every method may be called from any thread.

#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>

#include "pipeline/detector_stage.h"
#include "pipeline/pipeline.h"
#include "server/metrics.h"
#include "storage/store.h"

namespace vigie::server {

class server_metrics : public pipeline::pipeline_observer {
 public:
  static result<std::unique_ptr<server_metrics>> create();

  // Adds the scrape-time gauges that read the pipeline and the store. Both must outlive this.
  status bind(const pipeline::pipeline& p, const storage::store& db);

  // route is the route template ("/v1/mentions"), never the raw path: bounded label values.
  void request(std::string_view method, std::string_view route, unsigned status, double seconds);
  void connection_opened() {
    open_connections_.fetch_add(1, std::memory_order_relaxed);
    connections_->add(1);
  }
  void connection_closed() {
    open_connections_.fetch_sub(1, std::memory_order_relaxed);
    connections_->sub(1);
  }
  // HTTP connections and live-feed sessions: what holds a socket, and what
  // http_options::max_connections bounds.
  std::uint32_t open_connections() const noexcept {
    return open_connections_.load(std::memory_order_relaxed);
  }
  void overloaded() { overloaded_->inc(); }
  // A connection refused at http_options::max_connections; returns how many so far.
  std::uint64_t connection_refused() {
    refused_connections_->inc();
    return refused_total_.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  // Requests read and not yet answered; shutdown waits for them.
  void request_started() { inflight_requests_.fetch_add(1, std::memory_order_relaxed); }
  void request_answered() { inflight_requests_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t inflight_requests() const noexcept {
    return inflight_requests_.load(std::memory_order_relaxed);
  }
  // Request bodies being read (headers in, body still arriving); shutdown lets them arrive
  // before it stops the pipeline, so that a batch on its way is stored and answered.
  void body_read_started() { bodies_being_read_.fetch_add(1, std::memory_order_relaxed); }
  void body_read_finished() { bodies_being_read_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t bodies_being_read() const noexcept {
    return bodies_being_read_.load(std::memory_order_relaxed);
  }

  // The live feed (GET /v1/stream).
  void stream_opened() {
    open_connections_.fetch_add(1, std::memory_order_relaxed);
    streams_->add(1);
  }
  void stream_closed() {
    open_connections_.fetch_sub(1, std::memory_order_relaxed);
    streams_->sub(1);
  }
  void stream_event_sent() { stream_events_->inc(); }
  void stream_slow_consumer() { stream_slow_->inc(); }

  // Scrape-time figures of the detector stage. It must outlive this.
  status bind_detectors(const pipeline::detector_stage& d);

  // For components that register their own families (webhooks).
  metrics_registry& mutable_registry() { return registry_; }

  void on_lines(std::size_t accepted, std::size_t duplicates, std::size_t rejected) override;
  void on_group_commit(std::size_t mentions, std::size_t bytes, double seconds) override;
  // Counts the failure, and logs it: the first of a run of failures at once, then at most
  // one line every write_error_log_interval, and once more when writes succeed again.
  void on_write_failed(const status& error) override;

  const metrics_registry& registry() const { return registry_; }

 private:
  server_metrics() = default;
  status init();

  metrics_registry registry_;
  counter_family* requests_ = nullptr;
  histogram_family* latency_ = nullptr;
  gauge* connections_ = nullptr;
  std::atomic<std::uint32_t> open_connections_{0};
  std::atomic<std::int64_t> inflight_requests_{0};
  std::atomic<std::int64_t> bodies_being_read_{0};
  counter* overloaded_ = nullptr;
  counter* refused_connections_ = nullptr;
  std::atomic<std::uint64_t> refused_total_{0};
  counter* lines_accepted_ = nullptr;
  counter* lines_duplicate_ = nullptr;
  counter* lines_rejected_ = nullptr;
  histogram* commit_latency_ = nullptr;
  histogram* commit_mentions_ = nullptr;
  counter* commit_bytes_ = nullptr;
  counter* write_errors_ = nullptr;
  std::mutex write_errors_mu_;
  std::uint64_t failing_writes_ = 0;  // since the last success (guarded by write_errors_mu_)
  std::uint64_t unlogged_failures_ = 0;
  std::chrono::steady_clock::time_point last_write_error_log_;
  std::atomic<bool> writes_failing_{false};
  gauge* streams_ = nullptr;
  counter* stream_events_ = nullptr;
  counter* stream_slow_ = nullptr;
};

}  // namespace vigie::server
