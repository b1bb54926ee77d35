#include "server/serve_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <thread>
#include <vector>

#include "server/auth.h"
#include "pipeline/enrich.h"
#include "server/listener.h"
#include "server/log.h"
#include "server/router.h"
#include "pipeline/detector_stage.h"
#include "server/server_metrics.h"
#include "server/stream_hub.h"
#include "server/webhook_dispatcher.h"
#include "storage/store.h"

namespace vigie::server {

namespace net = boost::asio;

namespace {

// The write-ahead log files of a RocksDB folder ("000043.log", digits then .log; not LOG),
// sorted by name, with their sizes; none when the folder cannot be read.
std::vector<std::pair<std::string, std::uintmax_t>> write_ahead_logs(const std::string& dir) {
  std::vector<std::pair<std::string, std::uintmax_t>> logs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.ends_with(".log") &&
        std::all_of(name.begin(), name.end() - 4, [](char c) { return c >= '0' && c <= '9'; })) {
      std::error_code size_ec;
      const std::uintmax_t size = entry.file_size(size_ec);
      logs.emplace_back(std::move(name), size_ec ? 0 : size);
    }
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

// How long shutdown waits for request bodies still arriving, then for answers already queued to
// reach their clients.
constexpr auto flush_grace = std::chrono::seconds(5);
// How long it waits for live-feed clients to answer the close frame (one that does not read
// never does).
constexpr auto feeds_close_grace = std::chrono::seconds(1);

}  // namespace

int run_serve(const config& cfg) {
  set_log_level(cfg.log.level);
  log_info("starting vigie", {log_field::raw_json("config", describe(cfg))});
  // Each HTTP or WebSocket client holds a file descriptor; the usual soft limit (1024) is far
  // below max_connections. Raise it to what the system allows.
  // Past it, sockets would take the descriptors RocksDB needs for its files (a failed open
  // there stops writes): connections are capped below the limit, with a reserve.
  http_options http = cfg.http;
  if (rlimit fds{}; getrlimit(RLIMIT_NOFILE, &fds) == 0) {
    if (fds.rlim_cur < fds.rlim_max) {
      fds.rlim_cur = fds.rlim_max;
      (void)setrlimit(RLIMIT_NOFILE, &fds);
      (void)getrlimit(RLIMIT_NOFILE, &fds);
    }
    constexpr rlim_t reserved_descriptors = 1024;
    const rlim_t room = fds.rlim_cur > 2 * reserved_descriptors ? fds.rlim_cur - reserved_descriptors
                                                                 : fds.rlim_cur / 2;
    if (fds.rlim_cur != RLIM_INFINITY && http.max_connections > room) {
      log_warn("http.max_connections is above what the open-file limit allows: lowered",
               {{"max_connections", std::to_string(http.max_connections)},
                {"open_file_limit", std::to_string(fds.rlim_cur)},
                {"effective", std::to_string(room)},
                {"hint", "raise the limit (ulimit -n, LimitNOFILE=) or lower http.max_connections"}});
      http.max_connections = static_cast<std::uint32_t>(room);
    }
  }
  if (cfg.keys.empty()) {
    log_warn("no API keys configured: every /v1 route will answer 401",
             {{"hint", "set VIGIE_API_KEYS=tenant:key or api_keys in the config file"}});
  }

  auto lexicons = pipeline::load_lexicons(cfg.lexicon_dir);
  if (!lexicons.ok()) {
    log_error("cannot load the sentiment lexicons",
              {{"dir", cfg.lexicon_dir}, {"error", lexicons.status().message()},
               {"hint", "set sentiment.lexicon_dir (or --lexicon-dir) to the build's lexicons folder"}});
    // A folder that is not there is a setting to fix (2); a file that cannot be read, a failure.
    return lexicons.status().code() == status_code::not_found ? 2 : 1;
  }
  log_info("lexicons loaded", {{"dir", cfg.lexicon_dir},
                               log_field::number("en_entries", static_cast<long long>((*lexicons)->en().size())),
                               log_field::number("fr_entries", static_cast<long long>((*lexicons)->fr().size()))});

  // The port opens once the store is open: replaying a large write-ahead log after a crash
  // takes seconds to a minute, and says so here rather than in silence.
  const auto open_started = std::chrono::steady_clock::now();
  std::uintmax_t log_bytes = 0;
  for (const auto& [name, size] : write_ahead_logs(cfg.storage.path)) log_bytes += size;
  log_info("opening the store", {{"path", cfg.storage.path},
                                 log_field::number("write_ahead_log_bytes", static_cast<long long>(log_bytes))});
  auto opened = storage::store::open(cfg.storage);
  if (!opened.ok()) {
    const std::string& error = opened.status().message();
    std::string hint;
    if (error.find("lock file") != std::string::npos) {
      hint = "another process (another vigie serve?) is using this data folder";
    } else if (error.find("orruption") != std::string::npos) {
      hint = "the database is damaged: restore it, or set storage.wal_recovery: point_in_time to start "
             "from the last consistent point (dropping what was written after the damage)";
    }
    // RocksDB does not say which file: the write-ahead logs being recovered are the suspects.
    std::string logs;  // comma-separated names
    if (error.find("orruption") != std::string::npos)
      for (const auto& [name, size] : write_ahead_logs(cfg.storage.path)) logs += (logs.empty() ? "" : ", ") + name;
    if (hint.empty()) {
      log_error("cannot open the store", {{"path", cfg.storage.path}, {"error", error}});
    } else if (logs.empty()) {
      log_error("cannot open the store", {{"path", cfg.storage.path}, {"error", error}, {"hint", hint}});
    } else {
      log_error("cannot open the store",
                {{"path", cfg.storage.path}, {"error", error}, {"write_ahead_logs", logs}, {"hint", hint}});
    }
    return 1;
  }
  std::unique_ptr<storage::store> db = std::move(opened).value();
  log_info("store opened", {log_field::number("milliseconds", static_cast<long long>(
                                                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                      std::chrono::steady_clock::now() - open_started)
                                                                      .count()))});

  auto metrics_or = server_metrics::create();
  if (!metrics_or.ok()) {
    log_error("cannot register metrics", {{"error", metrics_or.status().message()}});
    return 1;
  }
  std::unique_ptr<server_metrics> metrics = std::move(metrics_or).value();

  pipeline::watch_registry watches(*db);
  if (auto s = watches.start(); !s.ok()) {
    log_error("cannot load the watches", {{"error", s.message()}});
    return 1;
  }
  log_info("watches loaded", {log_field::number("watches", static_cast<long long>(watches.size()))});
  pipeline::backfill_jobs backfills(*db, watches);
  if (auto s = backfills.resume(); !s.ok()) {
    log_error("cannot load the backfills", {{"error", s.message()}});
    return 1;
  }
  pipeline::detector_stage detectors(*db, &watches, cfg.detectors);
  // A deleted or changed watch stops its backfill first: nothing indexed for the old
  // definition outlives the deletion of the watch's data. Its detectors forget it (deleted:
  // its alerts and signals go too) or take the new query's words (changed).
  watches.on_change([&backfills, &detectors](const std::string& tenant, const std::string& id, bool removed) {
    backfills.cancel(tenant, id, removed);
    if (status s = detectors.watch_changed(tenant, id, removed); !s.ok()) {
      log_warn("cannot delete the alerts and signals of a deleted watch",
               {{"tenant", tenant}, {"watch", id}, {"error", s.message()}});
    }
  });
  stream_hub hub;
  webhook_dispatcher webhooks(*db, cfg.webhooks, *metrics);
  hub.subscribe_all(&webhooks);
  pipeline::pipeline ingest(*db, cfg.pipeline,
                            pipeline::make_mention_enrichers(*lexicons, &watches), metrics.get(),
                            {.detectors = &detectors, .events = &hub});
  if (auto s = metrics->bind(ingest, *db); !s.ok()) {
    log_error("cannot register metrics", {{"error", s.message()}});
    return 1;
  }
  if (auto s = metrics->bind_detectors(detectors); !s.ok()) {
    log_error("cannot register metrics", {{"error", s.message()}});
    return 1;
  }
  if (auto s = webhooks.start(); !s.ok()) {
    log_error("cannot start the webhooks", {{"error", s.message()}});
    return 1;
  }
  authenticator auth(cfg.keys);
  std::atomic<bool> ready{false};
  router routes({cfg, *db, ingest, auth, *metrics, ready, *lexicons, watches, backfills, hub, webhooks});

  net::io_context ioc(cfg.http.io_threads);
  boost::system::error_code ec;
  auto address = net::ip::make_address(cfg.http.host, ec);
  if (ec) {
    log_error("invalid listen address", {{"host", cfg.http.host}, {"error", ec.message()}});
    return 1;
  }
  auto l = std::make_shared<listener>(ioc, net::ip::tcp::endpoint(address, cfg.http.port), routes,
                                      http, *metrics);
  if (auto s = l->open(); !s.ok()) {
    log_error("cannot listen", {{"error", s.message()}});
    return 1;
  }
  if (auto s = ingest.start(); !s.ok()) {
    log_error("cannot start the detectors", {{"error", s.message()}});
    return 1;
  }
  for (const auto& r : detectors.reset_at_start()) {
    log_warn("detector state not restored: this watch's detection starts afresh (warm-up)",
             {{"tenant", r.tenant}, {"watch", r.watch}, {"reason", r.reason}});
  }
  l->run();
  ready.store(true, std::memory_order_release);
  auto bound = l->local_endpoint();
  const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
  log_info("listening", {{"address", host + ":" + std::to_string(bound.port())}});

  // The shutdown sequence runs on its own thread: draining the pipeline blocks, and the
  // event loop must keep running meanwhile to deliver the answers the drain produces. Once the
  // acceptor is closed, a session waiting for the pipeline has no operation pending on the
  // loop: without this guard run() would return, and the answers posted by the drain would
  // never be written (the batch stored, its client left without a reply).
  auto keep_running = net::make_work_guard(ioc);
  std::thread stopper;
  // SIGHUP too: a closed terminal (make run) gets the same clean stop as SIGTERM, not an
  // instant kill (there is no configuration reload to give it). Unless it was ignored when we
  // were started (nohup): then it stays ignored.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  struct sigaction hup {};
  if (sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN) signals.add(SIGHUP);
  signals.async_wait([&](const boost::system::error_code& err, int signo) {
    if (err) return;
    log_info("shutting down", {log_field::number("signal", signo)});
    ready.store(false, std::memory_order_release);
    l->stop();
    stopper = std::thread([&] {
      // A request whose body was still arriving is read to its end and handed on first: a
      // batch on its way at the signal is stored and answered 200, not refused 503.
      const auto reads_deadline = std::chrono::steady_clock::now() + flush_grace;
      while (metrics->bodies_being_read() > 0 && std::chrono::steady_clock::now() < reads_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ingest.stop();
      log_info("pipeline drained");
      // The live feeds have had their last events: they are closed with 1001 and where to
      // resume. Every drained batch has been answered; give the sessions a moment to write
      // those answers and close frames to their sockets, then stop the loop.
      hub.close_all();
      const auto now = std::chrono::steady_clock::now();
      const auto deadline = now + flush_grace, feeds_deadline = now + feeds_close_grace;
      auto busy = [&] {
        const auto t = std::chrono::steady_clock::now();
        return (metrics->inflight_requests() > 0 && t < deadline) || (hub.size() > 0 && t < feeds_deadline);
      };
      while (busy()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      keep_running.reset();
      ioc.stop();
    });
  });

  std::vector<std::thread> io_threads;
  for (int i = 1; i < cfg.http.io_threads; ++i) io_threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : io_threads) t.join();
  if (stopper.joinable()) stopper.join();
  ingest.stop();  // no-op after a signal; covers the loop ending any other way
  webhooks.stop();
  backfills.stop();
  watches.stop();

  if (auto s = db->close(); !s.ok()) {
    log_error("closing the store failed", {{"error", s.message()}});
    return 1;
  }
  log_info("stopped");
  return 0;
}

}  // namespace vigie::server
