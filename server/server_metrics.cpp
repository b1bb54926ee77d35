#include "server/server_metrics.h"

#include <string>

#include "server/log.h"

namespace vigie::server {

namespace {

constexpr auto write_error_log_interval = std::chrono::seconds(10);

}  // namespace

#define VIGIE_ASSIGN(var, expr)          \
  do {                                   \
    auto _r = (expr);                    \
    if (!_r.ok()) return _r.status();    \
    var = *_r;                           \
  } while (0)

result<std::unique_ptr<server_metrics>> server_metrics::create() {
  std::unique_ptr<server_metrics> m(new server_metrics());
  if (auto s = m->init(); !s.ok()) return s;
  return m;
}

status server_metrics::init() {
  VIGIE_ASSIGN(requests_, registry_.add_counter("vigie_http_requests_total",
                                                "HTTP requests answered, by method, route and status code.",
                                                {"method", "route", "code"}));
  VIGIE_ASSIGN(latency_, registry_.add_histogram("vigie_http_request_duration_seconds",
                                                 "Time from a request's last byte read to its response being queued, by route.",
                                                 default_latency_buckets(), {"route"}));
  gauge_family* conns = nullptr;
  VIGIE_ASSIGN(conns, registry_.add_gauge("vigie_http_connections", "Open HTTP connections."));
  connections_ = &conns->with({});
  counter_family* over = nullptr;
  VIGIE_ASSIGN(over, registry_.add_counter("vigie_ingest_overloaded_total",
                                           "Ingest requests refused with 503 because the pipeline was full."));
  overloaded_ = &over->with({});
  counter_family* refused = nullptr;
  VIGIE_ASSIGN(refused, registry_.add_counter(
                            "vigie_http_refused_connections_total",
                            "Connections answered 503 too_many_connections at http.max_connections, unread "
                            "(health probes and scrapes included): vigie_http_connections plus the live feed's "
                            "clients were at the cap."));
  refused_connections_ = &refused->with({});
  counter_family* lines = nullptr;
  VIGIE_ASSIGN(lines, registry_.add_counter("vigie_ingest_lines_total",
                                            "Mention lines received, by outcome.", {"outcome"}));
  lines_accepted_ = &lines->with({"accepted"});
  lines_duplicate_ = &lines->with({"duplicate"});
  lines_rejected_ = &lines->with({"rejected"});
  histogram_family* commit = nullptr;
  VIGIE_ASSIGN(commit, registry_.add_histogram("vigie_write_batch_duration_seconds",
                                               "Group commits: dedup lookup plus RocksDB write, WAL included.",
                                               default_latency_buckets()));
  commit_latency_ = &commit->with({});
  histogram_family* sizes = nullptr;
  VIGIE_ASSIGN(sizes, registry_.add_histogram("vigie_write_batch_mentions",
                                              "Mentions written per group commit.",
                                              {1, 10, 100, 1000, 10000, 100000}));
  commit_mentions_ = &sizes->with({});
  counter_family* bytes = nullptr;
  VIGIE_ASSIGN(bytes, registry_.add_counter("vigie_write_batch_bytes_total",
                                            "Bytes of RocksDB write batches committed."));
  commit_bytes_ = &bytes->with({});
  counter_family* write_errors = nullptr;
  VIGIE_ASSIGN(write_errors, registry_.add_counter("vigie_write_errors_total",
                                                   "Group commits RocksDB refused (disk full, I/O error): "
                                                   "their batches were answered 503."));
  write_errors_ = &write_errors->with({});
  gauge_family* streams = nullptr;
  VIGIE_ASSIGN(streams, registry_.add_gauge("vigie_stream_sessions", "Open live-feed WebSocket sessions."));
  streams_ = &streams->with({});
  counter_family* sent = nullptr;
  VIGIE_ASSIGN(sent, registry_.add_counter("vigie_stream_events_sent_total",
                                           "Events written to live-feed clients."));
  stream_events_ = &sent->with({});
  counter_family* slow = nullptr;
  VIGIE_ASSIGN(slow, registry_.add_counter("vigie_stream_slow_consumer_closes_total",
                                           "Live-feed clients closed (code 4008) for not keeping up."));
  stream_slow_ = &slow->with({});
  return add_process_metrics(registry_);
}

status server_metrics::bind(const pipeline::pipeline& p, const storage::store& db) {
  auto gauge_fn = [&](std::string_view name, std::string_view help, std::function<double()> fn) {
    return registry_.add_callback_gauge(name, help, std::move(fn));
  };
  status s = gauge_fn("vigie_ingest_queue_depth", "Batches waiting for a parse worker.",
                      [&p] { return static_cast<double>(p.ingest_queue_depth()); });
  if (!s.ok()) return s;
  s = gauge_fn("vigie_write_queue_depth", "Parsed batches waiting for the storage writer.",
               [&p] { return static_cast<double>(p.write_queue_depth()); });
  if (!s.ok()) return s;
  s = gauge_fn("vigie_ingest_inflight_bytes", "Request body bytes accepted and not yet written.",
               [&p] { return static_cast<double>(p.inflight_bytes()); });
  if (!s.ok()) return s;
  struct prop {
    const char* name;
    const char* help;
    double (*get)(const storage::store_stats&);
  };
  static const prop props[] = {
      {"vigie_rocksdb_pending_compaction_bytes", "RocksDB estimate of bytes compaction must rewrite.",
       [](const storage::store_stats& s) { return double(s.pending_compaction_bytes); }},
      {"vigie_rocksdb_running_compactions", "RocksDB compactions running now.",
       [](const storage::store_stats& s) { return double(s.running_compactions); }},
      {"vigie_rocksdb_memtable_bytes", "RocksDB memtable bytes, all column families.",
       [](const storage::store_stats& s) { return double(s.memtable_bytes); }},
      {"vigie_rocksdb_live_sst_bytes", "RocksDB table file bytes, all column families.",
       [](const storage::store_stats& s) { return double(s.live_sst_bytes); }},
      {"vigie_rocksdb_estimated_mentions", "RocksDB estimate of stored mentions.",
       [](const storage::store_stats& s) { return double(s.estimated_mentions); }},
      {"vigie_rocksdb_write_stopped", "1 while RocksDB stops writes (too many memtables or L0 files).",
       [](const storage::store_stats& s) { return s.write_stopped ? 1.0 : 0.0; }},
  };
  for (const auto& pr : props) {
    auto get = pr.get;
    s = gauge_fn(pr.name, pr.help, [&db, get] { return get(db.stats()); });
    if (!s.ok()) return s;
  }
  return registry_.add_callback_counter(
      "vigie_rocksdb_stall_seconds_total", "Time RocksDB delayed or stopped writes.",
      [&db] { return static_cast<double>(db.stats().write_stall_micros) / 1e6; });
}

status server_metrics::bind_detectors(const pipeline::detector_stage& d) {
  const auto& c = d.counters();
  auto load = [](const std::atomic<std::uint64_t>& v) {
    return [&v] { return static_cast<double>(v.load(std::memory_order_relaxed)); };
  };
  status s = registry_.add_callback_counter(
      "vigie_detector_late_hits_total",
      "Watch hits older than their watch's closed buckets: stored, not seen by the detectors.",
      load(c.late_hits));
  if (!s.ok()) return s;
  s = registry_.add_callback_counter(
      "vigie_detector_author_capped_hits_total",
      "Watch hits not counted towards crisis volumes: their author already counted in that hour.",
      load(c.author_capped_hits));
  if (!s.ok()) return s;
  s = registry_.add_callback_counter("vigie_alert_transitions_total",
                                     "Crisis alerts opened, escalated or resolved.", load(c.alerts));
  if (!s.ok()) return s;
  s = registry_.add_callback_counter("vigie_signals_total", "Weak signals found or upgraded.",
                                     load(c.signals));
  if (!s.ok()) return s;
  s = registry_.add_callback_counter(
      "vigie_detector_replayed_mentions_total",
      "Mentions logged after the last detector checkpoint, replayed to the detectors at start-up.",
      load(c.replayed_mentions));
  if (!s.ok()) return s;
  s = registry_.add_callback_gauge("vigie_detector_watches", "Watches with detector state.",
                                   load(c.watches));
  if (!s.ok()) return s;
  s = registry_.add_callback_gauge("vigie_detector_state_bytes",
                                   "Memory of the crisis and weak-signal detectors' state.",
                                   load(c.state_bytes));
  if (!s.ok()) return s;
  return registry_.add_callback_gauge("vigie_detector_queue_depth",
                                      "Hit batches waiting for the detector thread.",
                                      [&d] { return static_cast<double>(d.queue_depth()); });
}

void server_metrics::request(std::string_view method, std::string_view route, unsigned status,
                             double seconds) {
  // Children are created once per (method, route, code) and kept; with() takes a mutex, which
  // is fine at request granularity.
  requests_->with({method, route, std::to_string(status)}).inc();
  latency_->with({route}).observe(seconds);
}

void server_metrics::on_lines(std::size_t accepted, std::size_t duplicates, std::size_t rejected) {
  lines_accepted_->inc(accepted);
  lines_duplicate_->inc(duplicates);
  lines_rejected_->inc(rejected);
}

void server_metrics::on_group_commit(std::size_t mentions, std::size_t bytes, double seconds) {
  commit_latency_->observe(seconds);
  commit_mentions_->observe(static_cast<double>(mentions));
  commit_bytes_->inc(bytes);
  if (writes_failing_.load(std::memory_order_relaxed)) {
    std::lock_guard lock(write_errors_mu_);
    if (!writes_failing_.exchange(false)) return;
    log_info("storage writes succeed again", {log_field::number("failed_writes", static_cast<long long>(failing_writes_))});
    failing_writes_ = unlogged_failures_ = 0;
  }
}

void server_metrics::on_write_failed(const status& error) {
  write_errors_->inc();
  std::lock_guard lock(write_errors_mu_);
  ++failing_writes_;
  ++unlogged_failures_;
  const auto now = std::chrono::steady_clock::now();
  if (writes_failing_.exchange(true) && now - last_write_error_log_ < write_error_log_interval) return;
  log_error("storage write failed: ingest answers 503 until writes succeed again",
            {{"error", error.message()},
             log_field::number("failed_writes", static_cast<long long>(unlogged_failures_)),
             {"hint", "check free disk space and the RocksDB LOG in the data folder"}});
  unlogged_failures_ = 0;
  last_write_error_log_ = now;
}

}  // namespace vigie::server
